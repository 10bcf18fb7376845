"""Authentication for the API: the browser session (pages use the API too) and,
for other systems, tokens (`Authorization: Bearer jf_…`), hashed in `ApiToken`."""

from ninja.security import HttpBearer, django_auth


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        from jianfu.api.tokens import authenticate_key

        user = authenticate_key(token)
        if user is not None:
            request.user = user
        return user


# Token first: the session check enforces CSRF and would refuse a token-only call
# (another system has no CSRF cookie) before the token is even looked at.
api_auth = [TokenAuth(), django_auth]
