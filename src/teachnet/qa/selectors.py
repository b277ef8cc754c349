"""Reads of Q&A sessions: who may do what in a room (the relations that no role scope expresses), the
sessions a person sees, the room's messages, attendance, and the section of the study record (LRN-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from teachnet.accounts.permissions import can, visible
from teachnet.training.models import Enrollment, ExpertTeamMember, ProviderSubject, TrainingClass

from .models import QaAttendance, QaMessage, QaSession, QaVote
from .permissions import QaPerm


class State:
    """Where a session stands: its room opens a while before the start, so questions can be collected."""

    CANCELLED = "cancelled"
    SCHEDULED = "scheduled"  # ahead, room not open yet
    OPEN = "open"  # ahead, room open for questions
    LIVE = "live"
    ENDED = "ended"  # held (archived or waiting for the archive step)


def opens_at(session: QaSession) -> dt.datetime:
    return session.starts_at - dt.timedelta(minutes=settings.QA_ROOM_OPENS_MINUTES_BEFORE)


def state(session: QaSession, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if session.cancelled_at is not None:
        return State.CANCELLED
    if session.ended_at is not None or session.archived_at is not None or now >= session.ends_at:
        return State.ENDED
    if now >= session.starts_at:
        return State.LIVE
    if now >= opens_at(session):
        return State.OPEN
    return State.SCHEDULED


def room_open(session: QaSession, now: dt.datetime | None = None) -> bool:
    return state(session, now) in (State.OPEN, State.LIVE)


# --- Who may do what ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    view: bool = False
    ask: bool = False  # enter the room, ask, upvote (a learner or tutor of the subject)
    host: bool = False  # answer, mark answered, end the session
    manage: bool = False  # change, cancel, choose hosts
    oversee: bool = False  # read by grant or team (the office, bureaus, the provider): attendance lists too

    @property
    def any(self) -> bool:
        return self.view or self.ask or self.host or self.manage


def _participant_pairs(user) -> set[tuple[int, int]]:
    """(project, subject) the person takes part in: enrolled (not withdrawn), or tutor of a class of it."""
    enrolled = Enrollment.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).values_list(
        "project_id", "subject_id"
    )
    tutored = TrainingClass.objects.filter(tutor_id=user.pk).values_list("project_id", "subject_id")
    return set(enrolled) | set(tutored)


def _participant_q(user, prefix: str = "provider_subject__") -> Q:
    q = Q(pk__in=[])
    for project_id, subject_id in _participant_pairs(user):
        q |= Q(**{f"{prefix}project_id": project_id, f"{prefix}subject_id": subject_id})
    return q


def is_participant(*, user, session: QaSession) -> bool:
    if not user.is_authenticated:
        return False
    ps = session.provider_subject
    return (
        Enrollment.objects.filter(
            user_id=user.pk, project_id=ps.project_id, subject_id=ps.subject_id, withdrawn_at__isnull=True
        ).exists()
        or TrainingClass.objects.filter(
            tutor_id=user.pk, project_id=ps.project_id, subject_id=ps.subject_id
        ).exists()
    )


def is_host(*, user, session: QaSession) -> bool:
    return user.is_authenticated and session.hosts.filter(user_id=user.pk).exists()


def access(*, user, session: QaSession) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access()
    manage = can(actor=user, perm=QaPerm.MANAGE, obj=session)
    view = manage or can(actor=user, perm=QaPerm.VIEW, obj=session)
    host = is_host(user=user, session=session)
    ask = is_participant(user=user, session=session)
    return Access(view=view or ask or host, ask=ask, host=host, manage=manage, oversee=view)


def session_access(*, actor, session_id, need: str = "view") -> tuple[QaSession, Access]:
    """The session and what the actor may do in it; 404 for "missing" and "not yours" alike (and for a
    need the actor does not meet: a learner's "manage" finds nothing)."""
    try:
        session = QaSession.objects.select_related(
            "provider_subject__project", "provider_subject__subject", "provider_subject__provider"
        ).get(pk=int(session_id))
    except (QaSession.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    granted = access(user=actor, session=session)
    if not getattr(granted, need):
        raise Http404
    return session, granted


def sessions_visible(*, actor) -> QuerySet[QaSession]:
    """Every session the actor may see: by their grants, their team, or their enrollment."""
    if not actor.is_authenticated or not actor.is_active:
        return QaSession.objects.none()
    seen = visible(actor=actor, model=QaSession, perm=QaPerm.VIEW)
    taking_part = QaSession.objects.filter(_participant_q(actor))
    return QaSession.objects.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=taking_part.values("pk")))


def provider_subjects_visible(*, actor) -> QuerySet[ProviderSubject]:
    """The provider subjects whose sessions (and standing) the actor sees, sessions or not."""
    if not actor.is_authenticated:
        return ProviderSubject.objects.none()
    seen = visible(actor=actor, model=ProviderSubject, perm=QaPerm.VIEW)
    team = ExpertTeamMember.objects.filter(user_id=actor.pk).values("provider_subject_id")
    pairs = _participant_q(actor, prefix="")
    return ProviderSubject.objects.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=team) | pairs)


def may_schedule(*, actor, provider_subject: ProviderSubject) -> bool:
    """Schedule sessions for a provider subject: the provider's admin and experts (QaPerm.MANAGE over it),
    or a member of its expert team with an account."""
    if not actor.is_authenticated:
        return False
    if (
        visible(actor=actor, model=ProviderSubject, perm=QaPerm.MANAGE)
        .filter(pk=provider_subject.pk)
        .exists()
    ):
        return True
    return provider_subject.members.filter(user_id=actor.pk).exists()


def schedulable_subjects(*, actor) -> QuerySet[ProviderSubject]:
    if not actor.is_authenticated:
        return ProviderSubject.objects.none()
    granted = visible(actor=actor, model=ProviderSubject, perm=QaPerm.MANAGE)
    team = ExpertTeamMember.objects.filter(user_id=actor.pk).values("provider_subject_id")
    return ProviderSubject.objects.filter(Q(pk__in=granted.values("pk")) | Q(pk__in=team))


# --- The room -----------------------------------------------------------------------------------------------


def messages(*, session: QaSession) -> QuerySet[QaMessage]:
    return session.messages.order_by("created_at", "id")


def my_votes(*, user, session: QaSession) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        QaVote.objects.filter(user_id=user.pk, message__session=session).values_list("message_id", flat=True)
    )


def transcript(*, session: QaSession) -> list[dict]:
    """The questions in the order asked, each with its answers: what the archive shows."""
    rows = list(messages(session=session))
    answers: dict[int, list[QaMessage]] = {}
    for m in rows:
        if m.kind == QaMessage.Kind.ANSWER:
            answers.setdefault(m.question_id, []).append(m)
    return [
        {"question": m, "answers": answers.get(m.pk, [])} for m in rows if m.kind == QaMessage.Kind.QUESTION
    ]


def attendance(*, session: QaSession) -> QuerySet[QaAttendance]:
    return session.attendance.select_related("user").order_by("-seconds", "user__real_name")


def figures(*, session: QaSession) -> dict[str, int]:
    qs = session.messages.filter(kind=QaMessage.Kind.QUESTION)
    return {
        "questions": qs.count(),
        "answered": qs.filter(answered_at__isnull=False).count(),
        "attendees": session.attendance.filter(seconds__gt=0).count(),
    }
