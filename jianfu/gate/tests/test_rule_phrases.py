"""Every phrase rule fires on a demand and stays quiet on its near-miss (pure engine, no database)."""

import pytest

from jianfu.gate.engine import review
from jianfu.gate.tests.pure import context, draft

FIRES = [
    ("TRACE_DEMAND", "各村要建立专项工作台账，做到全程留痕。"),
    ("PHOTO_VIDEO_DEMAND", "紧急通知，请上传活动照片5张。"),
    ("CHECKIN_DEMAND", "网格员每天上岗须打卡签到。"),
    ("INSTANT_REPLY_DEMAND", "@所有人 收到请回复。"),
    ("INSTANT_REPLY_DEMAND", "请在5分钟内回复。"),
    ("RANKING_DEMAND", "学习情况按点赞数、转发量排名。"),
    ("TIGHT_DEADLINE", "请于今晚前报送。"),
    ("TIGHT_DEADLINE", "请于11月21日18:00前报送。"),
    ("HIGH_FREQUENCY", "实行一日一报制度。"),
    ("MATERIAL_DEMAND", "汇报须准备ＰＰＴ和展板。"),
    ("PLEDGE_DEMAND", "各村须签订安全生产责任书。"),
    ("VETO_DEMAND", "对发生较大事故的实行一票否决。"),
    ("LEVEL_UP_DEMAND", "各镇要层层加码，做到全覆盖无死角。"),
    ("EVASIVE_FORM", "本通知以便笺形式印发。"),
    ("DEMANDS_IMPLEMENTATION_REPORT", "请将贯彻落实情况于月底前报送。"),
]

QUIET = [
    ("TRACE_DEMAND", "严禁以留痕多少评价基层工作。"),
    ("PHOTO_VIDEO_DEMAND", "不得要求拍照留痕。"),
    ("PHOTO_VIDEO_DEMAND", "会议以视频会议形式召开。"),
    ("CHECKIN_DEMAND", "严禁打卡签到。"),
    ("CHECKIN_DEMAND", "打造一批乡村旅游网红打卡点。"),
    ("INSTANT_REPLY_DEMAND", "不得要求基层“秒回”。"),
    ("RANKING_DEMAND", "不得以点赞数、转发量作为考核依据。"),
    ("TIGHT_DEADLINE", "请于12月10日前报送。"),
    ("HIGH_FREQUENCY", "各村每日巡查，每月报送汇总情况。"),
    ("MATERIAL_DEMAND", "不要求准备汇报材料和PPT。"),
    ("PLEDGE_DEMAND", "不得要求基层签订责任书。"),
    ("VETO_DEMAND", "不得随意设置一票否决事项。"),
    ("LEVEL_UP_DEMAND", "杜绝层层加码。"),
    ("EVASIVE_FORM", "严禁以便笺代替正式发文。"),
    ("DEMANDS_IMPLEMENTATION_REPORT", "无需报送贯彻落实情况。"),
]


def codes(body: str, **fields) -> set[str]:
    return {f["code"] for f in review(draft(body=body, **fields), context())["findings"]}


@pytest.mark.parametrize(("code", "body"), FIRES)
def test_demand_fires_its_code(code, body):
    assert code in codes(body)


@pytest.mark.parametrize(("code", "body"), QUIET)
def test_near_miss_or_prohibition_does_not_fire(code, body):
    assert code not in codes(body)


def test_negation_reaches_every_item_of_a_listed_prohibition():
    assert codes("不得要求拍照留痕、提供佐证材料、打卡签到。") == set()


def test_not_later_than_is_a_deadline_not_a_prohibition():
    assert "TIGHT_DEADLINE" in codes("请于11月20日前报送，最晚不得迟于11月21日前。")


def test_prohibition_after_the_phrase_does_not_fire():
    assert "PHOTO_VIDEO_DEMAND" not in codes("拍照留痕等做法一律取消。")


def test_evidence_indexes_the_original_body_even_with_spaces_and_full_width():
    body = "各镇：\n请  上传　活动 照 片，并准备ＰＰＴ。"
    result = review(draft(body=body), context())
    evidence = [ev for f in result["findings"] for ev in f["evidence"]]
    assert evidence
    for ev in evidence:
        assert body[ev["start"] : ev["end"]] == ev["text"]
    texts = {ev["text"] for ev in evidence}
    assert "照 片" in texts and "ＰＰＴ" in texts


def test_message_quotes_the_phrase_and_says_what_to_change():
    finding = next(f for f in review(draft(body="请签订安全生产责任状。"), context())["findings"])
    assert finding["code"] == "PLEDGE_DEMAND"
    assert "“责任状”" in finding["message"] and "请删除" in finding["message"]


def test_veto_blocks_and_phrases_warn():
    result = review(draft(body="实行一票否决，并上传照片。"), context())
    assert result["verdict"] == "block"
    severities = {f["code"]: f["severity"] for f in result["findings"]}
    assert severities == {"VETO_DEMAND": "block", "PHOTO_VIDEO_DEMAND": "warn"}


def test_ranking_is_allowed_inside_an_approved_assessment_but_likes_never_are():
    assessment = {"kind": "inspection", "category": "考核", "title": "安全生产年度考核"}
    assert "RANKING_DEMAND" not in codes("按评分细则打分排名。", **assessment)
    assert "RANKING_DEMAND" in codes("按点赞数排名。", **assessment)


def test_data_request_frequency_alone_is_high_frequency():
    assert "HIGH_FREQUENCY" in codes("", kind="data_request", frequency="daily", fields=("隐患数",))
    assert "HIGH_FREQUENCY" not in codes("", kind="data_request", frequency="monthly", fields=("隐患数",))


def test_implementation_report_is_a_document_rule_only():
    assert "DEMANDS_IMPLEMENTATION_REPORT" not in codes("请将贯彻落实情况报送。", kind="meeting")


def test_office_can_turn_a_phrase_off_or_add_one():
    from jianfu.gate.lexicon import default_entries

    without = tuple(e for e in default_entries() if e != ("PHOTO_VIDEO_DEMAND", "照片"))
    result = review(draft(body="请上传照片。"), context(lexicon=without))
    assert "PHOTO_VIDEO_DEMAND" not in {f["code"] for f in result["findings"]}
    extra = (*default_entries(), ("CHECKIN_DEMAND", "刷脸…考勤"))
    result = review(draft(body="每天刷脸完成考勤。"), context(lexicon=extra))
    assert "CHECKIN_DEMAND" in {f["code"] for f in result["findings"]}


def test_urgency_and_timeliness_alone_are_not_demands():
    assert codes("现将有关事项紧急通知如下。请及时回复意见。") == set()


def test_press_examples_of_fingertip_formalism_fire():
    assert "INSTANT_REPLY_DEMAND" in codes("请各村书记在群里回复“收到”。")
    assert "TIGHT_DEADLINE" in codes("请于明天上午9点前报送。")
    assert "INSTANT_REPLY_DEMAND" not in codes("工作群消息无需逐条回复“收到”。")


def test_words_of_rectification_do_not_hide_a_demand_in_the_same_clause():
    assert "TRACE_DEMAND" in codes("开展燃气安全专项整治，整治工作要全程留痕。")
    assert "PHOTO_VIDEO_DEMAND" in codes("发现问题要及时纠正并拍照留存。")
    assert codes("坚决纠正过度留痕问题。") == set()
