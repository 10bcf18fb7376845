"""`jianfu demo` and `jianfu serve`: migrate, seed when empty, print the logins, serve on loopback."""

import datetime as dt
import functools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jianfu.ledger.demo import seed, serving
from jianfu.ledger.demo.accounts import DEMO_ACCOUNTS
from jianfu.ledger.management.commands import demo as demo_command
from jianfu.ledger.models import Item
from jianfu.org.models import Role, User


@pytest.fixture
def served(monkeypatch):
    """Record the serve call instead of starting a server."""
    calls = []
    monkeypatch.setattr(serving, "serve", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def small_seed(monkeypatch):
    monkeypatch.setattr(
        demo_command,
        "seed_demo",
        functools.partial(seed.seed_demo, today=dt.date(2025, 12, 31), scale=0.03, review_limit=5),
    )


@pytest.mark.django_db
def test_demo_seeds_an_empty_database_prints_every_login_and_serves_on_loopback(served, small_seed):
    out = StringIO()
    call_command("demo", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "已生成示范区" in text
    assert Item.objects.count() > 200
    for label in Role.labels:
        assert label in text
    for account in DEMO_ACCOUNTS:
        assert account.username in text and account.password in text and account.unit in text
    assert "http://127.0.0.1:8123/" in text
    assert served == [{"host": "127.0.0.1", "port": 8123, "demo": True}]


@pytest.mark.django_db
def test_demo_leaves_a_database_with_data_alone(served, small_seed, district, personas):
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "已有数据，不再生成示范区" in text
    assert not Item.objects.exists()
    # the fixture's users are no demo accounts: no password is printed
    assert "jianfu-office-2025" not in text and "没有可用的演示账号" in text
    assert served[0]["port"] == 8000


@pytest.mark.django_db
def test_demo_rebuilds_an_index_that_an_upgrade_emptied(served, district):
    from jianfu.gate.similarity.models import Signature
    from jianfu.testing import make_item

    make_item(
        issuer=district["dept_a"], status="issued", title="关于开展防汛检查的通知", body="各镇：请做好防汛。" * 20
    )
    Signature.objects.all().delete()  # what similarity/0002 does on upgrade
    out = StringIO()
    call_command("demo", stdout=out)
    assert "正在重建" in out.getvalue()
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_demo_password_that_was_changed_is_not_printed(served, small_seed):
    seed.seed_demo(today=dt.date(2025, 12, 31), scale=0.03, review_limit=0)
    office = User.objects.get(username="office")
    office.set_password("someone-changed-it-42")
    office.save(update_fields=["password"])
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "jianfu-office-2025" not in text
    assert "jianfu-leader-2025" in text
    assert served == []


@pytest.mark.django_db
def test_demo_rejects_a_port_out_of_range(served):
    with pytest.raises(CommandError) as err:
        call_command("demo", "--port", "70000", stdout=StringIO())
    assert err.value.returncode == 2
    assert served == []


@pytest.mark.django_db
def test_serve_passes_port_host_and_workers_and_never_seeds(served):
    out = StringIO()
    call_command("serve", "--port", "8200", "--workers", "3", stdout=out)
    assert served == [{"host": "127.0.0.1", "port": 8200, "workers": 3}]
    assert not Item.objects.exists() and not User.objects.exists()
    assert "127.0.0.1:8200" in out.getvalue()


def test_the_demo_server_is_gunicorn_on_loopback_with_tls_only_settings_relaxed(monkeypatch):
    launched = {}

    def fake_execve(path, argv, env):
        launched.update(path=path, argv=argv, env=env)

    monkeypatch.setattr(serving, "gunicorn_available", lambda: True)
    monkeypatch.setattr(serving.os, "execve", fake_execve)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    serving.serve(port=8124, demo=True)
    argv = launched["argv"]
    assert argv[1:4] == ["-m", "gunicorn", "jianfu.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8124"
    env = launched["env"]
    assert env["SECURE_SSL_REDIRECT"] == "0" and env["SECURE_COOKIES"] == "0"
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert env.get("DEBUG", "0") in ("", "0")


def test_production_serve_keeps_the_environment_as_configured(monkeypatch):
    launched = {}
    monkeypatch.setattr(serving, "gunicorn_available", lambda: True)
    monkeypatch.setattr(serving.os, "execve", lambda path, argv, env: launched.update(argv=argv, env=env))
    monkeypatch.setenv("ALLOWED_HOSTS", "jianfu.example.gov.cn")
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    serving.serve(port=9000, workers=5)
    assert "SECURE_SSL_REDIRECT" not in launched["env"]
    assert launched["env"]["ALLOWED_HOSTS"] == "jianfu.example.gov.cn"
    assert launched["argv"][launched["argv"].index("--workers") + 1] == "5"


def test_the_login_table_lines_up_chinese_and_latin_columns():
    text = serving.table(("角色", "用户名"), [("减负办审核员", "office"), ("领导", "leader")])
    lines = text.splitlines()
    assert lines[0].startswith("角色          用户名")
    # same display column (Chinese characters are two columns wide)
    assert serving._width(lines[2][: lines[2].index("office")]) == serving._width(lines[3][: lines[3].index("leader")])
