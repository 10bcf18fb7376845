"""The example files in tests/data (UTF-8 with BOM, GB18030 and XLSX) import into an
empty database in the documented order (docs/import.md), and a second pass changes nothing."""

from pathlib import Path

from jianfu.ledger.io import run_import
from jianfu.ledger.models import Item
from jianfu.ledger.tests.io_files import messages
from jianfu.org.models import Unit

DATA = Path(__file__).parent / "data"
ORDER = [
    ("units", "units.csv"),
    ("bodies", "bodies.csv"),
    ("plan", "plan.csv"),
    ("duty-list", "duty-list.csv"),
    ("campus-whitelist", "campus-whitelist.xlsx"),
    ("catalog", "catalog.csv"),
    ("lexicon", "lexicon.csv"),
    ("items", "items.xlsx"),
]


def test_example_files_import_in_order_and_again_without_changes(db):
    for kind, name in ORDER:
        result = run_import(kind, DATA / name)
        assert result.ok, (name, messages(result))
        assert result.created == result.rows > 0, name
    assert Unit.objects.get(name="青山村").parent.name == "青山镇"
    assert Item.objects.count() == 5
    for kind, name in ORDER:
        again = run_import(kind, DATA / name)
        assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows), name
