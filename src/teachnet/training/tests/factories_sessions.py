"""Builders for the trainer training tests (TRN-5): the plan's phase dates, trainers in Guangzhou, Shenzhen
and Beijing, sessions at fixed 2011 times."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from teachnet.accounts.tests.factories import UserFactory
from teachnet.orgs.models import Region
from teachnet.training.demo import gp_phase_dates
from teachnet.training.models import Enrollment, Phase
from teachnet.training.models_sessions import TrainerSession


def phases_ensure(project) -> None:
    """GP 六: trainers trained 2011-03-01 … 03-15, the remote training from 03-26."""
    for kind, (starts_on, ends_on) in gp_phase_dates(project.year).items():
        Phase.objects.create(project=project, kind=kind, starts_on=starts_on, ends_on=ends_on)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2011, month, day, hour, minute))


def trainer(project, subject, city_code: str, name: str) -> Enrollment:
    user = UserFactory(real_name=name)
    return Enrollment.objects.create(
        project=project,
        subject=subject,
        user=user,
        role=Enrollment.Role.TRAINER,
        region=Region.objects.get(code=city_code),
    )


def session(provider_subject, kind, day, *, hours, start_hour=8, title="") -> TrainerSession:
    """Straight into the table: for the status tests, where the sessions are given, not under test."""
    return TrainerSession.objects.create(
        provider_subject=provider_subject,
        kind=kind,
        title=title or f"{kind} {day}",
        starts_at=at(3, day, start_hour),
        ends_at=at(3, day, start_hour + 1),
        hours=Decimal(hours),
    )
