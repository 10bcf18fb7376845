"""`normalise` keeps its output when its implementation is made faster: compared with
the regular-expression substitutions it replaced, on notices and on arbitrary text."""

import random
import re
import unicodedata

from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice

_REFERENCE_NOT_ALNUM = re.compile(r"[^\w\x00]|_")


def reference_normalise(text: str) -> str:
    """`normalise` as it was, one substitution per removed character run."""
    if not text:
        return ""
    if "@" in text:
        text = T._EMAIL_RE.sub(T._SENTINEL, text)
    text = T._NOISE_RE.sub(T._SENTINEL, text)
    text = _REFERENCE_NOT_ALNUM.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _REFERENCE_NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text))
    return T._BOILERPLATE_RE.sub(T._SENTINEL, text.lower())


EDGES = [
    "",
    "_",
    "__a__b__",
    "\x00",
    "a\x00_\x00b",
    "ＡＢＣ＿１２３，。！",
    "各镇（街道）：现将有关事项通知如下。特此通知。2025年3月1日",
    "联系人：张三，电话：0571-87654321，13912345678，邮箱 zhang_san@example.gov.cn",
    "〔2024〕12号　第①条　ﬁle　Ⅻ　㈱　½　x²",
    "e\u0301 \u212b \u1e9b\u0323 \ufb01",
    "🙂 emoji 和 汉字 mixed_text-with.punct",
    "\t\n\r 　\u200b\u00a0",
]


def test_normalise_matches_the_reference_on_notices_and_edge_cases():
    texts = list(EDGES)
    for k, topic in enumerate(TOPICS):
        title, body = make_notice(topic, seed=k)
        texts.append(T.item_text(title, body))
    for text in texts:
        assert T.normalise(text) == reference_normalise(text), text[:40]


def test_normalise_matches_the_reference_on_random_text():
    rng = random.Random(7)
    alphabet = (
        [chr(c) for c in range(0x20, 0x250)]
        + [chr(c) for c in range(0x3000, 0x3040)]
        + [chr(c) for c in range(0xFF00, 0xFF70)]
        + [chr(c) for c in range(0x4E00, 0x5200)]
        + list("".join(TOPICS) + "年月日号通知要求")
        + ["_", "\x00", "\u0301", "\u00a0", "\u3000", "@", "1", "9", "年", "月", "日", "号", "〔", "〕", "-", "/"]
    )
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        assert T.normalise(text) == reference_normalise(text), text[:40]
