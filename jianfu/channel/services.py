"""Writes of the channel. Every change goes through here, atomically.

Anonymity rules enforced here (docs/channel.md lists them for users):
- an anonymous report stores no user, no IP, no user agent, and only the unit
  level the reporter chose among their own unit and its parents;
- its dates are days; no audit row and no log line is written when it is filed
  or when its reporter gives feedback through the receipt code;
- the receipt code is shown once and only its SHA-256 is stored.
Actions of the office and the departments are audited as usual: they name the
official who acted, never the reporter.
"""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jianfu.channel import attachments
from jianfu.channel.models import (
    AttachmentRole,
    BurdenReport,
    BurdenType,
    Identity,
    MonitoringPoint,
    PointSurvey,
    Relief,
    ReportAttachment,
    ReportStatus,
    ReportStep,
    StepKind,
)
from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item
from jianfu.org.models import GRASSROOTS_KINDS, Unit, UnitKind, User
from jianfu.org.services import record_audit

# No 0/O, 1/I/L: a code read aloud or copied from paper survives.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 20  # 20 × log2(31) ≈ 99 bits: guessing is hopeless, so a plain hash suffices
MAX_DESCRIPTION = 5000
MAX_SURVEY_HOURS = 744  # hours in a 31-day month


class ChannelError(ValueError):
    """A refused action; the message (Chinese) is shown to the user as is."""


# --------------------------------------------------------------------------- receipt codes


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_receipt(code: str) -> str:
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def find_by_receipt(code: str) -> BurdenReport | None:
    if len(normalise_receipt(code)) != RECEIPT_LENGTH:
        return None
    return BurdenReport.objects.filter(receipt_hash=hash_receipt(code)).first()


# --------------------------------------------------------------------------- helpers


def reporter_unit_choices(unit: Unit | None) -> list[Unit]:
    """The levels a reporter may name: their own unit and its grassroots-or-district parents."""
    if unit is None:
        return []
    chain = [unit, *unit.ancestors()]
    return [u for u in chain if u.kind in GRASSROOTS_KINDS or u.kind == UnitKind.DISTRICT]


def _add_step(report: BurdenReport, kind: str, *, on: dt.date, actor_unit: Unit | None = None, note: str = "") -> None:
    last = report.steps.aggregate(m=Max("seq"))["m"]
    ReportStep.objects.create(
        report=report, kind=kind, on=on, seq=(last or 0) + 1, actor_unit=actor_unit, note=note[:2000]
    )


def _locked(report: BurdenReport) -> BurdenReport:
    return BurdenReport.objects.select_for_update().get(pk=report.pk)


def _store_files(report: BurdenReport, cleaned, role: str, day: dt.date, written: list[str]) -> None:
    """Write the files; `written` collects their names so the caller removes them if the transaction fails."""
    for clean in cleaned:
        stored = attachments.write_file(clean, day)
        written.append(stored)
        ReportAttachment.objects.create(
            report=report,
            role=role,
            stored_name=stored,
            display_name=clean.display_name,
            content_type=clean.content_type,
            size=len(clean.data),
        )


def _report_audit(*, by: User | None, report: BurdenReport, action: str, summary: str = "", after=None) -> None:
    record_audit(
        actor=by,
        action=f"channel.{action}",
        target_type="channel.burdenreport",
        target_id=report.ref,
        summary=summary or report.ref,
        after=after,
    )


# --------------------------------------------------------------------------- filing


def file_report(
    *,
    identity: str,
    burden_type: str,
    description: str,
    by: User | None = None,
    point: MonitoringPoint | None = None,
    unit: Unit | None = None,
    department: Unit | None = None,
    item: Item | None = None,
    concerns_text: str = "",
    happened_on: dt.date | None = None,
    files=(),
) -> tuple[BurdenReport, str]:
    """File a burden report; returns it and the receipt code (shown once, never stored)."""
    cleaned = attachments.clean_uploads(files)  # raises before anything is written
    written: list[str] = []
    try:
        return _file_report(
            identity=identity,
            burden_type=burden_type,
            description=description,
            by=by,
            point=point,
            unit=unit,
            department=department,
            item=item,
            concerns_text=concerns_text,
            happened_on=happened_on,
            cleaned=cleaned,
            written=written,
        )
    except Exception:
        attachments.remove_files(written)
        raise


