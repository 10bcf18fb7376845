import pytest
from django.contrib import admin
from django.urls import reverse

from jianfu.testing import make_item

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-admin", "root@example.org", "Jianfu-test-2025")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_admin_list_opens_in_chinese(superuser_client, district, model):
    make_item(issuer=district["dept_a"], targets=[district["township"]])
    meta = model._meta
    response = superuser_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    assert "管理" in response.content.decode()


def test_every_domain_model_is_in_the_admin_or_inline_or_a_posting_table():
    from django.apps import apps

    inline_or_posting = {
        "org.UnitAlias", "org.RoleGrant", "ledger.BodyChange", "ledger.ItemTarget",
        "similarity.Band", "similarity.BandList", "similarity.UpperGram", "similarity.UpperList",
        "similarity.FieldName",
    }  # fmt: skip
    ours = {m._meta.label for m in apps.get_models() if m.__module__.startswith("jianfu.")}
    registered = {m._meta.label for m in admin.site._registry}
    assert ours - registered == inline_or_posting
