"""Authentication for the API: the browser session (pages use the API too) and,
for other systems, tokens (added with the token model)."""

from ninja.security import django_auth

api_auth = [django_auth]