@transaction.atomic
def _file_report(
    *,
    identity,
    burden_type,
    description,
    by,
    point,
    unit,
    department,
    item,
    concerns_text,
    happened_on,
    cleaned,
    written,
) -> tuple[BurdenReport, str]:
    signed_in = by is not None and by.is_authenticated
    if identity not in Identity.values:
        raise ChannelError(f"身份方式“{identity}”无效，应为实名、保密或匿名之一。")
    if burden_type not in BurdenType.values:
        raise ChannelError(f"反映类型“{burden_type}”无效。")
    description = (description or "").strip()
    if not description:
        raise ChannelError("请写明具体情况：发生了什么、要求做什么。")
    if len(description) > MAX_DESCRIPTION:
        raise ChannelError(f"具体情况最多 {MAX_DESCRIPTION} 字，现为 {len(description)} 字。")
    if identity != Identity.ANONYMOUS and not signed_in:
        raise ChannelError("实名或保密反映须先登录；不登录只能匿名反映。")
    if point is not None and not point.is_active:
        raise ChannelError("该监测点已停用，请联系减负办。")
    home = point.unit if point is not None else (by.unit if signed_in else None)
    allowed = reporter_unit_choices(home)
    if unit is None:
        unit = allowed[0] if (allowed and identity != Identity.ANONYMOUS) else None
    if unit is not None and unit.pk not in {u.pk for u in allowed}:
        raise ChannelError(f"所选单位“{unit}”不是您所在单位或其上级，请重新选择。")
    if department is not None and department.kind not in (UnitKind.DEPARTMENT, UnitKind.OFFICE, UnitKind.DISTRICT):
        raise ChannelError(f"“{department}”不是区级部门，请从部门列表中选择或在“涉及事项”中写明。")
    today = timezone.localdate()
    if happened_on is not None and happened_on > today:
        raise ChannelError(f"发生日期 {happened_on:%Y-%m-%d} 晚于今天，请检查。")
    code = new_receipt_code()
    report = BurdenReport.objects.create(
        receipt_hash=hash_receipt(code),
        identity=identity,
        reporter=by if (signed_in and identity != Identity.ANONYMOUS) else None,
        unit=unit,
        burden_type=burden_type,
        description=description,
        department=department,
        item=item,
        concerns_text=(concerns_text or "").strip()[:300],
        happened_on=happened_on,
        received_on=today,
    )
    _add_step(report, StepKind.FILED, on=today)
    _store_files(report, cleaned, AttachmentRole.EVIDENCE, today, written)
    if identity == Identity.NAMED:
        # Only a named filing is audited: the other two must not tie a person or an instant to the report.
        _report_audit(
            by=by, report=report, action="report.file", summary=f"{report.ref} {report.get_burden_type_display()}"
        )
    return report, code


# --------------------------------------------------------------------------- triage


@transaction.atomic
def merge_reports(*, source: BurdenReport, target: BurdenReport, by: User, note: str = "") -> BurdenReport:
    source, target = _locked(source), _locked(target)
    if source.pk == target.pk:
        raise ChannelError("反映不能合并到自身。")
    if source.status not in (ReportStatus.NEW, ReportStatus.ASSIGNED):
        raise ChannelError(
            f"反映 {source.ref} 当前为“{source.get_status_display()}”，只有待分办或整改中的反映可以合并。"
        )
    if target.status == ReportStatus.MERGED:
        raise ChannelError(f"目标反映 {target.ref} 本身已被合并，请合并到 {target.merged_into.ref}。")
    today = timezone.localdate()
    source.status = ReportStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into"])
    office = by.unit
    _add_step(
        source,
        StepKind.MERGED,
        on=today,
        actor_unit=office,
        note=note or f"与反映 {target.ref} 为同一问题，合并办理，进展见该反映的答复。",
    )
    _add_step(target, StepKind.MERGED, on=today, actor_unit=office, note="另有一条相同问题的反映并入本件。")
    _report_audit(by=by, report=source, action="report.merge", after={"into": target.ref})
    return source


