"""Homework's section of a learner's study record (LRN-3, issue 11 deliverable 8): what they submitted, the
grade, whether late, how often returned, and what was recommended."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from teachnet.learning.records import ActivityRow, ActivitySection
from teachnet.training.models import ClassMembership

from .models import Assignment, Submission


def homework_section(enrollment) -> ActivitySection | None:
    membership = (
        ClassMembership.objects.filter(enrollment=enrollment).select_related("training_class").first()
    )
    if membership is None:
        return None
    klass = membership.training_class
    assignments = list(
        Assignment.objects.filter(
            Q(training_class=klass)
            | Q(provider_subject__project_id=klass.project_id, provider_subject__subject_id=klass.subject_id)
        ).order_by("deadline", "pk")
    )
    if not assignments:
        return None
    subs = {
        s.assignment_id: s
        for s in Submission.objects.filter(
            learner_id=enrollment.user_id, assignment__in=assignments
        ).annotate(returns=Count("versions"))
    }
    submitted = graded = late = returned = recommended = 0
    rows = []
    for a in assignments:
        s = subs.get(a.pk)
        parts = []
        if s is None or s.state == Submission.State.DRAFT:
            parts.append(_("草稿") if s else _("未提交"))
        else:
            submitted += 1
            parts.append(s.get_state_display())
            if s.state == Submission.State.GRADED and s.score is not None:
                graded += 1
                parts.append(_("%(s)d / %(m)d 分") % {"s": s.score, "m": a.max_points})
            if s.late:
                late += 1
                parts.append(_("迟交"))
            if s.recommended:
                recommended += 1
                parts.append(_("优秀作业"))
        if s is not None and s.returns:
            returned += 1
            parts.append(_("退回 %(n)d 次") % {"n": s.returns})
        rows.append(
            ActivityRow(
                when=s.submitted_at if s else None,
                what=a.title,
                detail=" · ".join(parts),
                url=reverse("homework:assignment", args=[a.pk]),
            )
        )
    return ActivitySection(
        key="homework",
        title=_("作业"),
        summary=_(
            "布置 %(a)d 份，已提交 %(s)d 份，已批改 %(g)d 份，迟交 %(l)d 份，被退回修改 %(r)d 份，"
            "推荐优秀 %(e)d 份。"
        )
        % {"a": len(assignments), "s": submitted, "g": graded, "l": late, "r": returned, "e": recommended},
        figures={
            "assignments": len(assignments),
            "submitted": submitted,
            "graded": graded,
            "late": late,
            "returned": returned,
            "recommended": recommended,
        },
        rows=rows,
    )
