"""API tokens page: create (the key is shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jianfu.api.models import ApiToken
from jianfu.api.tokens import TokenError, create_token, revoke_token, tokens_visible_to
from jianfu.org import permissions as perms
from jianfu.web.views.common import deny_unless


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    deny_unless(perms.can_manage_tokens(user), "只有部门用户或管理员可以管理接口令牌。")
    new_key = None
    if request.method == "POST":
        unit = perms.token_units_for(user).filter(pk=request.POST.get("unit") or 0).first()
        if unit is None:
            messages.error(request, "请选择令牌限定的部门。")
        else:
            try:
                _, new_key = create_token(
                    by=user, name=request.POST.get("name", ""), unit=unit, scope=request.POST.get("scope", "read")
                )
            except TokenError as exc:
                messages.error(request, str(exc))
    context = {
        "tokens": tokens_visible_to(user),
        "units": perms.token_units_for(user),
        "scopes": ApiToken.Scope.choices,
        "new_key": new_key,
        "posted": request.POST if request.method == "POST" and new_key is None else {},
    }
    return render(request, "web/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    deny_unless(perms.can_manage_tokens(request.user))
    token = get_object_or_404(tokens_visible_to(request.user), pk=pk)
    revoke_token(token=token, by=request.user)
    messages.success(request, f"已吊销令牌“{token.name}”。")
    return redirect("tokens")
