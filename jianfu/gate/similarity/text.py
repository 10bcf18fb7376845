"""Text → topical grams → posting keys and containment samples.

Pure functions over plain strings and NumPy arrays; nothing here touches the
database. The index (store.py) and the queries (search.py) both call `analyse`,
so a draft and a stored item are always compared through the same pipeline.

Pipeline:
1. NFKC, lowercase, strip dates, document numbers (文号), phone numbers and the
   stock phrases every official notice shares (各镇（街道）…现将有关事项通知如下…
   特此通知), then keep letters and digits only.
2. Character 3-grams, each an exact 63-bit key (three 21-bit code points), minus
   "stop grams": every 3-gram of the generic officialese below, plus those
   `jianfu reindex` measured in ≥ 10% of the ledger. What is left is the
   topical content, so two unrelated notices share little of it.
3. A 32-bit mixed hash per gram. Posting keys: a consistent quarter of the
   topical hashes (hash ≡ 0 mod 4) minus the ledger's *common* grams (in ≥ 1% of
   items: they would make every posting list long), at least the POST_MIN
   smallest so a short title still has some. A copy keeps the share of the
   source's posting keys that it keeps of its grams, whatever its edits add,
   which is what the candidate stage counts (docs/similarity.md).
"""

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

# Upper-level documents keep every gram whose hash is 0 mod 8: a consistent
# sample, so the share of a draft's sampled grams found in a document estimates
# how much of the draft that document contains, however long the document is.
UPPER_SAMPLE_MASK = 7

_SENTINEL = "\x00"  # marks removed boilerplate so no gram spans the gap

# Dates, document numbers, phone numbers, e-mail addresses: present in every
# notice, different in each, and never evidence that two notices say the same.
_NOISE_PATTERNS = [
    r"\d{2,4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?",
    r"\d{1,2}\s*月\s*\d{1,2}\s*日",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}",
    r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号",
    r"\d{3,4}[-－]?\d{7,8}",
    r"1[3-9]\d{9}",
]
# The lookahead on the first character: every pattern starts with a digit or
# a bracket, and without it the engine tries all six at every position (4× slower).
_NOISE_RE = re.compile(r"(?=[\d〔\[［(（])(?:" + "|".join(f"(?:{p})" for p in _NOISE_PATTERNS) + ")")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._\-]+@[A-Za-z0-9.\-]+")

# Stock phrases of Chinese official notices (matched after normalisation, so
# punctuation and full/half width do not matter). Removed outright.
BOILERPLATE_PHRASES = """
各镇街道 各镇人民政府 各街道办事处 各乡镇人民政府 各乡镇街道 区直各有关单位 区直各部门 各有关单位 各相关单位
各村社区 各学校 各中小学校 各部门各单位
现将有关事项通知如下 现就有关事项通知如下 现将有关情况通报如下 现将有关工作通知如下 现将有关要求通知如下
现将工作方案印发给你们 现印发给你们 请结合实际认真贯彻落实 请认真贯彻落实 请认真贯彻执行 请遵照执行 请认真组织实施
特此通知 特此通报 特此函告 此复
为深入贯彻落实 为认真贯彻落实 为全面贯彻落实 为进一步 根据上级有关要求 根据有关文件精神 根据工作安排 结合我区实际
经研究决定 经区政府同意 经区委区政府同意
高度重视 加强组织领导 明确责任分工 压实工作责任 切实抓好落实 确保各项工作取得实效 确保工作落到实处 确保取得实效
认真组织实施 及时报送 按时报送 务必于 逾期不报 工作要求 主要任务 总体要求 指导思想 工作目标 保障措施 组织保障
有关事项 通知如下 附件 抄送 印发 联系人 联系电话 联系方式 电子邮箱 区人民政府办公室 区委办公室 区政府办公室
""".split()

