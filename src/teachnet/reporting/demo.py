"""The reporting part of `teachnet demo`: the 19 subjects, quotas summing to the project's 100,000 places,
open reporting windows, and a sample trainee table for Guangzhou with the mistakes real admins make."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from teachnet.core.identity import id_check_char
from teachnet.orgs.models import Region
from teachnet.training.catalog import GP2011_SUBJECTS, SubjectSpec
from teachnet.training.models import Project, Quota
from teachnet.training.services import subjects_ensure

from .columns import TRAINEE_COLUMNS
from .models import Kind, ReportingWindow

SEED = 2011


def _cities(province: Region) -> list[Region]:
    return list(Region.objects.filter(parent=province, level=Region.Level.CITY).order_by("code"))


@transaction.atomic
def demo_reporting_ensure(*, project: Project) -> dict[str, int]:
    subjects = subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    created_quotas = 0
    if not Quota.objects.filter(project=project).exists():
        rng = random.Random(SEED)
        provinces = list(project.provinces.order_by("code"))
        per_province = project.target_headcount // max(len(provinces), 1)
        quotas = []
        for province in provinces:
            cities = _cities(province)
            weights = [rng.uniform(0.5, 2.0) for _ in cities]
            for city, weight in zip(cities, weights, strict=True):
                city_places = int(per_province * weight / sum(weights))
                per_subject = max(city_places // len(subjects), 1)
                spread = per_subject // 4
                quotas += [
                    Quota(project=project, region=city, subject=s,
                          places=max(per_subject + rng.randint(-spread, spread), 1))
                    for s in subjects
                ]  # fmt: skip
        # The sample table (Guangzhou 初中数学, demo_sample_roster) fits its quota, so trying it shows the
        # row errors rather than a quota overrun.
        for quota in quotas:
            if quota.region_id == "440100" and quota.subject.label == "初中数学":
                quota.places = max(quota.places, 150)
        Quota.objects.bulk_create(quotas)
        created_quotas = len(quotas)
    now = timezone.now()
    for kind in (Kind.TRAINEE, Kind.TRAINER):
        ReportingWindow.objects.get_or_create(
            project=project, kind=kind,
            defaults={"opens_at": now - dt.timedelta(days=3), "closes_at": now + dt.timedelta(days=30)},
        )  # fmt: skip
    return {"subjects": len(subjects), "quotas": created_quotas}


def demo_sample_roster(*, path: Path, rows: int = 120) -> Path:
    """A Guangzhou 初中数学 trainee table as a city admin might send it: mostly right, with a full-width
    digit here, a lower-case x there, a phone stored as a number, and a handful of real mistakes."""
    from openpyxl import Workbook

    rng = random.Random(SEED + 1)
    counties = list(Region.objects.filter(parent_id="440100").order_by("code"))
    spec = SubjectSpec("初中", "数学")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学员信息表")
    ws.append(list(TRAINEE_COLUMNS))
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂",
    )
    for n in range(1, rows + 1):
        county = counties[n % len(counties)]
        female = rng.random() < 0.6
        seq = rng.randrange(0, 99) * 10 + (
            rng.choice((0, 2, 4, 6, 8)) if female else rng.choice((1, 3, 5, 7, 9))
        )
        first17 = (
            f"{county.code}{rng.randint(1968, 1992)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{seq:03d}"
        )
        id_card = first17 + id_check_char(first17)
        phone: object = f"13{rng.randint(0, 999999999):09d}"
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
        county_cell = county.name if n % 3 else county.code
        if n == 7:
            id_card = id_card[:17] + ("0" if id_card[17] != "0" else "1")  # a wrong check digit
        if n == 12:
            phone = float(phone)  # typed as a number: 13912345678.0
        if n == 15:
            id_card = id_card.replace("X", "x") if "X" in id_card else " " + id_card + " "
        if n == 23:
            phone = "1391234567"  # one digit short
        if n == 31:
            county_cell = "南山区"  # a Shenzhen district in a Guangzhou table
        ws.append(
            [
                n,
                name,
                "女" if female else "男",
                "汉族",
                id_card,
                phone,
                "",
                county_cell,
                f"广州市{county.name}第{n % 5 + 1}中学",
                spec.stage,
                spec.name,
                "一级教师",
                "",
                "",
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
