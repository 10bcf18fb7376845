"""Token services (create, revoke, authenticate) and the /api/v1/tokens endpoints."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jianfu.api.auth import api_auth
from jianfu.api.models import ApiToken, hash_key
from jianfu.org import permissions as perms
from jianfu.org.models import Unit, User
from jianfu.org.services import record_audit


class TokenError(ValueError):
    """Bad token request; the message is Chinese and shown as is."""


@transaction.atomic
def create_token(*, by: User, name: str, unit: Unit, scope: str = ApiToken.Scope.READ) -> tuple[ApiToken, str]:
    """Create a token; returns (row, key). The key is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError("请填写令牌名称（如“OA系统”）。")
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"权限“{scope}”无效，应为 read 或 write。")
    if not perms.token_units_for(by).filter(pk=unit.pk).exists():
        raise TokenError(f"您不能为“{unit}”创建令牌。")
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        name=name[:100], user=by, unit=unit, scope=scope, key_hash=hash_key(key), prefix=key[:10]
    )
    record_audit(actor=by, action="token.create", target=token, summary=f"{name} {unit} {scope}")
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor=by, action="token.revoke", target=token, summary=token.name)
    return token


def tokens_visible_to(user):
    qs = ApiToken.objects.select_related("unit", "user")
    if perms.can_manage_users(user):
        return qs
    return qs.filter(user=user)


def authenticate_key(key: str) -> User | None:
    """The token's user (with `.api_token` set so the permission module can narrow it)."""
    if not key:
        return None
    token = ApiToken.objects.active().select_related("user", "unit").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write the last-used time at most once a minute: tokens may be used in tight loops.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    user = token.user
    user.api_token = token
    return user


# --------------------------------------------------------------------------- API

router = Router(tags=["接口令牌"])


class TokenIn(Schema):
    name: str
    unit_id: int | None = None
    scope: str = "read"


def token_json(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "unit": token.unit.name,
        "unit_id": token.unit_id,
        "scope": token.scope,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked": token.revoked_at is not None,
    }


def _session_only(request: HttpRequest) -> bool:
    # A token cannot mint or revoke tokens: that needs a person logged in.
    return getattr(request.auth, "api_token", None) is None


@router.get("/tokens", auth=api_auth, response={200: list[dict], 403: dict}, summary="我的接口令牌")
def list_tokens(request: HttpRequest):
    if not _session_only(request) or not perms.can_manage_tokens(request.auth):
        return Status(403, {"detail": "只有登录的部门用户或管理员可以管理令牌。"})
    return Status(200, [token_json(t) for t in tokens_visible_to(request.auth)])


@router.post("/tokens", auth=api_auth, response={201: dict, 403: dict, 422: dict}, summary="创建接口令牌")
def post_token(request: HttpRequest, payload: TokenIn):
    user = request.auth
    if not _session_only(request) or not perms.can_manage_tokens(user):
        return Status(403, {"detail": "只有登录的部门用户或管理员可以管理令牌。"})
    unit = Unit.objects.filter(pk=payload.unit_id or user.unit_id).first()
    if unit is None:
        return Status(422, {"detail": "请指定令牌限定的部门（unit_id）。"})
    try:
        token, key = create_token(by=user, name=payload.name, unit=unit, scope=payload.scope)
    except TokenError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, {**token_json(token), "key": key})


@router.delete("/tokens/{token_id}", auth=api_auth, response={200: dict, 403: dict, 404: dict}, summary="吊销令牌")
def delete_token(request: HttpRequest, token_id: int):
    if not _session_only(request):
        return Status(403, {"detail": "令牌不能吊销令牌，请登录后操作。"})
    token = tokens_visible_to(request.auth).filter(pk=token_id).first()
    if token is None:
        return Status(404, {"detail": f"没有编号为 {token_id} 的令牌。"})
    return Status(200, token_json(revoke_token(token=token, by=request.auth)))
