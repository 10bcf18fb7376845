"""Reads about units: name/alias resolution and the grassroots under a district."""

from collections.abc import Iterable

from jianfu.org.models import Unit, UnitAlias


def normalise_name(name: str) -> str:
    return "".join(str(name).split()).replace("（", "(").replace("）", ")")


def find_unit(name: str) -> Unit | None:
    """Exact name first, then alias (spec/gate.md: unit names)."""
    key = normalise_name(name)
    if not key:
        return None
    unit = Unit.objects.filter(name=key).first() or Unit.objects.filter(name=name.strip()).first()
    if unit is None:
        alias = UnitAlias.objects.select_related("unit").filter(alias=key).first()
        unit = alias.unit if alias else None
    return unit


def resolve_units(names: Iterable[str]) -> tuple[list[Unit], list[str]]:
    """Resolve names to units; returns (units in order, names that matched nothing)."""
    units: list[Unit] = []
    unknown: list[str] = []
    seen: set[int] = set()
    for name in names:
        unit = find_unit(name)
        if unit is None:
            unknown.append(name)
        elif unit.pk not in seen:
            seen.add(unit.pk)
            units.append(unit)
    return units, unknown


def grassroots_under(unit: Unit | None):
    """Grassroots units of the issuer's district; every grassroots unit when it has none."""
    qs = Unit.objects.grassroots().active()
    district = unit.district() if unit else None
    if district is not None:
        qs = qs.filter(pk__in=district.descendant_ids())
    return qs
