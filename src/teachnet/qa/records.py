"""Q&A attendance in the learner's study record (LRN-3): the sessions of their subject held so far, and their
time present in each room. Shown beside study hours, never added to them: GP counts 学时 from the course,
and no rule of the project turns attendance into credit."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core.text import duration
from teachnet.learning.records import ActivityRow, ActivitySection


def qa_section(enrollment) -> ActivitySection | None:
    from .models import QaAttendance, QaSession

    now = timezone.now()
    held = list(
        QaSession.objects.filter(
            provider_subject__project_id=enrollment.project_id,
            provider_subject__subject_id=enrollment.subject_id,
            cancelled_at__isnull=True,
            starts_at__lte=now,
        ).order_by("starts_at")
    )
    if not held:
        return None
    seconds = dict(
        QaAttendance.objects.filter(session__in=held, user_id=enrollment.user_id).values_list(
            "session_id", "seconds"
        )
    )
    attended = sum(1 for s in held if seconds.get(s.pk, 0) > 0)
    total = sum(seconds.values())
    rows = [
        ActivityRow(
            when=s.starts_at,
            what=s.title,
            detail=_("在线 %(time)s") % {"time": duration(seconds[s.pk])}
            if seconds.get(s.pk)
            else _("未参加"),
            url=reverse("qa:session", args=[s.pk]),
        )
        for s in held
    ]
    return ActivitySection(
        key="qa",
        title=_("专家答疑出勤"),
        summary=_("参加 %(attended)d / %(held)d 场专家答疑，在线共 %(time)s（不计入学时）。")
        % {"attended": attended, "held": len(held), "time": duration(total)},
        figures={"sessions_held": len(held), "sessions_attended": attended, "seconds": total},
        rows=rows,
    )
