"""The training part of `teachnet demo`: the 19 subjects, the plan's phase dates (GP 六) and the providers'
subjects as the tender assigned them (GP 五.4); for the smaller 国培计划(2010), a few subjects, a calendar in
its remote training, and one class of learners with the demo tutor (TRN-6). Idempotent: a second run
changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from teachnet.accounts.roles import Role
from teachnet.accounts.services import roles_grant_bulk
from teachnet.orgs.models import Organization, Region

from .catalog import GP2011_SUBJECTS, JUNIOR, PRIMARY, SubjectSpec
from .models import ClassMembership, Enrollment, Phase, Project, ProviderSubject, Subject, TrainingClass
from .services import PROVIDER_TYPES, enrollments_add, provider_subject_assign, subjects_ensure
from .services_classes import classes_build

DEMO_SOURCE = "teachnet demo"

# GP 五.4: 通过邀标评审，确定……承担……学科的培训任务.
GP2011_PROVIDER_SUBJECTS: dict[str, tuple[str, ...]] = {
    "北京师范大学": ("小学体育", "初中体育"),
    "西南大学": ("初中物理",),
    "北京大学": ("小学语文", "初中语文", "初中化学"),
    "中国教育电视台": ("小学美术", "初中美术"),
    "高等教育出版社": ("初中地理",),
    "全国中小学教师继续教育网": ("小学数学", "初中数学", "初中历史", "初中生物"),
    "百年树人网": ("小学品德与生活", "初中思想品德", "小学音乐", "初中音乐"),
    "奥鹏远程教育中心": ("小学英语", "初中英语"),
}

# 国培计划(2010) in the demo: a few subjects, already in its remote training, so that there is something to
# study the moment the demo is up (2011 is in its reporting phase).
GP2010_SUBJECTS = (SubjectSpec(JUNIOR, "体育"), SubjectSpec(JUNIOR, "数学"), SubjectSpec(PRIMARY, "语文"))
GP2010_PROVIDER_SUBJECTS: dict[str, tuple[str, ...]] = {
    "北京师范大学": ("初中体育",),
    "全国中小学教师继续教育网": ("初中数学",),
    "北京大学": ("小学语文",),
}


def gp_phase_dates(year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """GP 六: information reported by 2月27日, resources reviewed by 2月20日, accounts handed out by 3月10日
    and adjusted until 3月22日, trainers trained in early March, remote training 3月26日–4月30日, summary
    5月2日–5月15日. Where the plan gives only a deadline, the phase starts on the 1st of the month."""

    def d(month: int, day: int) -> dt.date:
        return dt.date(year, month, day)

    return {
        Phase.Kind.REPORTING: (d(2, 1), d(2, 27)),
        Phase.Kind.RESOURCE_REVIEW: (d(2, 1), d(2, 20)),
        Phase.Kind.ACCOUNTS: (d(3, 1), d(3, 22)),
        Phase.Kind.TRAINER_TRAINING: (d(3, 1), d(3, 15)),
        Phase.Kind.REMOTE_TRAINING: (d(3, 26), d(4, 30)),
        Phase.Kind.SUMMARY: (d(5, 2), d(5, 15)),
    }


def _phases_ensure(project: Project, *, current: str = Phase.Kind.REPORTING, days_in: int = 3) -> int:
    if project.phases.exists():
        return 0  # dates someone set (or moved) are theirs: the demo fills them in once
    dates = gp_phase_dates(project.year)
    # The plan's calendar, moved so that today falls `days_in` days into the `current` phase: the demo is to
    # be tried, so the phase shown is under way (2011: reporting, a few days in, as the demo's reporting
    # windows are; 2010: remote training, with a week of study behind it), the earlier ones are done and
    # the later ones still ahead.
    shift = dt.date.today() - dt.timedelta(days=days_in) - dates[current][0]
    with transaction.atomic():
        for kind, (starts_on, ends_on) in dates.items():
            Phase.objects.create(
                project=project, kind=kind, starts_on=starts_on + shift, ends_on=ends_on + shift
            )
    return len(dates)


@transaction.atomic
def demo_training_ensure(
    *,
    project: Project,
    specs: tuple[SubjectSpec, ...] = GP2011_SUBJECTS,
    provider_subjects: dict[str, tuple[str, ...]] = GP2011_PROVIDER_SUBJECTS,
    current: str = Phase.Kind.REPORTING,
    days_in: int = 3,
) -> dict[str, int]:
    subjects = {s.label: s for s in subjects_ensure(project=project, specs=specs)}
    phases = _phases_ensure(project, current=current, days_in=days_in)
    before = ProviderSubject.objects.filter(project=project).count()
    missing = 0
    for name, labels in provider_subjects.items():
        provider = Organization.objects.filter(name=name, type__in=PROVIDER_TYPES).order_by("pk").first()
        if provider is None:
            missing += 1
            continue
        for label in labels:
            provider_subject_assign(actor=None, project=project, provider=provider, subject=subjects[label])
    return {
        "phases": phases,
        "provider_subjects": ProviderSubject.objects.filter(project=project).count() - before,
        "providers_missing": missing,
    }


def _city(region_code: str) -> str:
    return region_code[:4] + "00"


@transaction.atomic
def demo_class_ensure(*, actor, project: Project, subject: Subject, learners: list, tutor) -> TrainingClass:
    """One city's learners enrolled in a subject as an approved trainee table would enroll them (REP-4: the
    learner role for the project and an enrollment), placed in a class by classes_build (TRN-6), whose tutor
    is `tutor`, enrolled as the city's backbone trainer of the subject. Builds only while someone is
    unplaced, so a second run writes nothing (not even the build's event)."""
    city = _city(learners[0].region_id)
    enrollments_add(
        project=project,
        entries=[
            *((u.pk, subject.pk, Enrollment.Role.LEARNER, _city(u.region_id)) for u in learners),
            (tutor.pk, subject.pk, Enrollment.Role.TRAINER, city),
        ],
        source=DEMO_SOURCE,
    )
    roles_grant_bulk(
        grants=[(u.pk, Role.LEARNER, u.organization_id, u.region_id) for u in learners],
        project=project,
        granted_by=None,
    )
    enrolled = Enrollment.objects.filter(
        project=project, subject=subject, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
    )
    placed = ClassMembership.objects.filter(enrollment__in=enrolled).values("enrollment_id")
    if enrolled.exclude(pk__in=placed).exists():
        classes_build(
            actor=actor,
            project=project,
            subject=subject,
            province=Region.objects.get(code=city[:2] + "0000"),
        )
    return TrainingClass.objects.filter(project=project, subject=subject, tutor=tutor).order_by("pk").first()