@transaction.atomic
def assign_report(*, report: BurdenReport, department: Unit, due_on: dt.date, by: User, note: str = "") -> BurdenReport:
    report = _locked(report)
    if report.status not in (ReportStatus.NEW, ReportStatus.ASSIGNED):
        raise ChannelError(f"反映 {report.ref} 当前为“{report.get_status_display()}”，不能交办。")
    if department is None or department.kind not in (UnitKind.DEPARTMENT, UnitKind.OFFICE):
        raise ChannelError("请选择承办的区直部门。")
    today = timezone.localdate()
    if due_on is None or due_on < today:
        raise ChannelError(f"整改期限 {due_on or '（空）'} 无效：不能早于今天。")
    report.status = ReportStatus.ASSIGNED
    report.assigned_to = department
    report.assigned_on = today
    report.due_on = due_on
    report.save(update_fields=["status", "assigned_to", "assigned_on", "due_on"])
    text = f"交{department}办理，{due_on:%Y年%m月%d日}前答复。" + (f"{note}" if note else "")
    _add_step(report, StepKind.ASSIGNED, on=today, actor_unit=by.unit, note=text)
    _report_audit(
        by=by, report=report, action="report.assign", after={"department": department.pk, "due_on": due_on.isoformat()}
    )
    return report


def answer_report(*, report: BurdenReport, by: User, answer: str, files=()) -> BurdenReport:
    """The department says what it changed, optionally with proof attached."""
    cleaned = attachments.clean_uploads(files)
    written: list[str] = []
    try:
        return _answer_report(report=report, by=by, answer=answer, cleaned=cleaned, written=written)
    except Exception:
        attachments.remove_files(written)
        raise


@transaction.atomic
def _answer_report(*, report: BurdenReport, by: User, answer: str, cleaned, written: list[str]) -> BurdenReport:
    report = _locked(report)
    if report.status != ReportStatus.ASSIGNED:
        raise ChannelError(f"反映 {report.ref} 当前为“{report.get_status_display()}”，不在整改中，不能答复。")
    if by.unit_id != report.assigned_to_id:
        raise ChannelError("只有承办部门可以答复。")
    answer = (answer or "").strip()
    if len(answer) < 5:
        raise ChannelError("请写明整改了什么（例如：已撤回通知、已停止要求拍照上传）。")
    today = timezone.localdate()
    report.status = ReportStatus.ANSWERED
    report.answer = answer[:MAX_DESCRIPTION]
    report.answered_on = today
    report.save(update_fields=["status", "answer", "answered_on"])
    _add_step(report, StepKind.ANSWERED, on=today, actor_unit=by.unit, note=report.answer)
    _store_files(report, cleaned, AttachmentRole.PROOF, today, written)
    _report_audit(by=by, report=report, action="report.answer")
    return report


@transaction.atomic
def verify_report(*, report: BurdenReport, by: User, accept: bool, note: str = "") -> BurdenReport:
    report = _locked(report)
    if report.status != ReportStatus.ANSWERED:
        raise ChannelError(f"反映 {report.ref} 当前为“{report.get_status_display()}”，部门尚未答复，不能核验。")
    today = timezone.localdate()
    if accept:
        report.status = ReportStatus.CLOSED
        report.resolved_on = today
        report.save(update_fields=["status", "resolved_on"])
        _add_step(report, StepKind.CLOSED, on=today, actor_unit=by.unit, note=note or "经核验，整改到位，予以办结。")
        _close_duplicates(report, by, today)
    else:
        if not note.strip():
            raise ChannelError("退回重办须写明理由，告诉部门还差什么。")
        report.status = ReportStatus.ASSIGNED
        report.save(update_fields=["status"])
        _add_step(report, StepKind.SENT_BACK, on=today, actor_unit=by.unit, note=note)
    _report_audit(by=by, report=report, action="report.close" if accept else "report.send_back", summary=note[:200])
    return report


@transaction.atomic
def reopen_report(*, report: BurdenReport, by: User, note: str) -> BurdenReport:
    """A closed report goes back to the department, typically because its reporter says
    the burden did not go away (“没有减轻”)."""
    report = _locked(report)
    if report.status != ReportStatus.CLOSED:
        raise ChannelError(f"反映 {report.ref} 当前为“{report.get_status_display()}”，只有已办结的反映可以重新交办。")
    if not (note or "").strip():
        raise ChannelError("重新交办须写明理由（例如：反映人评价负担没有减轻）。")
    today = timezone.localdate()
    report.status = ReportStatus.ASSIGNED
    report.resolved_on = None
    if report.due_on is None or report.due_on < today:
        report.due_on = today + dt.timedelta(days=10)
    report.save(update_fields=["status", "resolved_on", "due_on"])
    _add_step(
        report,
        StepKind.SENT_BACK,
        on=today,
        actor_unit=by.unit,
        note=f"重新交办，{report.due_on:%Y年%m月%d日}前答复。{note}",
    )
    _report_audit(by=by, report=report, action="report.reopen", summary=note[:200])
    return report


