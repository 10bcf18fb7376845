"""Who may do what in the channel — one module, used by the pages and the API.

| who                     | file | see reports                | see identity            | triage | answer      |
|-------------------------|------|----------------------------|-------------------------|--------|-------------|
| grassroots user         | yes  | own named/confidential     | own                     | no     | no          |
| department clerk / head | no   | assigned to own department | named only              | no     | own, open   |
| office reviewer         | no   | all                        | named and confidential  | yes    | no          |
| leader                  | no   | all (read only)            | named only              | no     | no          |
| anonymous reporter      | yes  | own, through receipt code  | —                       | no     | no          |

Nobody sees who filed an anonymous report: the database does not know.
"""

from django.db.models import Q

from jianfu.channel.models import BurdenReport, Identity, ReportStatus
from jianfu.org.models import Role


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_office(user) -> bool:
    return _authenticated(user) and user.has_role(Role.REVIEWER)


def is_leader(user) -> bool:
    return _authenticated(user) and user.has_role(Role.LEADER)


def is_department_staff(user) -> bool:
    return _authenticated(user) and user.unit_id is not None and user.has_role(Role.CLERK, Role.HEAD)


def can_file(user) -> bool:
    return _authenticated(user) and user.has_role(Role.GRASSROOTS) and user.unit_id is not None


def can_triage(user) -> bool:
    return is_office(user)


def can_view_stats(user) -> bool:
    return is_office(user) or is_leader(user)


def can_manage_points(user) -> bool:
    return is_office(user)


def visible_reports(user):
    """The reports a signed-in user may open."""
    qs = BurdenReport.objects.all()
    if not _authenticated(user):
        return qs.none()
    if is_office(user) or is_leader(user):
        return qs
    q = Q(pk__in=[])
    if is_department_staff(user):
        q |= Q(assigned_to_id=user.unit_id)
    # The reporter's own non-anonymous reports (the inbox).
    q |= Q(reporter_id=user.pk) & ~Q(identity=Identity.ANONYMOUS)
    return qs.filter(q)


def can_view_report(user, report: BurdenReport) -> bool:
    if not _authenticated(user):
        return False
    if is_office(user) or is_leader(user):
        return True
    if is_department_staff(user) and report.assigned_to_id == user.unit_id:
        return True
    return report.reporter_id is not None and report.reporter_id == user.pk


def can_see_identity(user, report: BurdenReport) -> bool:
    if report.identity == Identity.ANONYMOUS or report.reporter_id is None:
        return False
    if report.identity == Identity.CONFIDENTIAL:
        return is_office(user) or (_authenticated(user) and report.reporter_id == user.pk)
    return can_view_report(user, report)


def can_answer(user, report: BurdenReport) -> bool:
    return (
        is_department_staff(user) and report.assigned_to_id == user.unit_id and report.status == ReportStatus.ASSIGNED
    )


def can_give_feedback(user, report: BurdenReport) -> bool:
    """The named reporter in the inbox (anonymous ones use the receipt code)."""
    return (
        _authenticated(user)
        and report.reporter_id == user.pk
        and report.status in (ReportStatus.ANSWERED, ReportStatus.CLOSED)
    )


def reporter_label(user, report: BurdenReport) -> str:
    """What a viewer is shown in place of the reporter."""
    if report.identity == Identity.ANONYMOUS:
        return "匿名"
    if not can_see_identity(user, report):
        return "保密"
    person = report.reporter
    return str(person) if person else "（账号已删除）"
