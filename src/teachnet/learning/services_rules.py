"""The project office sets how its project counts study time (the study policy) and the presence questions
of its bank (LRN-1, LRN-2). Sessions copy the figures they run by when they start, so a change applies to
study sessions started after it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teachnet.core.services import audit_record
from teachnet.training.models import Project
from teachnet.training.services import may_manage_project

from .models import Question, StudyPolicy

POLICY_FIELDS = (
    "required_units",
    "minutes_per_unit",
    "daily_cap_minutes",
    "heartbeat_seconds",
    "grace_seconds",
    "idle_end_seconds",
    "activity_seconds",
    "check_min_minutes",
    "check_max_minutes",
    "check_answer_seconds",
    "max_playback_rate",
    "second_device",
)
# (lowest, highest) a project may set: beyond them the counting stops making sense.
BOUNDS = {
    "required_units": (1, 1000),
    "minutes_per_unit": (1, 240),
    "daily_cap_minutes": (10, 1440),
    "heartbeat_seconds": (5, 300),
    "grace_seconds": (0, 60),
    "idle_end_seconds": (10, 3600),
    "activity_seconds": (10, 3600),
    "check_min_minutes": (0, 240),
    "check_max_minutes": (0, 240),
    "check_answer_seconds": (10, 1800),
    "max_playback_rate": (Decimal("1.0"), Decimal("4.0")),
}
MAX_QUESTIONS = 500


def _check(actor, project: Project) -> None:
    if not may_manage_project(actor=actor, project=project):
        raise PermissionDenied(_("只有项目办可以设置学时规则。"))


def policy_problems(values: dict) -> dict[str, str]:
    """What is wrong with a policy's figures, by field, in words the office can act on."""
    errors: dict[str, str] = {}
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            errors[name] = _("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}
    beat, grace, idle = (values.get(k) for k in ("heartbeat_seconds", "grace_seconds", "idle_end_seconds"))
    if "idle_end_seconds" not in errors and None not in (beat, grace, idle) and idle <= beat + grace:
        errors["idle_end_seconds"] = _("应大于心跳间隔加宽限（%(s)s 秒），否则每次心跳都会被当作掉线。") % {
            "s": beat + grace
        }
    if "grace_seconds" not in errors and None not in (beat, grace) and grace >= beat:
        errors["grace_seconds"] = _("应小于心跳间隔。")
    low, high = values.get("check_min_minutes"), values.get("check_max_minutes")
    if "check_max_minutes" not in errors and None not in (low, high) and high < low:
        errors["check_max_minutes"] = _("不能小于最短间隔（%(m)s 分钟）。") % {"m": low}
    if values.get("check_min_minutes") == 0 and values.get("check_max_minutes"):
        errors.setdefault("check_max_minutes", _("最短间隔为 0（不弹出随机问题）时，最长间隔也应为 0。"))
    return errors


@transaction.atomic
def policy_save(*, actor, project: Project, **values) -> StudyPolicy:
    _check(actor, project)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"policy_save() got unexpected fields {sorted(unknown)}")
    policy = StudyPolicy.objects.select_for_update().filter(project=project).first() or StudyPolicy(
        project=project
    )
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    merged = {**before, **values}
    errors = policy_problems(merged)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    changed = {n: [str(before[n]), str(merged[n])] for n in POLICY_FIELDS if before[n] != merged[n]}
    audit_record(actor=actor, verb="learning.policy_saved", target=project, data={"changed": changed})
    return policy


def question_add(*, actor, project: Project, prompt: str, answer: str) -> Question:
    _check(actor, project)
    prompt, answer = (prompt or "").strip(), (answer or "").strip()
    errors = {}
    if not prompt:
        errors["prompt"] = _("请填写问题。")
    if not answer:
        errors["answer"] = _("请填写答案（学员须输入它才能继续计时）。")
    elif len(answer) > 60:
        errors["answer"] = _("答案最多 60 个字。")
    if len(prompt) > 200:
        errors["prompt"] = _("问题最多 200 个字。")
    if Question.objects.filter(project=project).count() >= MAX_QUESTIONS:
        errors["prompt"] = _("题库最多 %(n)s 题，请先删去一些。") % {"n": MAX_QUESTIONS}
    if errors:
        raise ValidationError(errors)
    question = Question.objects.create(project=project, prompt=prompt, answer=answer)
    audit_record(actor=actor, verb="learning.question_added", target=project, data={"question": question.pk})
    return question


def question_remove(*, actor, question: Question) -> None:
    _check(actor, question.project)
    data = {"question": question.pk, "prompt": question.prompt}
    project = question.project
    question.delete()
    audit_record(actor=actor, verb="learning.question_removed", target=project, data=data)