def _close_duplicates(report: BurdenReport, by: User, today: dt.date) -> None:
    """Reporters of merged duplicates follow the target: tell them it is closed too."""
    for dup in report.duplicates.all():
        _add_step(
            dup,
            StepKind.CLOSED,
            on=today,
            actor_unit=by.unit,
            note=f"合并办理的反映 {report.ref} 已办结：{report.answer}",
        )


def record_feedback(*, report: BurdenReport, relief: str, comment: str = "", by: User | None = None) -> BurdenReport:
    """The reporter says whether the burden really went away (receipt code or inbox)."""
    with transaction.atomic():
        report = _locked(report)
        if report.status not in (ReportStatus.ANSWERED, ReportStatus.CLOSED):
            raise ChannelError("部门答复之后才能评价整改效果。")
        if relief not in Relief.values:
            raise ChannelError(f"评价“{relief}”无效，应为：确已减轻、部分减轻或没有减轻。")
        report.relief = relief
        report.relief_comment = (comment or "").strip()[:500]
        report.save(update_fields=["relief", "relief_comment"])
        note = Relief(relief).label + (f"：{report.relief_comment}" if report.relief_comment else "")
        _add_step(report, StepKind.FEEDBACK, on=timezone.localdate(), note=note)
        if report.identity == Identity.NAMED and by is not None:
            _report_audit(by=by, report=report, action="report.feedback", summary=note[:200])
        return report


# --------------------------------------------------------------------------- report → ledger


ITEM_KIND_FOR_TYPE = {
    BurdenType.WHITE_HEAD: Kind.DOCUMENT,
    BurdenType.NOTE: Kind.DOCUMENT,
    BurdenType.MINUTES: Kind.DOCUMENT,
    BurdenType.GROUP_NOTICE: Kind.APP,
    BurdenType.CHECKIN: Kind.APP,
    BurdenType.PHOTO_QUOTA: Kind.APP,
    BurdenType.INSPECTION_MATERIALS: Kind.INSPECTION,
    BurdenType.DISGUISED_INSPECTION: Kind.INSPECTION,
    BurdenType.UNAPPROVED_FORM: Kind.DATA_REQUEST,
    BurdenType.OTHER: Kind.DOCUMENT,
}


def _gate_review(item: Item) -> str:
    """Run the gate on the new item; the gate being unfinished or refusing must not lose the item."""
    try:
        from jianfu.gate.service import review_item
        from jianfu.ledger.services import store_review
    except ImportError:
        return "前置审核模块不可用，未审核。"
    try:
        with transaction.atomic():
            review = review_item(item)
            store_review(item=item, review=review, trigger="channel")
    except Exception as exc:  # noqa: BLE001 - a gate failure is reported on the step, the item stays
        return f"前置审核未能完成：{exc}"
    return f"前置审核结论：{review['verdict']}。"


@transaction.atomic
def turn_into_item(
    *,
    report: BurdenReport,
    by: User,
    kind: str | None = None,
    title: str = "",
    issuer: Unit | None = None,
    extra: dict[str, Any] | None = None,
) -> Item:
    """One action: the unregistered burden the report revealed becomes a ledger item."""
    from jianfu.ledger.services import create_item

    report = _locked(report)
    if report.found_item_id:
        raise ChannelError(f"反映 {report.ref} 已纳入台账（事项 #{report.found_item_id}）。")
    if report.status == ReportStatus.MERGED:
        raise ChannelError("已合并的反映请在被合并的反映上纳入台账。")
    kind = kind or ITEM_KIND_FOR_TYPE.get(report.burden_type, Kind.DOCUMENT)
    if kind not in Kind.values:
        raise ChannelError(f"事项类型“{kind}”无效。")
    issuer = issuer or report.assigned_to or report.department
    if issuer is None:
        raise ChannelError("请先指明发起部门（交办或选择涉及部门）再纳入台账。")
    title = (title or "").strip() or f"{report.get_burden_type_display()}（基层反映 {report.ref}）"
    day = report.happened_on or report.received_on
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title[:300],
        "body": report.description,
        "issuer": issuer,
        "date": day,
        "year": day.year,
        "justification": f"经基层反映（{report.ref}）发现的未经准入事项，由减负办补录台账。",
    }
    if kind == Kind.APP:
        fields.setdefault("platform", "wechat_group")
    if kind == Kind.DATA_REQUEST:
        fields.setdefault("frequency", "once")
    fields.update(extra or {})
    targets = [report.unit] if report.unit is not None and report.unit.is_grassroots else []
    try:
        item = create_item(by=by, targets=targets, status=Status.ISSUED, **fields)
    except (ValueError, TypeError) as exc:
        raise ChannelError(f"纳入台账失败：{exc}") from exc
    gate_note = _gate_review(item)
    today = timezone.localdate()
    report.found_item = item
    report.found_on = today
    report.save(update_fields=["found_item", "found_on"])
    _add_step(
        report,
        StepKind.ITEM_FOUND,
        on=today,
        actor_unit=by.unit,
        note=f"已作为台账事项“{item.title}”登记，纳入负担统计。{gate_note}",
    )
    _report_audit(by=by, report=report, action="report.to_item", after={"item": item.pk})
    return item


