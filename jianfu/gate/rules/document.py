"""Document rules: length limits (≤5,000 字, special tasks ≤4,000), 以文件落实文件,
and no demand to report 贯彻落实情况 (若干规定)."""

from jianfu.gate.rules.base import Facts, finding, related


def chars(facts: Facts) -> int:
    # Non-space characters (str.split() drops exactly what str.isspace() is true for).
    return len("".join(facts.draft.body.split()))


def doc_too_long(facts: Facts) -> list[dict]:
    n = chars(facts)
    limits = facts.limits
    block_at = limits["doc_special_block_chars"] if facts.draft.special_task else limits["doc_block_chars"]
    kind = "专项工作文件" if facts.draft.special_task else "文件"
    if n > block_at:
        message = f"正文{n}字，超过{kind}{int(block_at)}字的上限：请压缩篇幅，删去背景、意义等套话，只写具体要求。"
        return [finding("DOC_TOO_LONG", "block", message)]
    if n > limits["doc_warn_chars"]:
        warn_at = int(limits["doc_warn_chars"])
        message = f"正文{n}字，超过{warn_at}字：请精简到{warn_at}字以内，短些、实些、新些。"
        return [finding("DOC_TOO_LONG", "warn", message)]
    return []


def copies_upper_doc(facts: Facts) -> list[dict]:
    limit = facts.limits["copies_upper"]
    hits = [r for r in facts.ctx.upper if (r.similarity or 0) >= limit]
    if not hits:
        return []
    top = hits[0]
    message = (
        f"正文约{top.similarity:.0%}的内容照搬上级来文《{top.title}》（以文件落实文件）：可直接转发上级文件，"
        f"或只写本地区的具体措施，不再照抄。"
    )
    return [finding("COPIES_UPPER_DOC", "warn", message, related=related(hits))]


def implementation_report(facts: Facts) -> list[dict]:
    hits = facts.hits("DEMANDS_IMPLEMENTATION_REPORT")
    if not hits:
        return []
    message = (
        f"要求基层报送本文件的贯彻落实情况（{facts.quoted(hits)}）：请删除该要求，不得要求报送贯彻落实情况，"
        f"落实效果由日常工作和督查检查体现。"
    )
    return [finding("DEMANDS_IMPLEMENTATION_REPORT", "warn", message, evidence=facts.evidence(hits))]


RULES = [doc_too_long, copies_upper_doc, implementation_report]
