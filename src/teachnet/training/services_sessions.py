"""Backbone trainers' training (骨干培训者培训, TRN-5): a provider's sessions for one of its subjects, who
attended each, and how far each trainer is from the plan's requirements.

GP 三: "对骨干培训者进行30学时的培训 … 集中培训期间，组织学员不少于3学时的网上操作演练。集中培训结束后，
远程培训开始前，培训任务承担单位安排不少于1次的远程演练。" The drill is one of the steps of the 30-hour
concentrated training, so its hours count towards the 30 as well as towards its own 3; a rehearsal comes after
the concentrated training and counts only as a rehearsal.

Writes are the provider admin's (their own provider's subjects) or the project office's; each leaves an audit
event. The trainers of a provider's subject are the project's trainer enrollments of that subject (from the
approved trainer tables, REP-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import can, regions_in_scope, visible
from teachnet.accounts.roles import Perm
from teachnet.core.services import audit_record

from .models import Enrollment, Phase, Project, ProviderSubject
from .models_sessions import SessionAttendance, TrainerSession

Kind = TrainerSession.Kind

REQUIRED_CONCENTRATED_HOURS = Decimal(30)  # 集中培训 30 学时, the drill included
REQUIRED_DRILL_HOURS = Decimal(3)  # 不少于 3 学时的网上操作演练
REQUIRED_REHEARSALS = 1  # 不少于 1 次的远程演练
MAX_SESSION_HOURS = Decimal("999.9")  # what the column holds
_TENTH = Decimal("0.1")


# --- Who may do what ----------------------------------------------------------------------------------------


def may_manage_sessions(*, actor, provider_subject: ProviderSubject) -> bool:
    return can(actor=actor, perm=Perm.TRAINER_SESSION_MANAGE, obj=provider_subject)


def _check_manage(*, actor, provider_subject: ProviderSubject) -> None:
    if not may_manage_sessions(actor=actor, provider_subject=provider_subject):
        raise PermissionDenied(_("只有承担单位的管理员或项目办可以管理骨干培训者培训。"))


def trainers_of(*, provider_subject: ProviderSubject) -> QuerySet[Enrollment]:
    """The backbone trainers of the provider's subject (骨干培训者), by city and name."""
    return (
        Enrollment.objects.filter(
            project_id=provider_subject.project_id,
            subject_id=provider_subject.subject_id,
            role=Enrollment.Role.TRAINER,
        )
        .select_related("user", "region")
        .order_by("region_id", "user__real_name", "id")
    )


def trainer_list_visible(*, actor, provider_subject: ProviderSubject) -> QuerySet[Enrollment]:
    """The trainers the actor may see in the status: all of them for those who run the sessions (the
    provider, the project office), their own region's for a reader such as a provincial lead. The caller has
    already been let through to the provider's subject."""
    trainers = trainers_of(provider_subject=provider_subject)
    if may_manage_sessions(actor=actor, provider_subject=provider_subject):
        return trainers
    return trainers.filter(region__in=regions_in_scope(actor=actor, perm=Perm.TRAINER_SESSION_VIEW))


# --- Sessions -----------------------------------------------------------------------------------------------


