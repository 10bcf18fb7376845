"""Loads the labelled evaluation set (tests/data/gate/) and scores the gate on it."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from jianfu.gate import index
from jianfu.gate.rules import CODES
from jianfu.gate.schema import validate_review
from jianfu.gate.service import review_draft
from jianfu.ledger import services
from jianfu.ledger.choices import split_list
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    PlanEntry,
    Quota,
)
from jianfu.org.models import Unit, UnitAlias

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "gate"


def load_fixtures() -> dict[str, Unit]:
    spec = json.loads((DATA / "fixtures.json").read_text(encoding="utf-8"))
    units: dict[str, Unit] = {}
    for name, kind, parent in spec["units"]:
        units[name] = Unit.objects.create(name=name, kind=kind, parent=units.get(parent) if parent else None)
    for alias, name in spec["aliases"]:
        UnitAlias.objects.create(alias=alias, unit=units[name])
    for year, unit, kind, title, keywords in spec["plan"]:
        PlanEntry.objects.create(year=year, unit=units[unit], kind=kind, title=title, keywords=keywords)
    for year, unit, kind, quota in spec["quotas"]:
        Quota.objects.create(year=year, unit=units[unit], kind=kind, quota=quota)
    for matter, responsible, role, keywords in spec["duty_entries"]:
        DutyEntry.objects.create(matter=matter, responsible=responsible, township_role=role, keywords=keywords)
    for year, activity, organizer, per_semester in spec["whitelist"]:
        CampusWhitelistEntry.objects.create(
            year=year, activity=activity, organizer=organizer, per_semester=per_semester
        )
    for field, synonyms, owner, system, frequency in spec["catalog"]:
        CatalogField.objects.create(
            field=field, synonyms=";".join(split_list(synonyms)), owner=owner, system=system, frequency=frequency
        )
    for name, lead, status, changed_on in spec["bodies"]:
        day = dt.date.fromisoformat(changed_on) if changed_on else None
        body = CoordinationBody.objects.create(name=name, lead=units[lead], status=status, changed_on=day)
        if day:
            BodyChange.objects.create(body=body, status=status, changed_on=day)
    ids = []
    for row in spec["items"]:
        row = dict(row)
        fields = {
            "kind": row.pop("kind"),
            "title": row.pop("title"),
            "issuer": units[row.pop("issuer")],
            "date": dt.date.fromisoformat(row.pop("date")),
            "status": "issued",
        }
        targets = [units[n] for n in row.pop("targets", [])]
        if "body_file" in row:
            fields["body"] = (DATA / row.pop("body_file")).read_text(encoding="utf-8")
        if "ends_on" in row:
            fields["ends_on"] = dt.date.fromisoformat(row.pop("ends_on"))
        if row.pop("upper_level", False):
            fields["is_upper_level"] = True
        fields.update(row)
        ids.append(services.create_item(by=None, targets=targets, **fields).pk)
    index.index_items(ids)
    return units


def load_drafts() -> list[dict]:
    with (DATA / "drafts.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate() -> tuple[dict[str, dict], list[str], list[str]]:
    """Per code: tp, fp, fn, precision, recall; the mismatching drafts; reviews breaking the schema."""
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    mismatches, invalid = [], []
    for row in load_drafts():
        expected = set(row["expected"])
        result = review_draft(row["draft"])
        problems = validate_review(result, row["draft"].get("body", ""))
        if problems:
            invalid.append(f"{row['id']}: {problems}")
        got = {f["code"] for f in result["findings"]}
        for code in expected:
            support[code] += 1
        for code in got & expected:
            tp[code] += 1
        for code in got - expected:
            fp[code] += 1
        for code in expected - got:
            fn[code] += 1
        if got != expected:
            mismatches.append(f"{row['id']} {row['note']}: 期望 {sorted(expected)}，得到 {sorted(got)}")
    table = {}
    for code in CODES:
        p_den, r_den = tp[code] + fp[code], tp[code] + fn[code]
        table[code] = {
            "support": support[code],
            "tp": tp[code],
            "fp": fp[code],
            "fn": fn[code],
            "precision": tp[code] / p_den if p_den else 1.0,
            "recall": tp[code] / r_den if r_den else 1.0,
        }
    return table, mismatches, invalid


def markdown(table: dict[str, dict]) -> str:
    lines = ["| 规则 | 样本数 | 命中 | 误报 | 漏报 | 精确率 | 召回率 |", "|---|---|---|---|---|---|---|"]
    for code, row in table.items():
        lines.append(
            f"| `{code}` | {row['support']} | {row['tp']} | {row['fp']} | {row['fn']} | "
            f"{row['precision']:.2f} | {row['recall']:.2f} |"
        )
    return "\n".join(lines)
