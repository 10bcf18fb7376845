"""Phrase rules for every kind: demands the 若干规定 names as formalism.

The phrases come from the lexicon (data the office edits); this module only says
what each code means and what the drafter should change.
"""

import datetime as dt
import re

from jianfu.gate.matcher import Hit, is_negated
from jianfu.gate.rules.base import Facts, finding
from jianfu.ledger.choices import Frequency, Kind

MESSAGES = {
    "TRACE_DEMAND": "正文要求基层以{q}作为工作证明（过度留痕）：请删除留痕、台账、佐证材料等要求，以工作实效检验落实。",
    "PHOTO_VIDEO_DEMAND": "正文要求基层拍照、上传照片视频留痕（{q}）：请删除拍照、视频、截图等影像佐证要求。",
    "CHECKIN_DEMAND": "正文要求基层{q}：请删除打卡、签到、定位、在线时长等要求，不以此评价基层工作。",
    "INSTANT_REPLY_DEMAND": "正文要求即时回复（{q}）：请删除“收到请回复”、限时回复等要求，给基层留出正常办理时间。",
    "RANKING_DEMAND": "正文以{q}对基层排名、打分或通报：请删除；点赞数、转发量、学习时长等不得作为考核依据，"
    "确需排名打分的须纳入经批准的考核事项。",
    "TIGHT_DEADLINE": "办理时限过紧（{q}）：请给基层留出至少一个完整工作日以上的办理时间，"
    "非紧急事项不得要求当天或连夜报送。",
    "HIGH_FREQUENCY": "报送频次过高（{q}）：请改为按月或按季报送，或直接从已有系统中提取数据。",
    "MATERIAL_DEMAND": "正文要求基层制作{q}等汇报展示材料（精致的形式主义）：请删除，以实际工作成效为准。",
    "PLEDGE_DEMAND": "正文要求基层签订{q}：请删除签订责任书、责任状、承诺书的要求。",
    "VETO_DEMAND": "正文设置了{q}：一票否决事项须按规定报批，未经批准不得设置，请删除。",
    "LEVEL_UP_DEMAND": "正文要求下级{q}：请删除层层加码、层层签订、“全覆盖无死角”等要求，按实际需要确定标准。",
    "EVASIVE_FORM": "正文显示以{q}方式变相发文：请按正式发文程序纳入计划和前置审核，"
    "不得以便笺、会议纪要、工作群通知代替发文，也不得多文合一。",
}

SIMPLE_CODES = (
    "TRACE_DEMAND",
    "PHOTO_VIDEO_DEMAND",
    "CHECKIN_DEMAND",
    "INSTANT_REPLY_DEMAND",
    "MATERIAL_DEMAND",
    "PLEDGE_DEMAND",
    "LEVEL_UP_DEMAND",
    "EVASIVE_FORM",
)
SEVERITY = {"VETO_DEMAND": "block"}


def _simple(code: str):
    def rule(facts: Facts) -> list[dict]:
        hits = facts.hits(code)
        if not hits:
            return []
        message = MESSAGES[code].format(q=facts.quoted(hits))
        return [finding(code, SEVERITY.get(code, "warn"), message, evidence=facts.evidence(hits))]

    rule.__name__ = code.lower()
    return rule


def veto(facts: Facts) -> list[dict]:
    hits = facts.hits("VETO_DEMAND")
    if not hits:
        return []
    return [
        finding(
            "VETO_DEMAND", "block", MESSAGES["VETO_DEMAND"].format(q=facts.quoted(hits)), evidence=facts.evidence(hits)
        )
    ]


def approved_assessment(facts: Facts) -> bool:
    """Ranking and scoring are the point of an approved assessment or award."""
    d = facts.draft
    return (d.kind == Kind.INSPECTION and d.category == "考核") or (d.kind == Kind.AWARD and bool(d.basis.strip()))


def ranking(facts: Facts) -> list[dict]:
    hits = list(facts.hits("RANKING_DEMAND"))
    if not approved_assessment(facts):
        hits += facts.hits("RANKING_SCORING")
    if not hits:
        return []
    hits.sort(key=lambda h: h.start)
    message = MESSAGES["RANKING_DEMAND"].format(q=facts.quoted(hits))
    return [finding("RANKING_DEMAND", "warn", message, evidence=facts.evidence(hits))]


# "11月20日前", "2025年11月20日18时前", "11月20日下班前" in the normalised body
# (punctuation such as ':' is already gone, so "18:00" reads "1800"). Every match begins
# with a digit: the lookahead lets the search skip to digits instead of trying each position.
_DEADLINE = re.compile(
    r"(?=\d)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号](?:上午|中午|下午|晚上|晚|早上)?(?:\d{1,4}(?:时|点)?(?:\d{1,2}分?)?)?"
    r"(?:前|之前|以前|下班前|截止)"
)


def _deadline_hits(facts: Facts) -> list[Hit]:
    """Dated deadlines that fall on the draft's own day or the next."""
    d = facts.draft
    text = facts.norm.text
    hits = []
    if "月" not in text:  # every dated deadline names its month
        return hits
    for m in _DEADLINE.finditer(text):
        try:
            year = int(m.group(1)) if m.group(1) else d.date.year
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if not m.group(1) and day < d.date - dt.timedelta(days=180):
            day = dt.date(year + 1, day.month, day.day) if not (day.month == 2 and day.day == 29) else day
        if d.date <= day <= d.date + dt.timedelta(days=1) and not is_negated(facts.norm, m.start(), m.end(), facts.lex):
            hits.append(Hit("TIGHT_DEADLINE", m.group(0), m.start(), m.end()))
    return hits


def tight_deadline(facts: Facts) -> list[dict]:
    hits = list(facts.hits("TIGHT_DEADLINE"))
    for extra in _deadline_hits(facts):
        if not any(h.start < extra.end and extra.start < h.end for h in hits):
            hits.append(extra)
    if not hits:
        return []
    hits.sort(key=lambda h: h.start)
    message = MESSAGES["TIGHT_DEADLINE"].format(q=facts.quoted(hits))
    return [finding("TIGHT_DEADLINE", "warn", message, evidence=facts.evidence(hits))]


def high_frequency(facts: Facts) -> list[dict]:
    hits = facts.hits("HIGH_FREQUENCY")
    d = facts.draft
    frequent = d.kind == Kind.DATA_REQUEST and d.frequency in (Frequency.DAILY, Frequency.WEEKLY)
    if not hits and not frequent:
        return []
    quoted = facts.quoted(hits) if hits else f"报表频次为“{Frequency(d.frequency).label}”"
    if hits and frequent:
        quoted = f"报表频次为“{Frequency(d.frequency).label}”，{quoted}"
    return [
        finding("HIGH_FREQUENCY", "warn", MESSAGES["HIGH_FREQUENCY"].format(q=quoted), evidence=facts.evidence(hits))
    ]


RULES = [_simple(code) for code in SIMPLE_CODES] + [veto, ranking, tight_deadline, high_frequency]
