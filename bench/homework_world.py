"""The world both homework benchmarks build in their scratch database: a project with 初中体育 taken by a
provider whose chief expert sets one assignment (a rubric of four criteria) for every class of the subject,
classes of `per_class` learners each with its tutor, and submissions written by the seeded generator
(teachnet.homework.textgen), straight into the tables in bulk (their writing is not what is measured).

Imported by bench/homework_similarity.py and bench/grading_page.py after django.setup().
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

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
- 良好 | 7 | 有两种评价
- 待改进 | 4 | 只有教师评价
安全与保护 | 安全措施落实
- 到位 | 10 | 场地器材检查、保护帮助分工明确
- 不足 | 4 | 安全措施笼统
"""
PROMPT = (
    "作业题目：结合本校实际，设计一节初中体育课的教学方案，说明教学目标、教学重难点、教学过程与评价方式。"
)


@dataclass
class HomeworkWorld:
    assignment_id: int
    class_ids: list[int]
    tutor_ids: list[int]
    expert_id: int
    submission_ids: list[int] = field(default_factory=list)
    planted: set[frozenset] = field(default_factory=set)  # pairs of submission ids planted as copies


def build(*, classes: int, per_class: int, texts: list[str], planted_pairs: list[tuple[int, int]] = ()):
    """`texts[i]` becomes the i-th learner's submission (classes filled in turn); `planted_pairs` are index
    pairs of texts that copy each other."""
    from django.utils import timezone

    from teachnet.accounts.models import RoleAssignment, User
    from teachnet.accounts.roles import Role
    from teachnet.core.richtext import clean_html, plain_text
    from teachnet.homework import services
    from teachnet.homework.models import Submission
    from teachnet.orgs.models import Organization, Region
    from teachnet.orgs.services import regions_load
    from teachnet.training.catalog import SubjectSpec
    from teachnet.training.models import (
        ClassMembership,
        Enrollment,
        ExpertTeamMember,
        Project,
        ProviderSubject,
        TrainingClass,
    )
    from teachnet.training.services import subjects_ensure

    regions_load()
    office = Organization.objects.create(name="项目办", type="project_office", region_id="110000")
    provider = Organization.objects.create(name="北京师范大学", type="university", region_id="110108")
    project = Project.objects.create(
        name="国培计划(2010)", short_name="国培计划(2010)", year=2010, office=office
    )
    gd = Region.objects.get(code="440000")
    project.provinces.add(gd)
    project.providers.add(provider)
    (subject,) = subjects_ensure(project=project, specs=[SubjectSpec("初中", "体育")])
    ps = ProviderSubject.objects.create(project=project, provider=provider, subject=subject)
    expert = User.objects.create(username="bench_expert", real_name="孙明远", organization=provider)
    RoleAssignment.objects.create(user=expert, role=Role.CHIEF_EXPERT, organization=provider, project=project)
    ExpertTeamMember.objects.create(provider_subject=ps, user=expert, name="孙明远", role="chief_expert")
    now = timezone.now()
    assignment = services.assignment_create(
        actor=expert,
        provider_subject=ps,
        title="作业一：体育课教学设计",
        prompt=PROMPT,
        deadline=now + dt.timedelta(days=3),
        rubric_text_value=RUBRIC,
    )
    tutors = User.objects.bulk_create(
        [
            User(username=f"bench_tutor{c}", real_name=f"辅导教师{c}", organization=provider)
            for c in range(classes)
        ]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=t, role=Role.TUTOR, organization=provider, project=project) for t in tutors]
    )
    klasses = TrainingClass.objects.bulk_create(
        [
            TrainingClass(project=project, subject=subject, province=gd, name=f"广州{c + 1}班", tutor=t)
            for c, t in enumerate(tutors)
        ]
    )
    n = classes * per_class
    rnd = random.Random(2010)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞"
    learners = User.objects.bulk_create(
        [
            User(
                username=f"bench_learner{i}",
                real_name=rnd.choice(surnames) + rnd.choice(given) + rnd.choice(given),
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(project=project, subject=subject, user=u, role="learner", region_id="440100")
            for u in learners
        ],
        batch_size=2000,
    )
    ClassMembership.objects.bulk_create(
        [
            ClassMembership(training_class=klasses[i // per_class], enrollment=e)
            for i, e in enumerate(enrollments)
        ],
        batch_size=2000,
    )
    rows = []
    for i, u in enumerate(learners[: len(texts)]):
        body = clean_html(texts[i])
        rows.append(
            Submission(
                assignment=assignment,
                learner=u,
                training_class=klasses[i // per_class],
                state=Submission.State.SUBMITTED,
                body=body,
                body_text=plain_text(body),
                submitted_at=now - dt.timedelta(minutes=n - i),
            )
        )
    subs = Submission.objects.bulk_create(rows, batch_size=1000)
    world = HomeworkWorld(
        assignment_id=assignment.pk,
        class_ids=[k.pk for k in klasses],
        tutor_ids=[t.pk for t in tutors],
        expert_id=expert.pk,
        submission_ids=[s.pk for s in subs],
    )
    world.planted = {frozenset((subs[a].pk, subs[b].pk)) for a, b in planted_pairs}
    return world
