"""Builders for the homework tests: 北京师范大学's 初中数学 with the chief expert on its team, two Guangdong
classes of it (the `tutor` persona's 广州一班 with the `learner` persona, and another tutor's 深圳一班 with
`sz_learner`), and an assignment with a rubric of three criteria."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from teachnet.accounts.tests.factories import UserFactory, persona
from teachnet.orgs.models import Region
from teachnet.training.models import ClassMembership, Enrollment, ExpertTeamMember, TrainingClass
from teachnet.training.tests.factories import assign, subjects_of

from .. import services
from ..models import Assignment

DATA = Path(__file__).parent / "data"
PROMPT = (DATA / "prompt.txt").read_text(encoding="utf-8").strip()
ORIGINAL = (DATA / "original.txt").read_text(encoding="utf-8").strip()
HONEST1 = (DATA / "honest1.txt").read_text(encoding="utf-8").strip()
HONEST2 = (DATA / "honest2.txt").read_text(encoding="utf-8").strip()

RUBRIC = """教学目标 | 目标明确、具体、可检测
- 优秀 | 10 | 三维目标具体可测，符合学情
- 良好 | 7 | 目标明确但个别不可检测
- 待改进 | 3 | 目标笼统
教学过程 | 环节完整，练习密度合理
- 优秀 | 20 | 环节完整，层层递进
- 良好 | 14 | 环节完整
- 待改进 | 6 | 环节缺失
评价方式 | 多元评价
- 优秀 | 10 | 教师、同伴、自评结合
- 待改进 | 4 | 只有教师评价
"""


@dataclass
class World:
    ps: object
    class_a: TrainingClass
    class_b: TrainingClass
    tutor_b: object
    classmates_a: list = field(default_factory=list)
    classmates_b: list = field(default_factory=list)


def member(project, subject, klass, user, region="440100") -> Enrollment:
    e = Enrollment.objects.create(
        project=project, subject=subject, user=user, role=Enrollment.Role.LEARNER, region_id=region
    )
    ClassMembership.objects.create(training_class=klass, enrollment=e)
    return e


def world_build(*, project, orgs, chief_expert, tutor, learner, sz_learner, classmates: int = 3) -> World:
    ps = assign(project, orgs["bnu"], "初中数学")
    ExpertTeamMember.objects.create(
        provider_subject=ps, user=chief_expert, name="首席专家", role=ExpertTeamMember.Role.CHIEF_EXPERT
    )
    subject = subjects_of(project)["初中数学"]
    gd = Region.objects.get(code="440000")
    tutor_b = persona("tutor_b", "tutor", organization=orgs["bnu"], project=project, home_org=orgs["bnu"])
    class_a = TrainingClass.objects.create(
        project=project, subject=subject, province=gd, name="广州一班", tutor=tutor
    )
    class_b = TrainingClass.objects.create(
        project=project, subject=subject, province=gd, name="深圳一班", tutor=tutor_b
    )
    member(project, subject, class_a, learner)
    member(project, subject, class_b, sz_learner, region="440300")
    w = World(ps=ps, class_a=class_a, class_b=class_b, tutor_b=tutor_b)
    for i in range(classmates):
        u = UserFactory(username=f"gz{i}", real_name=f"广州学员{i}")
        member(project, subject, class_a, u)
        w.classmates_a.append(u)
        v = UserFactory(username=f"sz{i}", real_name=f"深圳学员{i}")
        member(project, subject, class_b, v, region="440300")
        w.classmates_b.append(v)
    return w


def assignment_make(w: World, chief_expert, *, days: int = 7, **kwargs) -> Assignment:
    fields = {
        "title": "教学设计：篮球行进间运球",
        "prompt": PROMPT,
        "deadline": timezone.now() + dt.timedelta(days=days),
        "rubric_text_value": RUBRIC,
    }
    fields.update(kwargs)
    return services.assignment_create(actor=chief_expert, provider_subject=w.ps, **fields)


ALL_TOP = {"c1": "l1", "c2": "l1", "c3": "l1"}  # 40 points


def submitted(user, assignment, text, *, now=None):
    forget(user)
    s = services.submission_for(actor=user, assignment=assignment)
    return services.submission_save(
        actor=user, submission=s, body=text, version=s.version, submit=True, now=now
    )


def forget(*users) -> None:
    """Reach is kept on the user object for a request; a test that changes relations asks again."""
    for u in users:
        u.__dict__.pop("_homework_reach", None)