def session_hours(*, starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """The clock hours between the two times, to a tenth of an hour."""
    seconds = Decimal(int((ends_at - starts_at).total_seconds()))
    return (seconds / 3600).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def check_session(
    *,
    provider_subject: ProviderSubject,
    kind: str,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    hours: Decimal | None,
) -> dict[str, list[str]]:
    """What is wrong with a session's fields, by field; empty when nothing is.

    Concentrated training and drills fall inside the project's trainer-training phase; a rehearsal may start
    with that phase and must end before the remote training starts (GP 三: 远程培训开始前). A phase the
    project has not dated yet constrains nothing.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if kind not in Kind.values:
        add("kind", _("请选择活动类型。"))
    if not (title or "").strip():
        add("title", _("请填写主题。"))
    if starts_at is None:
        add("starts_at", _("请填写开始时间。"))
    if ends_at is None:
        add("ends_at", _("请填写结束时间。"))
    if hours is not None and not Decimal(0) < hours <= MAX_SESSION_HOURS:
        add("hours", _("学时应大于 0 且不超过 %(max)s。") % {"max": MAX_SESSION_HOURS})
    if starts_at is None or ends_at is None:
        return errors
    if ends_at <= starts_at:
        add("ends_at", _("结束时间必须晚于开始时间。"))
        return errors
    if hours is None and session_hours(starts_at=starts_at, ends_at=ends_at) <= 0:
        add("hours", _("活动不足 0.1 学时，请填写学时。"))

    phases = {p.kind: p for p in Phase.objects.filter(project_id=provider_subject.project_id)}
    training = phases.get(Phase.Kind.TRAINER_TRAINING)
    remote = phases.get(Phase.Kind.REMOTE_TRAINING)
    first, last = _day(starts_at), _day(ends_at)
    if kind in (Kind.CONCENTRATED, Kind.DRILL) and training is not None:
        if first < training.starts_on or last > training.ends_on:
            add(
                "starts_at",
                _("%(kind)s须在骨干培训者集中培训阶段（%(start)s 至 %(end)s）内进行。")
                % {
                    "kind": Kind(kind).label,
                    "start": training.starts_on.isoformat(),
                    "end": training.ends_on.isoformat(),
                },
            )
    elif kind == Kind.REHEARSAL:
        if training is not None and first < training.starts_on:
            add(
                "starts_at",
                _("远程演练不能早于骨干培训者集中培训阶段开始（%(start)s）。")
                % {"start": training.starts_on.isoformat()},
            )
        if remote is not None and last >= remote.starts_on:
            add(
                "ends_at",
                _("远程演练须在远程培训开始（%(start)s）之前结束。")
                % {"start": remote.starts_on.isoformat()},
            )
        elif remote is None and training is not None and last > training.ends_on:
            add(
                "ends_at",
                _("远程培训阶段尚未设置，远程演练须在骨干培训者集中培训阶段结束（%(end)s）前进行。")
                % {"end": training.ends_on.isoformat()},
            )
    return errors


def _session_fields(
    *,
    provider_subject: ProviderSubject,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal | None,
    place: str,
) -> dict:
    errors = check_session(
        provider_subject=provider_subject,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours,
    )
    if errors:
        raise ValidationError(errors)
    if hours is None:
        hours = session_hours(starts_at=starts_at, ends_at=ends_at)
    return {
        "kind": kind,
        "title": title.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "hours": Decimal(hours).quantize(_TENTH, rounding=ROUND_HALF_UP),
        "place": (place or "").strip(),
    }


def _describe(session: TrainerSession) -> dict:
    return {
        "kind": session.kind,
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "hours": str(session.hours),
        "place": session.place,
    }


@transaction.atomic
def session_create(
    *,
    actor,
    provider_subject: ProviderSubject,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal | None = None,
    place: str = "",
) -> TrainerSession:
    """Schedule a session; without hours, the hours are the clock hours between its times."""
    _check_manage(actor=actor, provider_subject=provider_subject)
    fields = _session_fields(
        provider_subject=provider_subject,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours,
        place=place,
    )
    session = TrainerSession.objects.create(provider_subject=provider_subject, **fields)
    audit_record(actor=actor, verb="training.session_created", target=session, data=_describe(session))
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: TrainerSession,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal | None = None,
    place: str = "",
) -> TrainerSession:
    """Replace a session's fields (all of them: hours left out are computed from the times again)."""
    provider_subject = session.provider_subject
    _check_manage(actor=actor, provider_subject=provider_subject)
    fields = _session_fields(
        provider_subject=provider_subject,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours,
        place=place,
    )
    before = _describe(session)
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    after = _describe(session)
    if before != after:
        audit_record(
            actor=actor,
            verb="training.session_updated",
            target=session,
            data={"before": before, "after": after},
        )
    return session


@transaction.atomic
def session_delete(*, actor, session: TrainerSession) -> None:
    """Take a session off, with its attendance (the audit event keeps who had attended it)."""
    _check_manage(actor=actor, provider_subject=session.provider_subject)
    present = list(
        session.attendance.filter(present=True)
        .order_by("enrollment__user_id")
        .values_list("enrollment__user_id", flat=True)
    )
    audit_record(
        actor=actor,
        verb="training.session_deleted",
        target=session.provider_subject,
        data={"session": session.pk, **_describe(session), "present": present},
    )
    session.delete()


# --- Attendance ---------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_set(
    *, actor, session: TrainerSession, present_user_ids: Iterable[int], now: dt.datetime | None = None
) -> list[SessionAttendance]:
    """Save the attendance sheet: the trainers listed were present, every other trainer of the subject absent.

    Refused for a session that has not started yet, and for anyone who is not a trainer of the subject.
    """
    provider_subject = session.provider_subject
    _check_manage(actor=actor, provider_subject=provider_subject)
    now = now or timezone.now()
    if session.starts_at > now:
        raise ValidationError({"present": [_("活动尚未开始，不能登记出勤。")]})
    wanted = {int(i) for i in present_user_ids}
    trainers = list(trainers_of(provider_subject=provider_subject))
    by_user = {e.user_id: e for e in trainers}
    unknown = wanted - set(by_user)
    if unknown:
        raise ValidationError(
            {
                "present": [
                    _("以下账号不是本学科的骨干培训者：%(ids)s")
                    % {"ids": ", ".join(str(i) for i in sorted(unknown))}
                ]
            }
        )
    before = sorted(session.attendance.filter(present=True).values_list("enrollment__user_id", flat=True))
    SessionAttendance.objects.bulk_create(
        [
            SessionAttendance(session=session, enrollment=e, present=e.user_id in wanted, recorded_at=now)
            for e in trainers
        ],
        update_conflicts=True,
        unique_fields=["session", "enrollment"],
        update_fields=["present", "recorded_at"],
    )
    after = sorted(wanted)
    if before != after or not trainers:
        audit_record(
            actor=actor,
            verb="training.attendance_set",
            target=session,
            data={"before": before, "after": after, "trainers": len(trainers)},
        )
    return list(session.attendance.select_related("enrollment__user").order_by("enrollment_id"))