# Generic officialese that is not removed as a phrase (too short or too
# variable) but whose 3-grams carry no topic: they are dropped from the
# shingle set so they cannot make unrelated notices look alike.
STOP_PHRASES = """
关于做好 关于开展 关于进一步 关于加强 关于召开 关于印发 关于转发 关于组织 关于举办 关于成立 关于调整
召开全区 召开全镇 召开全市 全区 工作会议 专题会议 推进会议 推进会 调度会 部署会 培训会 会议的通知 活动的通知
的通知 的实施方案 的工作方案 的意见 的函 的报告 的通报
切实加强 进一步加强 扎实推进 扎实做好 认真做好 全力做好 积极做好 统筹推进 协调推进 有序推进 全面推进
严格落实 认真落实 抓好落实 贯彻落实 工作责任 工作机制 工作措施 工作任务 工作安排 工作情况 工作人员
各单位要 各地要 各部门要 要进一步 要切实 要认真 要严格 要加强 要及时
确保 务必 及时 认真 切实 有效 全面 深入 扎实 积极 主动 严格 规范 持续 不断 有关 相关 工作
组织领导 责任落实 督促指导 宣传引导 监督检查 总结经验 存在问题 整改落实 报送至 报送情况 情况报告
人民群众 安全稳定 高质量发展 体制机制 长效机制 责任体系 主体责任 属地责任 部门责任 领导责任
""".split()


_NOT_ALNUM_RE = re.compile(r"[^\w\x00]|_")
_KEPT_RUN_RE = re.compile(r"[\w\x00]+")


def _keep_alnum(text: str) -> str:
    """`_NOT_ALNUM_RE.sub("", text)`, a third faster: Chinese text has punctuation every
    few characters, and joining the runs kept costs less than one substitution per gap."""
    return "".join(_KEPT_RUN_RE.findall(text)).replace("_", "")


def _fold(text: str) -> str:
    """NFKC, lowercase, letters and digits only (the comparison alphabet)."""
    return _NOT_ALNUM_RE.sub("", unicodedata.normalize("NFKC", text).lower())


_BOILERPLATE_RE = re.compile("|".join(sorted({_fold(p) for p in BOILERPLATE_PHRASES}, key=len, reverse=True)))


