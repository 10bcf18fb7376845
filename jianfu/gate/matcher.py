"""Compiling lexicon phrases and finding them (negation-aware) in a normalised body."""

import re
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class Lexicon:
    """Compiled phrases per code, plus the negation words (normalised)."""

    patterns: dict[str, tuple[tuple[str, re.Pattern], ...]]
    negation: tuple[str, ...]
    negation_after: tuple[str, ...]
    negation_exception: tuple[str, ...]
    exclude: tuple[re.Pattern, ...] = ()

    def phrases(self, code: str) -> tuple[tuple[str, re.Pattern], ...]:
        return self.patterns.get(code, ())


@lru_cache(maxsize=8)
def build_lexicon(entries: tuple[tuple[str, str], ...]) -> Lexicon:
    """`entries` are (code, phrase) pairs of the active lexicon; cached per content."""
    patterns: dict[str, list[tuple[str, re.Pattern]]] = {}
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
            patterns.setdefault(code, []).append((phrase, compiled))
    return Lexicon(
        patterns={code: tuple(items) for code, items in patterns.items()},
        negation=tuple(words["NEGATION"]),
        negation_after=tuple(words["NEGATION_AFTER"]),
        negation_exception=tuple(words["NEGATION_EXCEPTION"]),
        exclude=tuple(exclude),
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


def find(norm: Normalised, lex: Lexicon, code: str, excluded: list[tuple[int, int]] | None = None) -> list[Hit]:
    """Non-negated hits of a code's phrases, one per body region (longest first)."""
    if excluded is None:
        excluded = excluded_spans(norm, lex)
    hits: list[Hit] = []
    for phrase, pattern in lex.phrases(code):
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