@dataclass
class SheetRow:
    enrollment: Enrollment
    present: bool | None  # None: not recorded yet


def attendance_sheet(
    *, session: TrainerSession, trainers: QuerySet[Enrollment] | None = None
) -> list[SheetRow]:
    """Every trainer of the subject (or those given) with their attendance at this session."""
    if trainers is None:
        trainers = trainers_of(provider_subject=session.provider_subject)
    marks = dict(session.attendance.values_list("enrollment_id", "present"))
    return [SheetRow(enrollment=e, present=marks.get(e.pk)) for e in trainers]


# --- Status against the plan --------------------------------------------------------------------------------


@dataclass
class TrainerStatus:
    """One trainer's attended hours and rehearsals against GP 三."""

    enrollment: Enrollment
    concentrated_hours: Decimal  # the concentrated sessions attended
    drill_hours: Decimal
    rehearsals: int
    rehearsal_held: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def training_hours(self) -> Decimal:
        """The hours towards the 30: the drill is part of the concentrated training."""
        return self.concentrated_hours + self.drill_hours

    @property
    def concentrated_ok(self) -> bool:
        return self.training_hours >= REQUIRED_CONCENTRATED_HOURS

    @property
    def drill_ok(self) -> bool:
        return self.drill_hours >= REQUIRED_DRILL_HOURS

    @property
    def rehearsal_ok(self) -> bool:
        return self.rehearsal_held and self.rehearsals >= REQUIRED_REHEARSALS

    @property
    def complete(self) -> bool:
        return self.concentrated_ok and self.drill_ok and self.rehearsal_ok


@dataclass
class SessionsSummary:
    """What the provider has held for the subject, per kind, and whether that can meet the plan at all."""

    sessions: dict[str, int]
    hours: dict[str, Decimal]
    trainers: int
    complete: int
    problems: list[str]

    @property
    def training_hours(self) -> Decimal:
        return self.hours[Kind.CONCENTRATED] + self.hours[Kind.DRILL]

    @property
    def concentrated_ok(self) -> bool:
        return self.training_hours >= REQUIRED_CONCENTRATED_HOURS

    @property
    def drill_ok(self) -> bool:
        return self.hours[Kind.DRILL] >= REQUIRED_DRILL_HOURS

    @property
    def rehearsal_ok(self) -> bool:
        return self.sessions[Kind.REHEARSAL] >= REQUIRED_REHEARSALS

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class TrainingStatus:
    provider_subject: ProviderSubject
    summary: SessionsSummary
    trainers: list[TrainerStatus]


def _hours(value) -> Decimal:
    return Decimal(value or 0).quantize(_TENTH)


def _trainer_reasons(s: TrainerStatus) -> list[str]:
    reasons = []
    if not s.concentrated_ok:
        reasons.append(
            _("集中培训（含操作演练）出勤 %(h)s 学时，应不少于 %(min)s 学时。")
            % {"h": s.training_hours, "min": REQUIRED_CONCENTRATED_HOURS}
        )
    if not s.drill_ok:
        reasons.append(
            _("网上操作演练出勤 %(h)s 学时，应不少于 %(min)s 学时。")
            % {"h": s.drill_hours, "min": REQUIRED_DRILL_HOURS}
        )
    if not s.rehearsal_held:
        reasons.append(_("承担单位尚未组织远程演练。"))
    elif not s.rehearsal_ok:
        reasons.append(_("未参加远程演练。"))
    return reasons


