"""Homework's figures for briefings (briefings.figures, registered in apps.py): the progress of each
assignment in a briefing's scope (GP 四.2: the expert team's and the tutors' briefings report how homework
went), and the pieces recommended as excellent (推荐优秀作业). Read only; the briefing keeps the table as
it was when inserted."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.briefings.figures import Scope, Table
from teachnet.training.models import TrainingClass

from .models import Assignment, Submission
from .selectors import assignment_classes, progress_by_class, progress_total

EXCELLENT_ROWS = 30  # a briefing's table, not the showcase: the newest first, the count says how many more


def _classes(scope: Scope):
    qs = TrainingClass.objects.filter(project=scope.project)
    if scope.training_class is not None:
        return qs.filter(pk=scope.training_class.pk)
    if scope.provider_subject is not None:
        return qs.filter(subject=scope.provider_subject.subject)
    return qs.filter(province=scope.province)


def _assignments(scope: Scope, class_ids: set[int]):
    """The assignments set for some class of the scope: for one of them, or for its whole subject."""
    subjects = TrainingClass.objects.filter(pk__in=class_ids).values("subject_id")
    return (
        Assignment.objects.filter(project=scope.project)
        .filter(Q(training_class_id__in=class_ids) | Q(training_class__isnull=True, subject_id__in=subjects))
        .select_related("provider_subject", "training_class__tutor", "subject")
        .order_by("deadline", "pk")
    )


def progress_table(scope: Scope) -> Table | None:
    """作业进度: per assignment, over the scope's classes: learners, submitted, graded, waiting for a grade,
    back for revision, late, recommended as excellent."""
    class_ids = set(_classes(scope).values_list("pk", flat=True))
    if not class_ids:
        return None
    by_subject = scope.kind == "provincial"
    rows = []
    for assignment in _assignments(scope, class_ids):
        classes = [c for c in assignment_classes(assignment=assignment) if c.pk in class_ids]
        if not classes:
            continue
        progress = progress_by_class(assignment=assignment, classes=classes)
        t = progress_total(progress)
        waiting = sum(r.ungraded for r in progress)
        awaiting = sum(r.awaiting_revision for r in progress)
        title = f"{assignment.subject.label} · {assignment.title}" if by_subject else assignment.title
        rows.append([
            title,
            timezone.localtime(assignment.deadline).strftime("%Y-%m-%d %H:%M"),
            t["members"],
            t["submitted"],
            t["graded"],
            waiting,
            awaiting,
            t["late"],
            t["recommended"],
        ])  # fmt: skip
    if not rows:
        return None
    return Table(
        columns=[
            _("作业"),
            _("截止时间"),
            _("学员"),
            _("已提交"),
            _("已批改"),
            _("待批改"),
            _("退回修改中"),
            _("迟交"),
            _("推荐优秀"),
        ],
        rows=rows,
        note=_("学员按作业所属班级的在读学员计；已提交含已批改与退回修改中的作业。"),
    )


def excellent_table(scope: Scope) -> Table | None:
    """优秀作业: the pieces recommended as excellent in the scope's classes, newest first."""
    class_ids = list(_classes(scope).values_list("pk", flat=True))
    if not class_ids:
        return None
    qs = (
        Submission.objects.filter(training_class_id__in=class_ids, recommended=True)
        .select_related("assignment", "learner", "training_class__tutor")
        .order_by("-recommended_at", "-pk")
    )
    total = qs.count()
    if not total:
        return None
    rows = [
        [
            s.assignment.title,
            s.learner.real_name or s.learner.username,
            s.training_class.name,
            s.training_class.tutor.real_name if s.training_class.tutor else "",
            "" if s.score is None else s.score,
        ]
        for s in qs[:EXCELLENT_ROWS]
    ]
    note = ""
    if total > EXCELLENT_ROWS:
        note = _("共 %(n)d 篇，表中列出最近推荐的 %(k)d 篇。") % {"n": total, "k": EXCELLENT_ROWS}
    return Table(columns=[_("作业"), _("学员"), _("班级"), _("辅导教师"), _("得分")], rows=rows, note=note)
