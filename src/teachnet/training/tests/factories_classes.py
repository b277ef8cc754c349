"""Builders for the class and adjustment tests (TRN-6, TRN-7): learners and trainers enrolled in bulk."""

import itertools

from teachnet.accounts.models import User
from teachnet.accounts.tests.factories import persona
from teachnet.orgs.models import Region
from teachnet.training.models import Enrollment

_seq = itertools.count(1)


def enroll(project, subject, city: str, n: int, *, role=Enrollment.Role.LEARNER) -> list[Enrollment]:
    """n people of a city enrolled in the subject, straight into the tables (placement is under test)."""
    region = Region.objects.get(code=city)
    seqs = [next(_seq) for _ in range(n)]
    names = [f"c{city}-{role}-{i}" for i in seqs]
    people = [User(username=u, real_name=u, region=region) for u in names]
    for person, i in zip(people, seqs, strict=True):
        person.set_phone(f"137{i:08d}")
    User.objects.bulk_create(people)
    users = User.objects.filter(username__in=names).order_by("id")
    Enrollment.objects.bulk_create(
        [Enrollment(project=project, subject=subject, user=u, role=role, region=region) for u in users]
    )
    return list(Enrollment.objects.filter(user__in=users).order_by("id"))


def province_lead(project, code: str, username: str):
    return persona(username, "province_lead", region=Region.objects.get(code=code), project=project)
