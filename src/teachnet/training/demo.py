"""The training part of `teachnet demo`: the 19 subjects, the plan's phase dates (GP 六) and the providers'
subjects as the tender assigned them (GP 五.4). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from teachnet.orgs.models import Organization

from .catalog import GP2011_SUBJECTS
from .models import Phase, Project, ProviderSubject
from .services import PROVIDER_TYPES, provider_subject_assign, subjects_ensure

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


def _phases_ensure(project: Project) -> int:
    if project.phases.exists():
        return 0  # dates someone set (or moved) are theirs: the demo fills them in once
    dates = gp_phase_dates(project.year)
    # The plan's calendar, moved so that today falls in its reporting phase (a few days in, as the demo's
    # reporting windows are): the demo is to be tried, and every later phase is still ahead.
    shift = dt.date.today() - dt.timedelta(days=3) - dates[Phase.Kind.REPORTING][0]
    with transaction.atomic():
        for kind, (starts_on, ends_on) in dates.items():
            Phase.objects.create(
                project=project, kind=kind, starts_on=starts_on + shift, ends_on=ends_on + shift
            )
    return len(dates)


@transaction.atomic
def demo_training_ensure(*, project: Project) -> dict[str, int]:
    subjects = {s.label: s for s in subjects_ensure(project=project, specs=GP2011_SUBJECTS)}
    phases = _phases_ensure(project)
    before = ProviderSubject.objects.filter(project=project).count()
    missing = 0
    for name, labels in GP2011_PROVIDER_SUBJECTS.items():
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
