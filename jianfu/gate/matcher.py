"""Compiling lexicon phrases and finding them (negation-aware) in a normalised body."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from jianfu.gate.normalise import Normalised, normalise_phrase

GAP = 12  # characters a `…` may span
NEGATION_LOOKBACK = 20  # characters before a phrase that may hold its negation
NEGATION_LOOKAHEAD = 8
_NUMBER = "[0-9零〇一二两三四五六七八九十百千半]+"


@dataclass(frozen=True)
class Hit:
    code: str
    phrase: str
    start: int  # normalised offsets
    end: int


def compile_phrase(phrase: str) -> re.Pattern | None:
    norm = normalise_phrase(phrase)
    parts = []
    for ch in norm:
        if ch == "…":
            parts.append(f".{{0,{GAP}}}?")
        elif ch == "#":
            parts.append(_NUMBER)
        else:
            parts.append(re.escape(ch))
    pattern = "".join(parts).strip()
    if not pattern or not norm.strip("…#"):
        return None
    return re.compile(pattern)


# The screen: a phrase can only match a text holding each of its literal runs, so the
# text must hold every adjacent pair of characters of the runs (and the lone character
# of a one-character run). Each character or pair is hashed to one of 2^16 slots: a
# collision only lets a phrase through to the search, it never stops a match.
_SLOTS = 1 << 16
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _slots(codes: np.ndarray) -> np.ndarray:
    """Screen slots of the characters and adjacent pairs of `codes` (a run or a text)."""
    codes = codes.astype(np.uint64)
    pairs = (codes[:-1] + np.uint64(1)) * np.uint64(0x110000) + codes[1:]  # above every code point
    return ((np.concatenate((codes, pairs)) * _MIX) >> np.uint64(48)).astype(np.int64)


def _phrase_slots(phrase: str) -> list[int]:
    out: list[int] = []
    for run in re.split("[…#]", normalise_phrase(phrase)):
        slots = _slots(np.array([ord(ch) for ch in run], dtype=np.uint32)).tolist()
        out.extend(slots if len(run) == 1 else slots[len(run) :])  # a run's pairs hold its characters
    return out


@dataclass(frozen=True)
class Lexicon:
    """Compiled phrases per code (with their index in the screen), plus the negation words (normalised)."""

    patterns: dict[str, tuple[tuple[str, re.Pattern, int], ...]]
    negation: tuple[str, ...]
    negation_after: tuple[str, ...]
    negation_exception: tuple[str, ...]
    exclude: tuple[re.Pattern, ...] = ()
    # Every phrase's screen slots end to end, and where each phrase's slots begin.
    screen_slots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False)
    screen_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False)

    def phrases(self, code: str) -> tuple[tuple[str, re.Pattern, int], ...]:
        return self.patterns.get(code, ())

    def screen(self, text: str) -> np.ndarray:
        """Per phrase index, whether `text` may hold that phrase: one that fails cannot match
        and is not searched for (one pass of the text for every phrase)."""
        if not self.screen_starts.size:
            return np.zeros(0, dtype=bool)
        seen = np.zeros(_SLOTS, dtype=bool)
        seen[_slots(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))] = True
        return np.minimum.reduceat(seen[self.screen_slots], self.screen_starts)


@lru_cache(maxsize=8)
def build_lexicon(entries: tuple[tuple[str, str], ...]) -> Lexicon:
    """`entries` are (code, phrase) pairs of the active lexicon; cached per content."""
    patterns: dict[str, list[tuple[str, re.Pattern, int]]] = {}
    literals: list[int] = []
    starts: list[int] = []
    words: dict[str, list[str]] = {"NEGATION": [], "NEGATION_AFTER": [], "NEGATION_EXCEPTION": []}
    exclude: list[re.Pattern] = []
    for code, phrase in entries:
        if code in words:
            norm = normalise_phrase(phrase).replace("…", "").replace("#", "")
            if norm:
                words[code].append(norm)
            continue
        compiled = compile_phrase(phrase)
        if compiled is not None and code == "EXCLUDE":
            exclude.append(compiled)
        elif compiled is not None:
            patterns.setdefault(code, []).append((phrase, compiled, len(starts)))
            starts.append(len(literals))
            literals.extend(_phrase_slots(phrase))
    return Lexicon(
        patterns={code: tuple(items) for code, items in patterns.items()},
        negation=tuple(words["NEGATION"]),
        negation_after=tuple(words["NEGATION_AFTER"]),
        negation_exception=tuple(words["NEGATION_EXCEPTION"]),
        exclude=tuple(exclude),
        screen_slots=np.array(literals, dtype=np.int64),
        screen_starts=np.array(starts, dtype=np.int64),
    )


def is_negated(norm: Normalised, start: int, end: int, lex: Lexicon) -> bool:
    """A prohibition ("不得要求拍照留痕", "拍照留痕一律取消") is not a demand."""
    text = norm.text
    clause = norm.clause[start]
    lo = start
    while lo > 0 and start - lo < NEGATION_LOOKBACK and norm.clause[lo - 1] == clause:
        lo -= 1
    window = text[lo:end]
    for word in lex.negation:
        pos = window.find(word)
        # A negation must begin before the phrase ("不打分" negates "打分"); one that
        # is part of the phrase itself ("不再另行发文") negates nothing.
        while pos != -1 and lo + pos < start:
            tail = text[lo + pos :]
            if not any(tail.startswith(exc) for exc in lex.negation_exception):
                return True
            pos = window.find(word, pos + 1)
    hi = end
    while hi < len(text) and hi - end < NEGATION_LOOKAHEAD and norm.clause[hi] == clause:
        hi += 1
    after = text[end:hi]
    return any(after.startswith(word) or word in after[:NEGATION_LOOKAHEAD] for word in lex.negation_after)


def excluded_spans(norm: Normalised, lex: Lexicon) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for pattern in lex.exclude for m in pattern.finditer(norm.text) if m.end() > m.start()]


def find(
    norm: Normalised,
    lex: Lexicon,
    code: str,
    excluded: list[tuple[int, int]] | None = None,
    screen: np.ndarray | None = None,
) -> list[Hit]:
    """Non-negated hits of a code's phrases, one per body region (longest first).
    `screen` is `lex.screen(norm.text)`, computed once per body for every code."""
    if excluded is None:
        excluded = excluded_spans(norm, lex)
    if screen is None:
        screen = lex.screen(norm.text)
    hits: list[Hit] = []
    for phrase, pattern, index in lex.phrases(code):
        if not screen[index]:
            continue
        gapped = "…" in phrase
        for m in pattern.finditer(norm.text):
            start, end = m.start(), m.end()
            if end <= start or norm.sentence[start] != norm.sentence[end - 1]:
                continue
            # A gap stays inside its clause: "每日巡查，每月报送" is no daily report.
            if gapped and norm.clause[start] != norm.clause[end - 1]:
                continue
            if any(s < end and start < e for s, e in excluded):
                continue
            if is_negated(norm, start, end, lex):
                continue
            hits.append(Hit(code, phrase, start, end))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue  # overlapping an earlier, longer hit of the same code
        kept.append(hit)
    return kept
