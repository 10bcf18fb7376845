"""What every rule receives (`Facts`) and how it reports (`finding`)."""

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from jianfu.gate.context import Context, LedgerRef
from jianfu.gate.drafts import Draft
from jianfu.gate.matcher import Hit, Lexicon, build_lexicon, excluded_spans, find
from jianfu.gate.normalise import Normalised, normalise, normalise_key

MAX_EVIDENCE = 10
BODY_KEY_CHARS = 5000  # list entries' keywords are looked for in the body's start


@dataclass
class Facts:
    """A draft, its context and the shared derived data, for one review."""

    draft: Draft
    ctx: Context
    norm: Normalised = field(init=False)
    lex: Lexicon = field(init=False)
    matched: dict[str, Any] = field(default_factory=dict)
    _hits: dict[str, list[Hit]] = field(default_factory=dict)
    _excluded: list[tuple[int, int]] | None = None
    _screen: Any = None
    _body_key: str | None = None

    def __post_init__(self) -> None:
        self.norm = normalise(self.draft.body)
        self.lex = build_lexicon(self.ctx.lexicon)

    @property
    def limits(self) -> dict[str, float]:
        return self.ctx.thresholds

    def hits(self, code: str) -> list[Hit]:
        if code not in self._hits:
            if self._excluded is None:
                self._excluded = excluded_spans(self.norm, self.lex)
                self._screen = self.lex.screen(self.norm.text)
            self._hits[code] = find(self.norm, self.lex, code, self._excluded, self._screen)
        return self._hits[code]

    @property
    def body_key(self) -> str:
        """`normalise_key` of the body's first 5,000 characters, which is the start of the
        normalised text (both keep the same characters of each body character)."""
        if self._body_key is None:
            self._body_key = self.norm.text[: bisect_left(self.norm.origin, BODY_KEY_CHARS)]
        return self._body_key

    def evidence(self, hits: list[Hit]) -> list[dict[str, Any]]:
        body = self.draft.body
        out = []
        for hit in hits[:MAX_EVIDENCE]:
            start, end = self.norm.span(hit.start, hit.end)
            out.append({"start": start, "end": end, "text": body[start:end]})
        return out

    def quoted(self, hits: list[Hit], limit: int = 3) -> str:
        """The matched words as the body writes them: “上传照片”、“拍照留痕”."""
        texts: list[str] = []
        for ev in self.evidence(hits):
            if ev["text"] not in texts:
                texts.append(ev["text"])
        return "、".join(f"“{t}”" for t in texts[:limit])

    def title_has(self, *words: str) -> bool:
        key = normalise_key(self.draft.title)
        return any(w in key for w in words)


def finding(
    code: str,
    severity: str,
    message: str,
    *,
    evidence: list[dict[str, Any]] | None = None,
    related: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "severity": severity,
        "message": message,
        "evidence": evidence or [],
        "related": related or [],
    }


def related(refs: list[LedgerRef] | tuple[LedgerRef, ...], limit: int = 10) -> list[dict[str, Any]]:
    out = []
    for ref in list(refs)[:limit]:
        row: dict[str, Any] = {"id": ref.id, "kind": ref.kind, "title": ref.title}
        if ref.similarity is not None:
            row["similarity"] = ref.similarity
        if ref.date is not None:
            row["date"] = ref.date.isoformat()
        out.append(row)
    return out


def names(values, limit: int = 5) -> str:
    values = list(values)
    shown = "、".join(values[:limit])
    return shown + (f"等{len(values)}个" if len(values) > limit else "")


# Stock words of official titles that say nothing about the topic.
_BOILERPLATE = re.compile(
    r"关于|印发|转发|开展|召开|举办|组织|进一步|加强|做好|认真|切实|全面|深入|推进|推动|有关|相关|事项|工作|"
    r"通知|方案|意见|会议|活动|的|年度|年|第[一二三四]季度|[0-9]+|[零一二三四五六七八九十]+月"
)


def topic_key(text: str) -> str:
    return _BOILERPLATE.sub("", normalise_key(text))


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else ({text} if text else set())


def dice(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))
