"""jianfu backup / jianfu restore: a round trip gives back every row of every table."""

import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jianfu.ledger.choices import Kind, Status
from jianfu.org.backup import backed_up_models
from jianfu.org.models import AuditEvent, Setting, TotpDevice, Unit
from jianfu.org.services import set_setting
from jianfu.testing import make_item


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    """Safety copies made by restore land in the test's own directory."""
    settings.DATA_DIR = tmp_path / "data"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table Django manages, in primary-key order."""
    tables = {}
    for model in backed_up_models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*names)
        tables[model._meta.label_lower] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]
    return tables


@pytest.fixture
def filled(district, personas):
    """A small district with items in several states, audit rows, settings, a 2FA device, m2m links."""
    reviewer, clerk = personas["reviewer"], personas["clerk_a"]
    make_item(
        kind=Kind.MEETING, issuer=district["dept_a"], targets=[district["township"], district["village"]], by=clerk
    )
    make_item(issuer=district["dept_b"], status=Status.DRAFT, title="关于开展安全检查的通知", by=personas["clerk_b"])
    set_setting(key="gate.max_pages", value={"limit": 12, "note": "中文"}, by=reviewer)
    TotpDevice.objects.create(user=reviewer, secret="JBSWY3DPEHPK3PXP", last_step=7)
    return district


def _mess_up(district):
    """Changes after the copy that restore must undo: edits, deletions, new rows."""
    Setting.objects.all().delete()
    Unit.objects.filter(pk=district["school"].pk).update(name="改过的名字")
    AuditEvent.objects.create(action="late.change", target_type="x", target_id="1")


@pytest.mark.django_db(transaction=True)
def test_json_backup_restores_every_table_exactly(filled, tmp_path):
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 30
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    _mess_up(filled)
    assert snapshot() != before

    call_command("restore", str(path), yes=True, no_safety_copy=True)

    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


@pytest.mark.django_db(transaction=True)
def test_restored_database_hands_out_fresh_ids(filled, tmp_path):
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    highest = AuditEvent.objects.order_by("-pk").first().pk
    call_command("restore", str(path), yes=True)
    assert AuditEvent.objects.create(action="after.restore", target_type="x", target_id="1").pk > highest


@pytest.mark.django_db(transaction=True)
def test_json_backup_file_names_every_table(filled, tmp_path):
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh]
    header, tables = lines[0], [x["table"] for x in lines[1:] if isinstance(x, dict)]
    assert header["format"] == "jianfu-backup" and header["migrations"]
    assert sorted(tables) == sorted(m._meta.label_lower for m in backed_up_models())


@pytest.mark.django_db(transaction=True)
def test_sqlite_online_backup_round_trip(filled, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite online backup API needs SQLite")
    before = snapshot()
    path = tmp_path / "copy.sqlite3"
    call_command("backup", str(path))
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    _mess_up(filled)

    call_command("restore", str(path), yes=True)

    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_broken_file_changes_nothing(filled, tmp_path):
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    # Cut the copy short in the middle of the data and append a row that fits no table.
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as fh:
        fh.writelines(lines[: len(lines) // 2])
        fh.write('["only one value"]\n')
    before = snapshot()

    with pytest.raises(CommandError) as info:
        call_command("restore", str(broken), yes=True)

    assert info.value.returncode == 2 and "broken.json.gz" in str(info.value) and "行" in str(info.value)
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("这不是备份", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("restore", str(path), yes=True)
    assert info.value.returncode == 2 and "不是减负通的备份文件" in str(info.value)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_copy_of_another_schema_version(filled, tmp_path):
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    header = json.loads(lines[0])
    header["migrations"].append(["ledger", "9999_from_the_future"])
    future = tmp_path / "future.json.gz"
    with gzip.open(future, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(header) + "\n")
        fh.writelines(lines[1:])

    with pytest.raises(CommandError) as info:
        call_command("restore", str(future), yes=True)
    assert "ledger.9999_from_the_future" in str(info.value) and "jianfu migrate" in str(info.value)


def test_backup_into_a_directory_is_refused(tmp_path):
    with pytest.raises(CommandError) as info:
        call_command("backup", str(tmp_path))
    assert info.value.returncode == 2 and "目录" in str(info.value)


@pytest.mark.django_db(transaction=True)
def test_restore_first_keeps_a_safety_copy_of_the_current_database(filled, tmp_path):
    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    set_setting(key="made.after.the.backup", value=1, by=None)
    current = snapshot()

    call_command("restore", str(path), yes=True)

    assert not Setting.objects.filter(key="made.after.the.backup").exists()
    (safety,) = (tmp_path / "data" / "backups").iterdir()
    assert safety.name.startswith("before-restore-")
    call_command("restore", str(safety), yes=True, no_safety_copy=True)
    assert snapshot() == current


@pytest.mark.django_db(transaction=True)
def test_restore_forgets_cached_figures_of_the_replaced_database(filled, tmp_path):
    from django.core.cache import cache

    path = tmp_path / "copy.json.gz"
    call_command("backup", str(path), format="json")
    cache.set("jianfu-test-figures", {"documents": 99})

    call_command("restore", str(path), yes=True, no_safety_copy=True)

    assert cache.get("jianfu-test-figures") is None