def normalise(text: str) -> str:
    """The comparison form of a text: NFKC, lowercase, no dates/numbers/phones,
    stock phrases replaced by a gap marker, letters and digits only."""
    if not text:
        return ""
    if "@" in text:
        text = _EMAIL_RE.sub(_SENTINEL, text)
    text = _NOISE_RE.sub(_SENTINEL, text)  # \d and \s match full-width forms too
    # Punctuation first: full-width punctuation is what makes most Chinese text
    # non-NFKC, and NFKC of a whole notice costs more than everything else here.
    text = _keep_alnum(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _keep_alnum(unicodedata.normalize("NFKC", text))
    return _BOILERPLATE_RE.sub(_SENTINEL, text.lower())


def _gram_keys(folded: str) -> np.ndarray:
    """Unique exact 3-gram keys (sorted uint64) of an already-normalised string."""
    if len(folded) < 3:
        return np.empty(0, dtype=np.uint64)
    cps = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    keys = (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]
    # A gram touching a gap marker (code point 0) spans removed text: drop it.
    keep = (cps[:-2] != 0) & (cps[1:-1] != 0) & (cps[2:] != 0)
    return sorted_unique(keys[keep])


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (NumPy 2's hash-based np.unique is ~15× slower here)."""
    if values.size == 0:
        return values
    values = np.sort(values)
    first = np.empty(values.size, dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


BUILTIN_STOP_KEYS = np.unique(np.concatenate([_gram_keys(_fold(p)) for p in STOP_PHRASES] + [np.empty(0, np.uint64)]))


def shingles(text: str, stop_keys: np.ndarray = BUILTIN_STOP_KEYS) -> np.ndarray:
    """The topical 3-gram set of a text as sorted unique uint64 keys.

    `stop_keys` (sorted unique) are grams to ignore: the built-in officialese,
    plus, once `jianfu reindex` has measured the ledger, the grams found in so
    many items that they say nothing about any one of them.
    """
    keys = _gram_keys(normalise(text))
    return keys[~member(keys, stop_keys)]


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin(values, sorted_set) by binary search: ~4× faster for a few
    hundred values against thousands of sorted keys."""
    if values.size == 0 or sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[at] == values


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the structured gram keys over 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def gram_hashes(keys: np.ndarray) -> np.ndarray:
    """32-bit hashes (held in uint64) of gram keys."""
    return _mix(keys) >> np.uint64(32)


# Posting keys: hash ≡ 0 mod 4. Upper-level documents keep hash ≡ 0 mod 8 (a
# subset of those) for containment.
POST_MASK = 3
# An item also posts the POST_MIN smallest hashes of its rarer grams, so a
# short text, or one made mostly of common grams, still has some keys; a draft
# looks up its QUERY_MIN smallest, which hold most of a source's smallest
# even when the edits have doubled the draft's grams.
POST_MIN = 8
QUERY_MIN = 32


def posting_keys(rare: np.ndarray, smallest: int = POST_MIN) -> np.ndarray:
    """Sorted unique uint32 posting keys from the hashes of a text's rarer
    (topical, not common) grams: the quarter sample and the `smallest` least."""
    picked = rare[(rare & np.uint64(POST_MASK)) == 0]
    low = np.partition(rare, smallest - 1)[:smallest] if rare.size > smallest else rare
    return sorted_unique(np.concatenate([picked, low])).astype(np.uint32)


def upper_samples(hashes: np.ndarray) -> list[int]:
    """The consistent 1/8 sample of gram hashes, as signed 32-bit ints."""
    picked = hashes[(hashes & np.uint64(UPPER_SAMPLE_MASK)) == 0]
    return picked.astype(np.uint32).view(np.int32).tolist()


@dataclass(frozen=True, slots=True)
class Analysis:
    keys: np.ndarray  # topical 3-gram keys, sorted unique uint64
    hashes: np.ndarray  # 32-bit hashes of `keys` (uint64)
    posts: np.ndarray  # posting keys, sorted unique uint32
    sample: np.ndarray  # posting keys and the rest of the quarter sample (common grams too), sorted unique uint32
    rare: np.ndarray  # hashes of the grams that are not common (uint64)

    def lookup(self) -> np.ndarray:
        """The keys a draft looks up: its quarter sample and QUERY_MIN smallest (uint32)."""
        return posting_keys(self.rare, QUERY_MIN)

    @property
    def empty(self) -> bool:
        return self.keys.size == 0


_NO_KEYS = np.empty(0, dtype=np.uint64)


def analyse(text: str, stop_keys: np.ndarray = BUILTIN_STOP_KEYS, common: np.ndarray = _NO_KEYS) -> Analysis:
    return analysis_of(shingles(text, stop_keys), common)


def analysis_of(keys: np.ndarray, common: np.ndarray = _NO_KEYS) -> Analysis:
    """The Analysis of a text from its topical gram keys (`shingles`)."""
    hashes = gram_hashes(keys)
    rare = hashes[~member(keys, common)]
    posts = posting_keys(rare)
    quarter = hashes[(hashes & np.uint64(POST_MASK)) == 0].astype(np.uint32)
    return Analysis(
        keys=keys, hashes=hashes, posts=posts, sample=sorted_unique(np.concatenate([posts, quarter])), rare=rare
    )


def item_text(title: str, body: str) -> str:
    """What is compared for an item: its title and body, joined by the gap
    marker so that no gram spans the two. Its grams are the union of the
    title's and the body's (`split_parts`), which lets the gate analyse a
    draft's body once for both the title+body and the body-only lookups."""
    return f"{title or ''}{_SENTINEL}{body or ''}"


def split_parts(text: str) -> list[str]:
    """Pieces of a text at its gap markers: `shingles(text)` is the union of
    the pieces' shingles, since normalisation keeps the marker and no gram
    spans it."""
    return text.split(_SENTINEL)


def stored_bytes(analysis: Analysis) -> bytes:
    """What an item's signature row keeps (little-endian uint32): the number of
    posting keys, the posting keys (to delete its band rows), then the rest of
    its quarter sample (to estimate the share in common without its text)."""
    rest = analysis.sample[~member(analysis.sample, analysis.posts)]
    return (
        np.concatenate([np.array([analysis.posts.size], dtype=np.uint32), analysis.posts, rest]).astype("<u4").tobytes()
    )


def posts_from_bytes(raw: bytes) -> list[int]:
    """Stored posting keys as the signed 32-bit ints of the band rows."""
    values = np.frombuffer(bytes(raw), dtype="<i4")
    return values[1 : 1 + int(values[0])].tolist() if values.size else []


def sample_from_bytes(raw: bytes) -> np.ndarray:
    """The stored sample (posting keys and the rest), uint32."""
    return np.frombuffer(bytes(raw), dtype="<u4")[1:]


def upper_from_bytes(raw: bytes) -> list[int]:
    """An upper-level document's containment samples (`upper_samples`), recovered
    from its stored sample: the 1/8 sample is part of the quarter sample."""
    sample = sample_from_bytes(raw).astype(np.uint64)
    return upper_samples(sorted_unique(sample))


def overlaps(common: np.ndarray, draft: int, items: np.ndarray) -> np.ndarray:
    """Share of each item's content that a draft repeats, given |D∩I| per item,
    |D| and |I| per item: |D∩I| / |I|, over at least a fifth of the draft.

    Containment of the item, not Dice or Jaccard: what an edit adds to a
    copy (new wording, random characters: a 40%-rewritten copy has 1.5–3.4×
    its source's topical grams) does not count against it, only what it
    removed; a short draft that repeats part of a longer item is not its
    duplicate. The floor keeps a tiny item (a title, an app name) inside a
    long draft from counting as duplicated by it."""
    items = np.asarray(items, dtype=np.float64)
    if draft == 0:
        return np.zeros(items.shape)
    denominator = np.maximum(items, draft / 5)
    return np.where(items > 0, np.asarray(common, dtype=np.float64) / denominator, 0.0)


def overlap(common: int, draft: int, item: int) -> float:
    """`overlaps` for one item."""
    return float(overlaps(np.array([common]), draft, np.array([item]))[0])


def share(draft: np.ndarray, item: np.ndarray) -> float:
    """`overlap` over exact topical gram sets (sorted unique)."""
    if draft.size == 0 or item.size == 0:
        return 0.0
    return overlap(int(member(draft, item).sum()), draft.size, item.size)


def containment(part: np.ndarray, whole: np.ndarray) -> float:
    """Share of `part`'s grams found in `whole`."""
    if part.size == 0:
        return 0.0
    return int(member(part, whole).sum()) / part.size


# Share of topical grams in common reported as similarity 0.6. Measured on the
# bench corpus (template-heavy, 10^4 items, docs/similarity.md): copies with
# 30–40% of their characters rewritten keep ≥ 0.46, unrelated notices reach at
# most 0.30 with any ledger item (0.33 for a copy with an item not its source).
KNEE = 0.40


def calibrate(value: float) -> float:
    """Map the share in common (`share`) to the reported similarity: KNEE ↦ 0.6,
    linear on both sides, identical texts ↦ 1."""
    value = min(max(value, 0.0), 1.0)
    if value <= KNEE:
        return round(value * 0.6 / KNEE, 4)
    return round(0.6 + (value - KNEE) * 0.4 / (1.0 - KNEE), 4)


def share_for(similarity: float) -> float:
    """The inverse of `calibrate`: the share a similarity needs."""
    similarity = min(max(similarity, 0.0), 1.0)
    if similarity <= 0.6:
        return similarity * KNEE / 0.6
    return KNEE + (similarity - 0.6) * (1.0 - KNEE) / 0.4
