"""The learning app's figures for briefings (registered by apps.py): the study of the classes in a
briefing's scope, from learning.selectors.class_study_summaries (credited time and 学时)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from teachnet.core.text import duration
from teachnet.learning.selectors import ClassStudySummary, class_study_summaries
from teachnet.training.models import TrainingClass

from .figures import Scope, Table


def _classes(scope: Scope):
    qs = TrainingClass.objects.filter(project=scope.project).select_related("subject")
    if scope.training_class is not None:
        return qs.filter(pk=scope.training_class.pk)
    if scope.provider_subject is not None:
        return qs.filter(subject=scope.provider_subject.subject)
    return qs.filter(province=scope.province)


def _cells(name: str, s: ClassStudySummary) -> list:
    return [
        name,
        s.learners,
        s.started,
        f"{s.average_units:g}",
        s.reached,
        duration(s.seconds),
    ]


def study_table(scope: Scope) -> Table | None:
    """学习情况（学时）: per class of the scope, its learners, how many started, the average 学时, how many
    reached the required 学时, the credited online time; a total row when there are several classes."""
    classes = list(_classes(scope).order_by("subject_id", "name", "pk"))
    if not classes:
        return None
    summaries = class_study_summaries(project=scope.project, class_ids=[k.pk for k in classes])
    by_subject = scope.kind == "provincial"
    rows = [
        _cells(f"{k.subject.label} · {k.name}" if by_subject else k.name, summaries[k.pk]) for k in classes
    ]
    first = summaries[classes[0].pk]
    if len(classes) > 1:
        total = ClassStudySummary(
            learners=sum(s.learners for s in summaries.values()),
            started=sum(s.started for s in summaries.values()),
            seconds=sum(s.seconds for s in summaries.values()),
            reached=sum(s.reached for s in summaries.values()),
            minutes_per_unit=first.minutes_per_unit,
            required_units=first.required_units,
        )
        rows.append(_cells(_("合计"), total))
    return Table(
        columns=[
            _("班级"),
            _("学员"),
            _("已开始学习"),
            _("人均学时"),
            _("达到 %(n)d 学时") % {"n": first.required_units},
            _("累计上网学时"),
        ],
        rows=rows,
        note=_("1 学时 = %(m)d 分钟在线学习；应修 %(n)d 学时。人均学时按班级全部学员计。")
        % {"m": first.minutes_per_unit, "n": first.required_units},
    )
