"""Text normalisation for phrase matching, with a map back to the original body.

Officials (and people copying from PDFs or phones) write the same phrase in many
ways: full-width letters ("ＰＰＴ"), spaces inside ("拍 照"), punctuation inside
("收到，请回复"), traditional characters ("簽到"). Matching runs on a normalised
copy; every normalised character remembers the index of the ORIGINAL character it
came from, so evidence offsets always index the original `body`
(`body[start:end] == text`).
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Common traditional → simplified pairs met in official writing (not a converter:
# enough that the lexicon's simplified phrases match text pasted from other regions).
_TRAD = (
    "簽签 錄录 視视 頻频 報报 請请 覆复 責责 書书 層层 碼码 臺台 賬账 帳账 檔档 會会 議议 紀纪 證证 據据 傳传 "
    "圖图 時时 長长 點点 讚赞 贊赞 轉转 發发 學学 習习 評评 價价 簡简 組组 縣县 鄉乡 鎮镇 實实 處处 應应 開开 "
    "關关 於于 與与 為为 這这 個个 們们 來来 說说 現现 準准 備备 彙汇 匯汇 張张 線线 務务 將将 後后 並并 無无 "
    "須须 嚴严 絕绝 驗验 經经 屬属 區区 項项 級级 狀状 諾诺 決决 覈核 調调 導导 檢检 測测 題题 問问 單单 數数 "
    "頭头 紅红 變变 箋笺 訊讯 當当 內内 鐘钟 鍾钟 範范 圍围 蓋盖 動动 態态 總总 結结 貫贯 徹彻 況况 規规 劃划 "
    "計计 畫画 額额 舉举 辦办 幹干 黨党 員员 從从 樣样 讓让 給给 還还 過过 進进 邊边 對对 產产 業业 門门 間间 "
    "電电 話话 語语 讀读 寫写 記记 資资 質质 標标 極极 續续 統统 網网 絡络 頁页 載载 戶户 號号 幫帮 貧贫 農农 "
    "醫医 藥药 衛卫 環环 護护 險险 災灾 違违 罰罚 獎奖 勵励 優优 雙双 萬万 擊击 積积 稱称 選选 攝摄 覽览 閱阅 "
    "達达 創创 參参 負负 擔担 減减 輕轻 遞递 壓压 跡迹 織织 條条 專专 審审 歸归 併并 訂订 蓋盖 齊齐 紙纸 夠够 "
    "啟启 緊紧 遲迟 誤误 樹树 榜榜 晝昼 週周 綫线 贈赠 鬥斗 覺觉 觀观 彙汇 繫系 係系 歲岁 麼么 嗎吗 讀读 聯联 "
    "臨临 檢检 彈弹 術术 體体 講讲 師师 務务 錢钱 費费 撥拨 設设 權权 責责 鏈链 佈布 傳传 準准 復复 饋馈 題题"
)
TRAD_TO_SIMP: dict[str, str] = {pair[0]: pair[1] for pair in _TRAD.split()}

# Sentence ends: a phrase never matches across them, and negation never reaches across.
SENTENCE_END = frozenset("。！？；;!?\n\r")
# Clause breaks: negation ("不得…") only reaches back within its clause.
CLAUSE_BREAK = SENTENCE_END | frozenset(",，:：")


@lru_cache(maxsize=65536)
def is_skippable(ch: str) -> bool:
    """White space and punctuation/symbols that may sit inside a phrase."""
    if ch.isspace():
        return True
    cat = unicodedata.category(ch)
    return cat[0] in ("P", "S", "Z", "C")


@dataclass(frozen=True)
class Normalised:
    """`text` is the normalised copy; `origin[i]` is the body index of text[i];
    `sentence[i]` and `clause[i]` number the sentence/clause text[i] belongs to."""

    text: str
    origin: tuple[int, ...]
    sentence: tuple[int, ...]
    clause: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of normalised text[start:end] (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=65536)
def normalise_char(ch: str) -> str:
    # Pure on one character and called for every character of every draft: cached.
    out = unicodedata.normalize("NFKC", ch).lower()
    return "".join(TRAD_TO_SIMP.get(c, c) for c in out)


# Tables fill as characters are met; bounded so that drafts full of rare code points
# cannot grow them without end (characters beyond the bound are computed each time).
_TABLE_MAX = 65536


class _KeyTable(dict):
    """`str.translate` table, filled on first sight of a character: code point →
    its normalised characters without the skippable ones (normalise_key per character)."""

    def __missing__(self, code: int) -> str:
        value = "".join(c for c in normalise_char(chr(code)) if not is_skippable(c))
        if len(self) < _TABLE_MAX:
            self[code] = value
        return value


class _BodyTable(dict):
    """Character → what `normalise` keeps of it, or None when its normalised form holds
    a clause break (rare full-width forms), which takes the exact per-character path."""

    def __missing__(self, ch: str) -> str | None:
        out = normalise_char(ch)
        value = None if any(c in CLAUSE_BREAK for c in out) else "".join(c for c in out if not is_skippable(c))
        if len(self) < _TABLE_MAX:
            self[ch] = value
        return value


# The fast path's tables as arrays over the Basic Multilingual Plane, filled on first
# sight of a character: its class (what `normalise` does with it) and the code point
# it keeps. Bodies with characters beyond the plane take the exact loop.
_PLANE = 0x10000
_UNKNOWN, _DROP, _KEEP, _CLAUSE, _SENTENCE, _EXACT = 255, 0, 1, 2, 3, 4
_CLASS = np.full(_PLANE, _UNKNOWN, dtype=np.uint8)
_KEPT = np.zeros(_PLANE, dtype=np.uint32)


def _learn(code: int) -> None:
    ch = chr(code)
    if ch in SENTENCE_END:
        value = _SENTENCE
    elif ch in CLAUSE_BREAK:
        value = _CLAUSE
    else:
        kept = _BODY_TABLE[ch]
        if kept is None or len(kept) > 1:  # a break or several characters: the exact loop
            value = _EXACT
        elif kept:
            _KEPT[code] = ord(kept)
            value = _KEEP
        else:
            value = _DROP
    _CLASS[code] = value  # after _KEPT: a reader that sees the class sees the character


_KEY_TABLE = _KeyTable()
_BODY_TABLE = _BodyTable()


def normalise_phrase(phrase: str) -> str:
    """A lexicon phrase as the matcher sees it (markers … and # kept)."""
    out = []
    for ch in phrase:
        if ch in "…#":
            out.append(ch)
            continue
        for c in normalise_char(ch):
            if not is_skippable(c):
                out.append(c)
    # "……" written as two ellipses means one gap.
    return "".join(out).replace("……", "…")


def normalise_key(text: str) -> str:
    """Plain normalised key for comparing names (fields, list entries)."""
    return (text or "").translate(_KEY_TABLE)


def _normalise_fast(body: str) -> Normalised | None:
    """`normalise` in NumPy when every character gives at most one kept character
    and no break of its own (nearly every body); None sends the rest to the exact loop."""
    if not body:
        return Normalised("", (), (), ())
    codes = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes.max()) >= _PLANE:
        return None
    classes = _CLASS[codes]
    if (classes == _UNKNOWN).any():
        for code in np.unique(codes[classes == _UNKNOWN]).tolist():
            _learn(code)
        classes = _CLASS[codes]
    if (classes == _EXACT).any():
        return None
    # A kept character is never a break, so counting breaks up to and including it
    # numbers its sentence and clause as the loop does.
    sentence = np.cumsum(classes == _SENTENCE)
    clause = np.cumsum(classes >= _CLAUSE)
    origin = np.flatnonzero(classes == _KEEP)
    return Normalised(
        _KEPT[codes[origin]].tobytes().decode("utf-32-le"),
        tuple(origin.tolist()),
        tuple(sentence[origin].tolist()),
        tuple(clause[origin].tolist()),
    )


def normalise(body: str) -> Normalised:
    return _normalise_fast(body or "") or _normalise_loop(body or "")


def _normalise_loop(body: str) -> Normalised:
    """The exact definition, one character at a time."""
    text: list[str] = []
    origin: list[int] = []
    sentence: list[int] = []
    clause: list[int] = []
    s_no = c_no = 0
    table = _BODY_TABLE
    for i, ch in enumerate(body):
        if ch in SENTENCE_END:
            s_no += 1
        if ch in CLAUSE_BREAK:
            c_no += 1
            continue
        kept = table[ch]
        if kept is not None:
            for c in kept:
                text.append(c)
                origin.append(i)
                sentence.append(s_no)
                clause.append(c_no)
            continue
        for c in normalise_char(ch):
            if c in CLAUSE_BREAK:  # full-width forms that NFKC turns into breaks
                c_no += 1
                if c in SENTENCE_END:
                    s_no += 1
                continue
            if is_skippable(c):
                continue
            text.append(c)
            origin.append(i)
            sentence.append(s_no)
            clause.append(c_no)
    return Normalised("".join(text), tuple(origin), tuple(sentence), tuple(clause))