# --------------------------------------------------------------------------- monitoring points


@transaction.atomic
def create_point(*, unit: Unit, by: User, since: dt.date | None = None, note: str = "") -> MonitoringPoint:
    if not unit.is_grassroots:
        raise ChannelError(f"“{unit}”不是基层单位，不能设为监测点。")
    if MonitoringPoint.objects.filter(unit=unit).exists():
        raise ChannelError(f"“{unit}”已是监测点。")
    point = MonitoringPoint.objects.create(
        unit=unit, since=since or timezone.localdate(), note=note[:200], link_token=secrets.token_urlsafe(24)
    )
    record_audit(actor=by, action="channel.point.create", target=point, summary=str(unit))
    return point


@transaction.atomic
def rotate_point_link(*, point: MonitoringPoint, by: User) -> MonitoringPoint:
    point.link_token = secrets.token_urlsafe(24)
    point.save(update_fields=["link_token"])
    record_audit(actor=by, action="channel.point.rotate_link", target=point, summary=str(point.unit))
    return point


@transaction.atomic
def set_point_active(*, point: MonitoringPoint, by: User, active: bool) -> MonitoringPoint:
    point.is_active = active
    point.save(update_fields=["is_active"])
    record_audit(actor=by, action="channel.point.activate" if active else "channel.point.deactivate", target=point)
    return point


def point_by_token(token: str) -> MonitoringPoint | None:
    if not token or len(token) < 16:
        return None
    return MonitoringPoint.objects.select_related("unit").filter(link_token=token, is_active=True).first()


SURVEY_FIELDS = {
    "hours_forms": "填表报数",
    "hours_meetings": "开会",
    "hours_inspections": "迎检督查",
    "hours_apps": "政务APP与工作群",
}


@transaction.atomic
def submit_survey(
    *, point: MonitoringPoint, month: dt.date, hours: dict[str, Any], comments: str = "", by: User | None = None
) -> PointSurvey:
    """A point's monthly survey; submitting the same month again replaces it."""
    if not point.is_active:
        raise ChannelError("该监测点已停用。")
    month = month.replace(day=1)
    today = timezone.localdate()
    if month > today:
        raise ChannelError(f"不能填报未来的月份（{month:%Y年%m月}）。")
    values: dict[str, float] = {}
    for key, label in SURVEY_FIELDS.items():
        raw = hours.get(key, 0)
        try:
            value = float(raw if raw not in (None, "") else 0)
        except (TypeError, ValueError):
            raise ChannelError(f"“{label}”的小时数“{raw}”不是数字。") from None
        if not 0 <= value <= MAX_SURVEY_HOURS:
            raise ChannelError(f"“{label}”的小时数 {raw} 超出范围（0–{MAX_SURVEY_HOURS}）。")
        values[key] = round(value, 1)
    survey, created = PointSurvey.objects.update_or_create(
        point=point,
        month=month,
        defaults={**values, "comments": (comments or "").strip()[:2000], "submitted_on": today},
    )
    record_audit(
        actor=by,
        action="channel.survey.submit" if created else "channel.survey.replace",
        target=survey,
        summary=f"{point.unit} {month:%Y-%m}",
        after=values,
    )
    return survey
