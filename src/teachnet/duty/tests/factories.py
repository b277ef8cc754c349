"""The world of the duty and discussions tests: 北京师范大学 takes 初中体育 with a team of three experts with
accounts (the chief expert persona, 王老师, 李老师); 西南大学 takes 初中物理 with its own expert; two classes
of 初中体育 — Guangzhou's (the learner persona, two classmates, the tutor persona) and Shenzhen's (the
Shenzhen learner, another tutor) — in an open remote-training phase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from teachnet.accounts.tests.factories import persona
from teachnet.orgs.models import Organization, Region
from teachnet.training.models import (
    ClassMembership,
    Enrollment,
    ExpertTeamMember,
    Phase,
    ProviderSubject,
    TrainingClass,
)
from teachnet.training.tests.factories import other_provider, subjects_of

Role = ExpertTeamMember.Role


@dataclass
class World:
    project: object
    bnu: Organization
    swu: Organization
    ps: ProviderSubject  # 北京师范大学 · 初中体育
    swu_ps: ProviderSubject  # 西南大学 · 初中物理
    chief: object
    expert2: object
    expert3: object
    swu_expert: object
    swu_admin: object
    provider_admin: object
    tutor: object
    tutor2: object
    learner: object
    mates: list
    sz_learner: object
    gz_class: TrainingClass
    sz_class: TrainingClass
    office: object


def _enroll(project, subject, user, city: str, role=Enrollment.Role.LEARNER) -> Enrollment:
    return Enrollment.objects.create(project=project, subject=subject, user=user, role=role, region_id=city)


def build_world(
    *, project, orgs, chief_expert, provider_admin, tutor, learner, sz_learner, project_office
) -> World:
    subjects = subjects_of(project)
    pe, physics = subjects["初中体育"], subjects["初中物理"]
    bnu = orgs["bnu"]
    ps = ProviderSubject.objects.create(project=project, provider=bnu, subject=pe)
    swu = other_provider(project)
    swu_ps = ProviderSubject.objects.create(project=project, provider=swu, subject=physics)
    expert2 = persona("expert2", "subject_expert", organization=bnu, project=project, home_org=bnu)
    expert3 = persona("expert3", "subject_expert", organization=bnu, project=project, home_org=bnu)
    expert2.real_name, expert3.real_name = "王老师", "李老师"
    expert2.save(update_fields=["real_name"])
    expert3.save(update_fields=["real_name"])
    for user, role in ((chief_expert, Role.CHIEF_EXPERT), (expert2, Role.EXPERT), (expert3, Role.EXPERT)):
        ExpertTeamMember.objects.create(provider_subject=ps, user=user, name=user.real_name, role=role)
    swu_expert = persona("swu_expert", "subject_expert", organization=swu, project=project, home_org=swu)
    ExpertTeamMember.objects.create(
        provider_subject=swu_ps, user=swu_expert, name="西南专家", role=Role.EXPERT
    )
    swu_admin = persona("swu_admin", "provider_admin", organization=swu, project=project, home_org=swu)
    today = timezone.localdate()
    Phase.objects.create(
        project=project,
        kind=Phase.Kind.REMOTE_TRAINING,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=20),
    )
    gd = Region.objects.get(code="440000")
    gz_class = TrainingClass.objects.create(
        project=project, subject=pe, province=gd, name="广州初中体育1班", tutor=tutor
    )
    gz_class.cities.add(Region.objects.get(code="440100"))
    mates = [persona(f"mate{i}", "learner", organization=orgs["gz_school"], project=project) for i in (1, 2)]
    for user in (learner, *mates):
        ClassMembership.objects.create(
            training_class=gz_class, enrollment=_enroll(project, pe, user, "440100")
        )
    _enroll(project, pe, tutor, "440100", role=Enrollment.Role.TRAINER)
    tutor2 = persona("tutor2", "tutor", organization=bnu, project=project, home_org=bnu)
    sz_class = TrainingClass.objects.create(
        project=project, subject=pe, province=gd, name="深圳初中体育1班", tutor=tutor2
    )
    sz_class.cities.add(Region.objects.get(code="440300"))
    ClassMembership.objects.create(
        training_class=sz_class, enrollment=_enroll(project, pe, sz_learner, "440300")
    )
    return World(
        project=project,
        bnu=bnu,
        swu=swu,
        ps=ps,
        swu_ps=swu_ps,
        chief=chief_expert,
        expert2=expert2,
        expert3=expert3,
        swu_expert=swu_expert,
        swu_admin=swu_admin,
        provider_admin=provider_admin,
        tutor=tutor,
        tutor2=tutor2,
        learner=learner,
        mates=mates,
        sz_learner=sz_learner,
        gz_class=gz_class,
        sz_class=sz_class,
        office=project_office,
    )
