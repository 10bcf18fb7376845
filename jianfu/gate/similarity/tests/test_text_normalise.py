"""`normalise` keeps its output when its implementation is made faster: compared with
the regular-expression substitutions it replaced, on notices and on arbitrary text."""

import random
import re
import unicodedata

import numpy as np

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


def test_an_item_texts_grams_are_its_title_and_body_grams():
    # search.analyse relies on it: a draft's body is analysed once for the
    # title+body lookup and the body-only (upper document) lookup.
    rng = random.Random(11)
    alphabet = list("".join(TOPICS) + "年月日号通知要求2025〔〕（）-/ ，。") + ["\u0301", "\u3000", "ｆ"]
    pairs = [make_notice(topic, seed=k) for k, topic in enumerate(TOPICS)]
    for _ in range(200):
        pairs.append(tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2)))
    for title, body in pairs:
        whole = T.shingles(T.item_text(title, body))
        parts = T.split_parts(T.item_text(title, body))
        assert parts == [title, body]
        union = T.sorted_unique(np.concatenate([T.shingles(p) for p in parts]))
        assert whole.tolist() == union.tolist(), (title, body)


def test_search_analyses_an_item_text_as_the_index_does(db):
    from jianfu.gate.similarity import search, store

    _fingerprint, stop, common = store.stop_keys()
    for k, topic in enumerate(list(TOPICS)[:5]):
        text = T.item_text(*make_notice(topic, seed=k))
        assert search.analyse(text).posts.tolist() == T.analyse(text, stop, common).posts.tolist()