def _summary_problems(sessions: dict[str, int], hours: dict[str, Decimal]) -> list[str]:
    problems = []
    training = hours[Kind.CONCENTRATED] + hours[Kind.DRILL]
    if training < REQUIRED_CONCENTRATED_HOURS:
        problems.append(
            _("已安排集中培训（含操作演练）%(h)s 学时，应不少于 %(min)s 学时。")
            % {"h": training, "min": REQUIRED_CONCENTRATED_HOURS}
        )
    if hours[Kind.DRILL] < REQUIRED_DRILL_HOURS:
        problems.append(
            _("已安排网上操作演练 %(h)s 学时，应不少于 %(min)s 学时。")
            % {"h": hours[Kind.DRILL], "min": REQUIRED_DRILL_HOURS}
        )
    if sessions[Kind.REHEARSAL] < REQUIRED_REHEARSALS:
        problems.append(
            _("远程培训开始前应安排不少于 %(n)d 次远程演练，尚未安排。") % {"n": REQUIRED_REHEARSALS}
        )
    return problems


def trainer_training_status(
    *, provider_subject: ProviderSubject, trainers: QuerySet[Enrollment] | None = None
) -> TrainingStatus:
    """Per trainer of the subject (or of those given, e.g. one province's): the concentrated, drill and
    rehearsal requirements met or not, with the reasons; and the provider's subject as a whole. Three queries
    whatever the number of trainers."""
    if trainers is None:
        trainers = trainers_of(provider_subject=provider_subject)
    trainers = list(trainers)
    held = {
        row["kind"]: row
        for row in TrainerSession.objects.filter(provider_subject=provider_subject)
        .values("kind")
        .annotate(n=Count("id"), h=Sum("hours"))
    }
    sessions = {k: held.get(k, {}).get("n", 0) for k in Kind.values}
    hours = {k: _hours(held.get(k, {}).get("h")) for k in Kind.values}

    attended: dict[int, dict[str, tuple[Decimal, int]]] = {}
    for row in (
        SessionAttendance.objects.filter(
            session__provider_subject=provider_subject,
            present=True,
            enrollment_id__in=[e.pk for e in trainers],
        )
        .values("enrollment_id", "session__kind")
        .annotate(h=Sum("session__hours"), n=Count("id"))
    ):
        attended.setdefault(row["enrollment_id"], {})[row["session__kind"]] = (_hours(row["h"]), row["n"])

    rows = []
    for e in trainers:
        mine = attended.get(e.pk, {})
        status = TrainerStatus(
            enrollment=e,
            concentrated_hours=mine.get(Kind.CONCENTRATED, (_hours(0), 0))[0],
            drill_hours=mine.get(Kind.DRILL, (_hours(0), 0))[0],
            rehearsals=mine.get(Kind.REHEARSAL, (_hours(0), 0))[1],
            rehearsal_held=sessions[Kind.REHEARSAL] >= REQUIRED_REHEARSALS,
        )
        status.reasons = _trainer_reasons(status)
        rows.append(status)
    summary = SessionsSummary(
        sessions=sessions,
        hours=hours,
        trainers=len(rows),
        complete=sum(1 for r in rows if r.complete),
        problems=_summary_problems(sessions, hours),
    )
    return TrainingStatus(provider_subject=provider_subject, summary=summary, trainers=rows)


def session_list(*, provider_subject: ProviderSubject) -> QuerySet[TrainerSession]:
    """The provider's sessions for the subject, in time order, each with its count of trainers present (the
    caller has already been let through to the provider's subject)."""
    return (
        TrainerSession.objects.filter(provider_subject=provider_subject)
        .annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("starts_at", "id")
    )


def provider_subjects_for_sessions(*, actor, project: Project | None = None) -> QuerySet[ProviderSubject]:
    """The providers' subjects whose trainer training the actor may see."""
    qs = visible(
        actor=actor,
        model=ProviderSubject,
        perm=Perm.TRAINER_SESSION_VIEW,
        queryset=ProviderSubject.objects.select_related("project", "provider", "subject"),
    )
    if project is not None:
        qs = qs.filter(project=project)
    return qs.order_by("project_id", "subject_id", "provider__name")


def trainer_training_overview(*, actor, project: Project) -> list[TrainingStatus]:
    """Each provider's subject of the project the actor may see, with the status of the trainers the actor may
    see (a provincial lead: their province's)."""
    return [
        trainer_training_status(
            provider_subject=ps, trainers=trainer_list_visible(actor=actor, provider_subject=ps)
        )
        for ps in provider_subjects_for_sessions(actor=actor, project=project)
    ]
