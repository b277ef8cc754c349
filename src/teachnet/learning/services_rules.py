"""The project office sets how its project counts study time (the study policy) and the presence questions
of its bank (LRN-1, LRN-2). Sessions copy the figures they run by when they start (heartbeat, grace, idle end,
questions, caps), so a change to those applies to study sessions started after it; 学时 required and the
minutes per 学时 are how credited seconds convert, so every learner's 学时 follow them at once (the seconds
in the ledger never change)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teachnet.core.services import audit_record
from teachnet.core.text import one_line
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


def bound_problem(name: str, value) -> str | None:
    low, high = BOUNDS[name]
    if value is not None and not low <= value <= high:
        return _("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}
    return None


def policy_problems(values: dict) -> dict[str, str]:
    """What is wrong with a policy's figures, by field, in words the office can act on. How fields fit
    together is judged only between fields that are each within their bounds."""
    errors = {name: problem for name in BOUNDS if (problem := bound_problem(name, values.get(name)))}

    def ok(*names: str) -> bool:
        return all(values.get(n) is not None and n not in errors for n in names)

    beat, grace, idle = (values.get(k) for k in ("heartbeat_seconds", "grace_seconds", "idle_end_seconds"))
    if ok("heartbeat_seconds", "grace_seconds") and grace >= beat:
        errors["grace_seconds"] = _("应小于心跳间隔。")
    if ok("heartbeat_seconds", "grace_seconds", "idle_end_seconds") and idle <= beat + grace:
        errors["idle_end_seconds"] = _("应大于心跳间隔加宽限（%(s)s 秒），否则每次心跳都会被当作掉线。") % {
            "s": beat + grace
        }
    low, high = values.get("check_min_minutes"), values.get("check_max_minutes")
    if ok("check_min_minutes", "check_max_minutes"):
        if high < low:
            errors["check_max_minutes"] = _("不能小于最短间隔（%(m)s 分钟）。") % {"m": low}
        elif low == 0 and high:
            errors["check_max_minutes"] = _("最短间隔为 0（不弹出随机问题）时，最长间隔也应为 0。")
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
    changed = {n: [str(before[n]), str(merged[n])] for n in POLICY_FIELDS if before[n] != merged[n]}
    if changed or policy.pk is None:
        for name, value in values.items():
            setattr(policy, name, value)
        policy.save()
        audit_record(actor=actor, verb="learning.policy_saved", target=project, data={"changed": changed})
    return policy


def question_add(*, actor, project: Project, prompt: str, answer: str) -> Question:
    _check(actor, project)
    prompt, answer = one_line(prompt), one_line(answer)
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
