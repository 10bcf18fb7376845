"""Deterministic synthetic ledger for the benchmarks (spec/performance.md).

Text is official-notice prose built from the demo phrase bank
(`jianfu.ledger.demo.phrases`: stock salutations, purposes, sentence templates,
deadlines, closings) filled with topics, places, objects and figures, so unrelated
notices share the same wrapping as real ones do. Planted truth:

- near-duplicate drafts: copies of issued items of the last 12 months with 10-40%
  of their characters rewritten in 4-12-character stretches, bucketed by rate;
- upper-copy drafts: a short local wrapper around most of an upper-level document;
- unrelated drafts: fresh notices (any NEAR_DUPLICATE on them is a false positive).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from jianfu.ledger.demo import phrases

TOPICS = (
    "安全生产",
    "防汛抗旱",
    "森林防火",
    "燃气安全",
    "消防安全",
    "食品安全",
    "药品监管",
    "校园安全",
    "人居环境整治",
    "垃圾分类",
    "河湖长制",
    "耕地保护",
    "高标准农田建设",
    "乡村振兴",
    "文明城市创建",
    "卫生城市创建",
    "基层治理",
    "网格化服务管理",
    "矛盾纠纷排查化解",
    "信访积案化解",
    "退役军人服务",
    "养老服务",
    "困难群众救助",
    "低保动态管理",
    "医保参保扩面",
    "疫苗接种",
    "爱国卫生运动",
    "双减",
    "营商环境优化",
    "招商引资",
    "小微企业帮扶",
    "就业创业服务",
    "根治欠薪",
    "电动自行车安全",
    "自建房安全排查",
    "地质灾害防治",
    "道路交通安全",
    "冬春火灾防控",
    "秸秆禁烧",
    "大气污染防治",
    "饮用水水源保护",
    "殡葬改革",
    "移风易俗",
    "志愿服务",
    "全民健身",
    "非遗保护",
    "文物安全",
    "统计调查",
    "人口普查",
    "经济普查",
    "政务公开",
    "12345热线办理",
    "数字乡村",
    "智慧社区",
)
PLACES = (
    "青山镇",
    "河西街道",
    "桃源乡",
    "城南街道",
    "云溪镇",
    "白沙镇",
    "东湖街道",
    "北坪乡",
    "石门镇",
    "柳塘街道",
    "青山村",
    "上湾村",
    "锦绣社区",
    "城南社区",
    "桂花社区",
    "枫林村",
    "双河村",
    "新塘村",
)
UNITS_OF = ("家", "处", "个", "户", "名", "次", "项", "座", "公里", "亩")
VERBS = (
    "完成",
    "排查",
    "走访",
    "整治",
    "培训",
    "检测",
    "登记",
    "核查",
    "建成",
    "改造",
    "清理",
    "回访",
)
FACTS = (
    "截至{month}月底，{place}已{verb}{obj}{n}{unit}，发现并整改问题{m}个。",
    "{place}结合{obj}分布情况，划分{n}个责任片区，配备{m}名专兼职人员。",
    "今年以来，全区共{verb}{obj}{n}{unit}，较去年同期增长{m}%。",
    "{place}探索“{measure}+{topic}”模式，{verb}{obj}{n}{unit}。",
    "针对{obj}存在的{m}类突出问题，{place}制定{n}条具体措施。",
    "{place}{verb}{topic}台账{n}本，动态更新{obj}信息{m}条。",
)
KIND_WEIGHTS = (
    ("document", 50),
    ("meeting", 14),
    ("inspection", 8),
    ("data_request", 10),
    ("task", 8),
    ("campus", 3),
    ("award", 3),
    ("app", 4),
)
BUCKETS = ((0.10, 0.20), (0.20, 0.30), (0.30, 0.40))
REWRITE_POOL = "".join(sorted(set("".join(phrases.SENTENCES) + "".join(TOPICS) + "".join(PLACES))))


@dataclass
class Spec:
    """One ledger item, plain data (the loader turns it into an Item)."""

    kind: str
    title: str
    body: str
    date: dt.date
    status: str
    is_upper_level: bool = False
    fields: list[str] = field(default_factory=list)


@dataclass
class Query:
    """A draft to review with its planted truth (index into the ledger specs or None)."""

    group: str  # near_dup | upper_copy | unrelated | gate
    title: str
    body: str
    source: int | None = None
    rate: float = 0.0


@dataclass
class Corpus:
    items: list[Spec]
    queries: list[Query]


def _fill(rng: random.Random, template: str, topic: str, issuer: str, year: int) -> str:
    return template.format(
        topic=topic,
        obj=rng.choice(phrases.OBJECTS),
        measure=rng.choice(phrases.MEASURES),
        goal=rng.choice(phrases.GOALS),
        issuer=issuer,
        year=year,
        season=rng.choice(phrases.SEASONS),
        org=rng.choice(("应急管理厅", "教育厅", "民政厅", "农业农村厅")),
        body="区安全生产委员会",
    )


def _fact(rng: random.Random, topic: str) -> str:
    return rng.choice(FACTS).format(
        month=rng.randint(1, 12),
        place=rng.choice(PLACES),
        verb=rng.choice(VERBS),
        obj=rng.choice(phrases.OBJECTS),
        n=rng.randint(3, 4800),
        m=rng.randint(2, 96),
        unit=rng.choice(UNITS_OF),
        measure=rng.choice(phrases.MEASURES),
        topic=topic,
    )


def notice(rng: random.Random, chars: int, *, topic: str | None = None, year: int = 2026) -> tuple[str, str]:
    """(title, body) of a notice of about `chars` characters."""
    topic = topic or rng.choice(TOPICS)
    issuer = rng.choice(("区应急管理局", "区教育局", "区民政局", "区农业农村局", "区卫生健康局", "区委办公室"))
    title = _fill(rng, rng.choice(phrases.DOC_TITLES), topic, issuer, year)
    parts = [
        rng.choice(phrases.SALUTATIONS),
        "为"
        + _fill(rng, rng.choice(phrases.PURPOSES), topic, issuer, year)
        + "，"
        + rng.choice(phrases.BASES)
        + "，现将有关事项通知如下：",
    ]
    numerals = "一二三四五六七八九十"
    section = 0
    while sum(len(p) for p in parts) < chars - 120:
        if section < 9 and rng.random() < 0.25:
            parts.append(f"{numerals[section]}、{phrases.SECTION_HEADINGS[section]}")
            section += 1
        if rng.random() < 0.55:
            parts.append(_fact(rng, topic))
        else:
            parts.append(_fill(rng, rng.choice(phrases.SENTENCES), topic, issuer, year))
    deadline = f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    parts.append(rng.choice(phrases.DEADLINE_SENTENCES).format(deadline=deadline, issuer=issuer))
    parts.append(
        phrases.CONTACT.format(person=rng.choice(phrases.PERSONS), phone=f"0731-{rng.randint(1000000, 9999999)}")
    )
    parts.append(rng.choice(phrases.CLOSINGS))
    return title, "\n".join(parts)


WORDS = tuple(
    w
    for w in (*TOPICS, *PLACES, *phrases.OBJECTS, *phrases.MEASURES, *phrases.GOALS, *VERBS, *phrases.SEASONS)
    if len(w) >= 2
)


def rewrite(rng: random.Random, text: str, rate: float, *, style: str = "chars") -> str:
    """Replace about `rate` of the characters, in stretches of 4-12 characters.

    style "words": each stretch becomes phrase-bank words and figures of the same length (how
    drafters edit); style "chars": random characters (a stress case: every new gram is unseen).
    Line breaks are kept; a character counts once towards `rate` however often it is rewritten."""
    chars = list(text)
    target = int(len(chars) * rate)
    done = 0
    touched = bytearray(len(chars))
    while done < target:
        length = rng.randint(4, 12)
        start = rng.randrange(0, max(1, len(chars) - length))
        filler = _filler(rng, length, style)
        for k, i in enumerate(range(start, min(len(chars), start + length))):
            if chars[i] == "\n":
                continue
            if not touched[i]:
                touched[i] = 1
                done += 1
            chars[i] = filler[k]
    return "".join(chars)


def _filler(rng: random.Random, length: int, style: str) -> str:
    """At least `length` characters to write over one stretch."""
    if style == "chars":
        return "".join(rng.choice(REWRITE_POOL) for _ in range(length))
    filler = ""
    while len(filler) < length:
        filler += rng.choice(WORDS) if rng.random() < 0.8 else str(rng.randint(2, 999))
    return filler


def build(n: int, *, seed: int = 20251, today: dt.date, queries: int = 300, style: str = "chars") -> Corpus:
    """N ledger items (all kinds, two years of dates) and the planted queries."""
    rng = random.Random(seed)
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    items: list[Spec] = []
    upper_every = 50  # 2% upper-level documents
    for i in range(n):
        date = today - dt.timedelta(days=rng.randint(0, 729))
        if i % upper_every == 0:
            title, body = notice(rng, rng.randint(2500, 4000), year=date.year)
            title = _fill(rng, rng.choice(phrases.UPPER_TITLES), rng.choice(TOPICS), "市政府", date.year)
            items.append(Spec("document", title, body, date, "issued", is_upper_level=True))
            continue
        kind = rng.choice(kinds)
        title, body = notice(rng, rng.randint(600, 2200), year=date.year)
        status = rng.choices(("issued", "approved", "draft", "closed", "rejected"), (70, 10, 8, 8, 4))[0]
        fields = rng.sample(phrases.OWN_FIELDS, 5) if kind == "data_request" else []
        items.append(Spec(kind, title, body, date, status, fields=fields))

    recent = [
        i
        for i, s in enumerate(items)
        if not s.is_upper_level
        and s.status in ("issued", "approved")
        and (today - s.date).days < 330
        and len(s.body) >= 1000
    ]
    uppers = [i for i, s in enumerate(items) if s.is_upper_level]
    out: list[Query] = []
    per_bucket = max(1, queries // 6)
    for low, high in BUCKETS:
        for _ in range(per_bucket):
            src = rng.choice(recent)
            rate = rng.uniform(low, high)
            spec = items[src]
            title, body = rewrite(rng, spec.title, rate / 2, style=style), rewrite(rng, spec.body, rate, style=style)
            out.append(Query("near_dup", title, body, src, rate))
    for _ in range(per_bucket):
        src = rng.choice(uppers)
        upper = items[src].body
        start = rng.randrange(0, max(1, len(upper) - 2000))
        t, wrapper = notice(rng, 300)
        out.append(Query("upper_copy", t, wrapper[:150] + "\n" + upper[start : start + 1800], src))
    qrng = random.Random(seed + 1)
    for _ in range(per_bucket * 2):
        t, b = notice(qrng, qrng.randint(1200, 2000))
        out.append(Query("unrelated", t, b))
    # The gate's latency drafts: 3,000 characters, half planted copies of upper text, half fresh.
    for j in range(per_bucket):
        t, b = notice(qrng, 3000)
        if j % 2 and uppers:
            up = items[qrng.choice(uppers)].body
            b = b[:1200] + up[:1800]
        out.append(Query("gate", t, b[:3000]))
    return Corpus(items, out)
