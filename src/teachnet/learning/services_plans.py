"""Writes around the study itself: plans for a class (organized learning), picks from the catalog
(self-directed learning, LRN-4), and the learning journal (LRN-5)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm
from teachnet.core.services import audit_record
from teachnet.courses.models import Course, Resource
from teachnet.courses.selectors import snapshot_resource, subject_opening
from teachnet.training.models import Enrollment, Project, TrainingClass

from .models import JournalEntry, Plan, PlanItem, SelfPick


def plan_resource_choices(*, training_class: TrainingClass) -> list[tuple[int, str]]:
    """The resources of the approved course of the class's subject, as (id, "module · title")."""
    course = (
        Course.objects.filter(
            provider_subject__subject=training_class.subject, approved_version__isnull=False
        )
        .select_related("approved_version")
        .first()
    )
    if course is None:
        return []
    return [
        (r["id"], f"{m['title']} · {r['title']}")
        for m in course.approved_version.snapshot["modules"]
        for r in m["resources"]
    ]


def _check_plan(actor, training_class: TrainingClass) -> None:
    if not can(actor=actor, perm=Perm.STUDY_PLAN_MANAGE, obj=training_class):
        raise PermissionDenied(_("只有本班辅导教师和省级负责人可以安排学习计划。"))


@transaction.atomic
def plan_create(*, actor, training_class: TrainingClass, title: str) -> Plan:
    _check_plan(actor, training_class)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写计划名称。")})
    plan = Plan.objects.create(training_class=training_class, title=title[:200], created_by=actor)
    audit_record(actor=actor, verb="learning.plan_created", target=training_class, data={"plan": plan.pk})
    return plan


@transaction.atomic
def plan_item_add(*, actor, plan: Plan, resource: int, due_on: dt.date) -> PlanItem:
    _check_plan(actor, plan.training_class)
    if resource not in dict(plan_resource_choices(training_class=plan.training_class)):
        raise ValidationError({"resource": _("只能安排本班学科已通过审核的课程资源。")})
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(plan=plan, resource_id=resource, due_on=due_on)
    except IntegrityError as exc:
        raise ValidationError({"resource": _("这项资源已在计划中。")}) from exc
    audit_record(
        actor=actor,
        verb="learning.plan_item_added",
        target=plan.training_class,
        data={"plan": plan.pk, "resource": resource},
    )
    return item


@transaction.atomic
def self_pick(*, learner, course: Course, resource_id: int) -> SelfPick:
    """A learner adds a resource of another subject's open, approved course of their project to study."""
    project_ids = Enrollment.objects.filter(
        user=learner, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
    ).values_list("project_id", flat=True)
    if course.approved_version_id is None or course.provider_subject.project_id not in set(project_ids):
        raise ValidationError(_("只能从您参加的项目中已通过审核的课程里选学。"))
    if not subject_opening(subject=course.provider_subject.subject, course=course).open:
        raise ValidationError(_("这门课程的培训尚未开放。"))
    if snapshot_resource(version=course.approved_version, resource_id=resource_id) is None:
        raise ValidationError(_("资源不在已通过的课程版本中。"))
    pick, _created = SelfPick.objects.get_or_create(
        learner=learner, resource=Resource.objects.get(pk=resource_id)
    )
    return pick


@transaction.atomic
def journal_write(
    *, learner, project: Project, title: str, body: str, resource: Resource | None = None
) -> JournalEntry:
    if not Enrollment.objects.filter(user=learner, project=project, role=Enrollment.Role.LEARNER).exists():
        raise ValidationError({"project": _("您没有参加这个项目。")})
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    if len(body) < 10:
        errors["body"] = _("请写下您的学习反思（至少 10 个字）。")
    if errors:
        raise ValidationError(errors)
    return JournalEntry.objects.create(
        learner=learner, project=project, title=title[:200], body=body, resource=resource
    )
