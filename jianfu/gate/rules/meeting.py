"""Meeting rules: length, video over onsite, merging, principals, abolished bodies."""

from jianfu.gate.rules.base import Facts, finding, related
from jianfu.ledger.choices import AttendeeLevel, BodyStatus, MeetingMode


def _reaches_grassroots(facts: Facts) -> bool:
    return bool(facts.ctx.scope_units)


def meeting_too_long(facts: Facts) -> list[dict]:
    minutes = facts.draft.duration_minutes
    limit = facts.limits["meeting_max_minutes"]
    if minutes is None or minutes <= limit:
        return []
    message = (
        f"会议时长{minutes}分钟，超过{int(limit)}分钟：请压缩议程、精简讲话（主讲话不超过1小时），"
        f"控制在{int(limit)}分钟以内。"
    )
    return [finding("MEETING_TOO_LONG", "warn", message)]


def onsite_when_video(facts: Facts) -> list[dict]:
    d = facts.draft
    if d.mode != MeetingMode.ONSITE or not _reaches_grassroots(facts):
        return []
    if facts.hits("PRESENCE_NEEDED"):
        return []
    message = "会议要求基层到现场参加，但未说明须现场出席的理由：能开视频会议的请改为视频会议，减少基层往返。"
    return [finding("ONSITE_WHEN_VIDEO", "info", message)]


def meeting_mergeable(facts: Facts) -> list[dict]:
    d = facts.draft
    target_ids = {u.id for u in d.targets}
    overlapping = [
        m for m in facts.ctx.same_day_meetings if d.targets_all or m.targets_all or target_ids.intersection(m.unit_ids)
    ]
    limit = facts.limits["meeting_topic_similarity"]
    seen = {m.id for m in overlapping}
    similar = [m for m in facts.ctx.similar_meetings if (m.similarity or 0) >= limit and m.id not in seen]
    if not overlapping and not similar:
        return []
    parts = []
    if overlapping:
        parts.append(f"同一天已有面向相同单位的会议《{overlapping[0].title}》")
    if similar:
        parts.append(f"同一周已有主题相近的会议《{similar[0].title}》（相似度{similar[0].similarity:.2f}）")
    message = "；".join(parts) + "：请合并召开或套开，避免基层一天多会、一周多会。"
    return [finding("MEETING_MERGEABLE", "warn", message, related=related(overlapping + similar))]


def principal_attendance(facts: Facts) -> list[dict]:
    d = facts.draft
    hits = facts.hits("PRINCIPAL_ATTENDANCE")
    principal = d.attendee_level == AttendeeLevel.PRINCIPAL and _reaches_grassroots(facts)
    if not hits and not principal:
        return []
    what = facts.quoted(hits) if hits else "参会层级为“主要负责人”"
    message = f"要求基层主要负责人参会（{what}）：请改为分管负责人或工作人员参加，确需主要负责人参加的请说明理由。"
    return [finding("PRINCIPAL_ATTENDANCE", "warn", message, evidence=facts.evidence(hits))]


def body_abolished(facts: Facts) -> list[dict]:
    status = facts.ctx.body_status
    if status not in (BodyStatus.MERGED, BodyStatus.ABOLISHED):
        return []
    label = BodyStatus(status).label
    message = (
        f"以已{label}的议事协调机构“{facts.ctx.body_name}”名义召开会议：请以承接其职能的单位或机构名义召开，"
        f"或并入其他会议。"
    )
    return [finding("BODY_ABOLISHED", "block", message)]


RULES = [meeting_too_long, onsite_when_video, meeting_mergeable, principal_attendance, body_abolished]
