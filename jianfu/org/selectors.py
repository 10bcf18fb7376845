"""Reads about units: name/alias resolution and the grassroots under a district."""

from collections.abc import Iterable

from django.db import connection

from jianfu.org.models import GRASSROOTS_KINDS, Unit, UnitAlias, UnitKind


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
    """Active grassroots units of the issuer's district, or every one when it has none
    (as a queryset; the rule itself is `grassroots_scope`)."""
    return Unit.objects.filter(pk__in=list(grassroots_scope(unit.pk if unit else None)))


# The unit tree is read on every call (one small raw query: exact, whoever changed
# it, with or without signals); what is derived from it is kept while it is unchanged.
_tree: dict = {}


def _unit_tree() -> tuple[dict[int, tuple[int | None, str, bool, str]], dict]:
    """(pk → (parent_id, kind, is_active, name) of every unit, scopes computed from it).
    Raw SQL: the ORM would spend more Python building the query than the query costs."""
    sql = f"SELECT id, parent_id, kind, is_active, name FROM {Unit._meta.db_table} ORDER BY id"  # noqa: S608 - own table
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    state = _tree.get("state")  # one tuple, swapped whole: threads never see half an update
    if state is None or state[0] != key or state[1] != rows:
        units = {pk: (parent, kind, bool(active), name) for pk, parent, kind, active, name in rows}
        state = (key, rows, (units, {}))
        _tree["state"] = state
    return state[2]


def grassroots_scope(unit_id: int | None) -> dict[int, tuple[str, str]]:
    """What `grassroots_under` selects, as pk → (name, kind), from the cached tree
    (computed once per unit and tree version; callers must not modify it)."""
    units, scopes = _unit_tree()
    if unit_id not in scopes:
        scopes[unit_id] = _scope(units, unit_id)
    return scopes[unit_id]


def _scope(units, unit_id: int | None) -> dict[int, tuple[str, str]]:
    district = None
    seen: set[int] = set()
    node = unit_id
    while node is not None and node in units and node not in seen:  # self, then ancestors
        seen.add(node)
        if units[node][1] == UnitKind.DISTRICT:
            district = node
            break
        node = units[node][0]
    if district is not None:
        children: dict[int, list[int]] = {}
        for pk, (parent, *_rest) in units.items():
            children.setdefault(parent, []).append(pk)
        below: set[int] = set()
        frontier = [district]
        while frontier:
            frontier = [pk for p in frontier for pk in children.get(p, ()) if pk not in below]
            below.update(frontier)
    else:
        below = set(units)
    kinds = {str(k) for k in GRASSROOTS_KINDS}
    return {pk: (units[pk][3], units[pk][1]) for pk in below if units[pk][2] and units[pk][1] in kinds}
