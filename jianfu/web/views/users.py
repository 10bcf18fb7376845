"""The administrator manages people: create a user with unit and roles, change them, deactivate.
The writes are org's services (atomic, audited)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jianfu.org import permissions as perms
from jianfu.org.models import Role, Unit, User
from jianfu.org.services import create_person, update_person
from jianfu.web.views.common import deny_unless


class PersonForm(forms.Form):
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    unit = forms.ModelChoiceField(
        label="所属单位",
        queryset=Unit.objects.order_by("kind", "name"),
        required=False,
        empty_label="（无）",
        error_messages={"invalid_choice": "请从列表中选择单位。"},
    )
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles") or [])
        if roles & {Role.CLERK, Role.HEAD, Role.GRASSROOTS} and data.get("unit") is None:
            self.add_error("unit", "经办人、负责人和基层用户须指定所属单位。")
        return data


class NewPersonForm(PersonForm):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[\w.@+-]{2,150}$",
        max_length=150,
        error_messages={"invalid": "用户名只能包含字母、数字和 @.+-_，至少2个字符。", "required": "请填写用户名。"},
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=True),
        help_text="至少10位；用户首次登录后须修改。",
        error_messages={"required": "请填写初始密码。"},
    )
    field_order = ["username", "display_name", "unit", "roles", "password"]

    def clean_username(self):
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise ValidationError(f"用户名“{name}”已被使用。")
        return name

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ValidationError(list(exc.messages)) from None
        return password


class EditPersonForm(PersonForm):
    is_active = forms.BooleanField(label="在用", required=False)


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_manage_users(request.user), "只有系统管理员可以管理用户。")
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = create_person(
            username=d["username"],
            display_name=d["display_name"],
            unit=d["unit"],
            roles=d["roles"],
            password=d["password"],
            by=request.user,
        )
        messages.success(request, f"已创建用户“{user.username}”。")
        return redirect("list_page", slug="users")
    return render(request, "web/user_form.html", {"form": form, "person": None})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deny_unless(perms.can_manage_users(request.user), "只有系统管理员可以管理用户。")
    person = get_object_or_404(User, pk=pk)
    initial = {
        "display_name": person.display_name,
        "unit": person.unit_id,
        "is_active": person.is_active,
        "roles": list(person.roles.values_list("role", flat=True)),
    }
    form = EditPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if person.pk == request.user.pk and (not d["is_active"] or Role.ADMIN not in d["roles"]):
            form.add_error(None, "不能停用自己或取消自己的管理员角色。")
        else:
            update_person(
                user=person,
                display_name=d["display_name"],
                unit=d["unit"],
                roles=d["roles"],
                is_active=d["is_active"],
                by=request.user,
            )
            messages.success(request, f"已保存用户“{person.username}”。")
            return redirect("list_page", slug="users")
    return render(request, "web/user_form.html", {"form": form, "person": person})
