"""The seeds' count for Q&A sessions as data (core.rules): GP 四.2(4) asks every subject for at least 3
sessions of expert tutoring and Q&A (专家辅导答疑), each at least 2 hours, the chief expert taking part.

A session counts once it has been held (its end has passed or a host ended it), lasted at least 2 hours and
had a chief expert of the team among its hosts; otherwise the page says why it does not. A cancelled session
is not counted and not mentioned; one still ahead is pending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teachnet.core.rules import Rule, Standing
from teachnet.training.models import ExpertTeamMember

MIN_SECONDS = 2 * 3600
RULE = Rule(
    key="qa.sessions_per_subject",
    label=gettext_lazy("每学科专家辅导答疑不少于 3 次，每次不少于 2 小时，首席专家参与"),
    minimum=3,
    source="GP 四.2(4)",
)

COUNTS, SHORT, NO_CHIEF, PENDING, CANCELLED = "counts", "short", "no_chief", "pending", "cancelled"


@dataclass
class Verdict:
    """Whether one session counts against the rule, and if not, why."""

    status: str  # COUNTS, PENDING, CANCELLED, or "not": see reasons
    reasons: list[str] = field(default_factory=list)  # SHORT, NO_CHIEF

    @property
    def counts(self) -> bool:
        return self.status == COUNTS

    @property
    def text(self) -> str:
        if self.status == COUNTS:
            return _("计入")
        if self.status == PENDING:
            return _("待举行") + (
                "（" + "，".join(reason_text(r) for r in self.reasons) + "）" if self.reasons else ""
            )
        if self.status == CANCELLED:
            return _("已取消")
        return _("不计入：") + "，".join(reason_text(r) for r in self.reasons)


def reason_text(reason: str) -> str:
    return {SHORT: _("不足 2 小时"), NO_CHIEF: _("首席专家未参与")}[reason]


def verdict(session, *, host_roles: list[str], now: dt.datetime | None = None) -> Verdict:
    """host_roles: the team roles of the session's hosts (the caller has them prefetched)."""
    now = now or timezone.now()
    reasons = []
    if (session.end_bound - session.starts_at).total_seconds() < MIN_SECONDS:
        reasons.append(SHORT)
    if ExpertTeamMember.Role.CHIEF_EXPERT not in host_roles:
        reasons.append(NO_CHIEF)
    if session.cancelled_at is not None:
        return Verdict(CANCELLED)
    if session.end_bound > now:
        return Verdict(PENDING, reasons)  # what would keep it from counting, said before it is held
    return Verdict(COUNTS if not reasons else "not", reasons)


def standing_for(provider_subject, sessions, *, now=None, url: str = "") -> Standing:
    """One provider subject's standing, from its sessions (hosts prefetched)."""
    verdicts = [verdict(s, host_roles=[h.role for h in s.hosts.all()], now=now) for s in sessions]
    short = sum(1 for v in verdicts if v.status == "not" and SHORT in v.reasons)
    no_chief = sum(1 for v in verdicts if v.status == "not" and NO_CHIEF in v.reasons)
    pending = sum(1 for v in verdicts if v.status == PENDING)
    notes = []
    if short:
        notes.append(_("%(n)d 次不足 2 小时") % {"n": short})
    if no_chief:
        notes.append(_("%(n)d 次首席专家未参与") % {"n": no_chief})
    if pending:
        notes.append(_("%(n)d 次待举行") % {"n": pending})
    return Standing(
        rule=RULE,
        unit=f"{provider_subject.subject.label} · {provider_subject.provider.name}",
        count=sum(1 for v in verdicts if v.counts),
        note="；".join(notes),
        url=url,
    )


def measure(project) -> list[Standing]:
    """Every provider subject of the project against the rule (core.rules' registry calls this)."""
    from django.db.models import Prefetch
    from django.urls import reverse

    from teachnet.training.models import ProviderSubject

    from .models import QaSession

    subjects = (
        ProviderSubject.objects.filter(project=project)
        .select_related("subject", "provider")
        .prefetch_related(
            Prefetch(
                "qa_sessions", queryset=QaSession.objects.prefetch_related("hosts").order_by("starts_at")
            )
        )
        .order_by("subject_id", "provider_id")
    )
    return [
        standing_for(ps, ps.qa_sessions.all(), url=reverse("qa:index") + f"?subject={ps.pk}")
        for ps in subjects
    ]
