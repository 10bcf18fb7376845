from jianfu.org.models import Unit, UnitAlias, UnitKind
from jianfu.org.selectors import find_unit, grassroots_under, resolve_units
from jianfu.testing import make_unit


def test_ancestors_and_district_follow_the_tree(district):
    village = district["village"]
    assert [u.name for u in village.ancestors()] == ["青山镇", "示范区"]
    assert village.district() == district["district"]
    assert district["district"].district() == district["district"]


def test_descendants_cover_every_level(district):
    ids = district["district"].descendant_ids()
    assert district["village"].pk in ids and district["community"].pk in ids
    assert district["district"].pk not in ids
    assert district["township"].descendant_ids() == {district["village"].pk}


def test_ancestors_stop_at_a_cycle(district):
    a, b = district["township"], district["village"]
    Unit.objects.filter(pk=a.pk).update(parent=b)  # a broken import could do this
    a.refresh_from_db()
    assert len(a.ancestors()) == 1


def test_units_are_found_by_name_then_by_alias_ignoring_spaces(district):
    UnitAlias.objects.create(unit=district["township"], alias="青山镇人民政府")
    assert find_unit("青山镇") == district["township"]
    assert find_unit(" 青山 镇 ") == district["township"]
    assert find_unit("青山镇人民政府") == district["township"]
    assert find_unit("不存在的镇") is None
    assert find_unit("") is None


def test_resolve_units_keeps_order_drops_repeats_and_names_the_unknown(district):
    UnitAlias.objects.create(unit=district["township"], alias="青山镇人民政府")
    units, unknown = resolve_units(["河西街道", "青山镇", "青山镇人民政府", "火星镇"])
    assert [u.name for u in units] == ["河西街道", "青山镇"]
    assert unknown == ["火星镇"]


def test_grassroots_under_a_district_excludes_departments_other_districts_and_inactive_units(district):
    other = make_unit("邻区", UnitKind.DISTRICT)
    make_unit("邻区某镇", UnitKind.TOWNSHIP, other)
    make_unit("撤并村", UnitKind.VILLAGE, district["township"], is_active=False)
    names = set(grassroots_under(district["dept_a"]).values_list("name", flat=True))
    assert names == {"青山镇", "河西街道", "青山村", "河西社区", "示范区第一小学"}
