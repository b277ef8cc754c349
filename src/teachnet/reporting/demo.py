"""The reporting part of `teachnet demo`: the 19 subjects, quotas summing to the project's 100,000 places,
open reporting windows, and a sample trainee table for Guangzhou with the mistakes real admins make."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.core.identity import id_check_char
from teachnet.orgs.models import Region
from teachnet.training.catalog import GP2011_SUBJECTS, SubjectSpec
from teachnet.training.models import Project, Quota
from teachnet.training.services import subjects_ensure

from .columns import TRAINEE_COLUMNS
from .models import Kind, ReportingWindow, Submission

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


# --- Reporting under way: tables uploaded, submitted, returned and approved (REP-2 … REP-7) ---------------


@dataclass(frozen=True)
class TableSpec:
    """One table of the demo: where it comes from, how far it got, and why it was returned."""

    region: str  # a city (trainee table) or a province (trainer table)
    subject: str | None  # e.g. 初中英语; None for the province's trainer table
    outcome: str  # draft | submitted | rejected | approved
    rows: int = 60  # at most; a city's quota for the subject may be smaller
    reason: str = ""


# The board, the provincial lead's review queue, the office's queue and the accounts pages each have
# something on first login; Guangzhou 初中数学 stays open for the visitor's own upload of the sample table.
ACTIVITY = (
    TableSpec("440100", "初中英语", "approved"),
    TableSpec("440100", "初中语文", "submitted"),
    TableSpec("440100", "小学语文", "draft"),
    TableSpec("440300", "初中数学", "submitted"),
    TableSpec(
        "440300",
        "小学数学",
        "rejected",
        reason="多名学员的工作单位只写了简称（如“南山实验”），请按学校全称填写后重新上传。",
    ),
    TableSpec("440000", None, "submitted", rows=40),
    TableSpec("320100", "初中物理", "approved"),
    TableSpec("320100", "小学英语", "submitted"),
    TableSpec("320500", "初中数学", "rejected", reason="名单中有 3 人已调离本市，请删除后重新提交。"),
)


@dataclass
class ActivityResult:
    tables: dict[str, int] = field(default_factory=dict)  # state → tables, as they stand after the run
    people: int = 0
    accounts_created: int = 0


def _clean_table(*, path: Path, spec: TableSpec, project: Project, rng: random.Random, seen: set[str]) -> int:
    """A table as a careful admin sends it (every row passes the check); returns the rows written."""
    from openpyxl import Workbook

    from teachnet.orgs.models import Organization

    from .columns import TRAINER_COLUMNS

    region = Region.objects.get(code=spec.region)
    trainer = spec.subject is None
    if trainer:
        places = spec.rows
        areas = _cities(region)
        subjects = list(project.subjects.order_by("id"))
    else:
        subject = next(s for s in project.subjects.all() if s.label == spec.subject)
        quota = Quota.objects.filter(project=project, region=region, subject=subject).first()
        places = min(spec.rows, quota.places if quota else 0)
        areas = list(Region.objects.filter(parent=region, level=Region.Level.COUNTY).order_by("code"))
    schools = {
        a.code: list(
            Organization.objects.filter(region__code__startswith=a.code[:4] if trainer else a.code)
            .filter(type=Organization.Type.SCHOOL)
            .order_by("pk")
            .values_list("name", flat=True)[:6]
        )
        for a in areas
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("培训者信息表" if trainer else "学员信息表")
    ws.append(list(TRAINER_COLUMNS if trainer else TRAINEE_COLUMNS))
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华慧"
    written = 0
    while written < places:
        area = rng.choice(areas)
        female = rng.random() < 0.62
        seq = rng.randrange(0, 99) * 10 + rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
        born = f"{rng.randint(1968, 1994)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        first17 = f"{area.code}{born}{seq:03d}"
        id_card = first17 + id_check_char(first17)
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
        if id_card in seen or phone in seen:
            continue
        seen.update((id_card, phone))
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
        school = rng.choice(schools[area.code] or [f"{area.name}第{rng.randint(1, 9)}中学"])
        gender = "女" if female else "男"
        written += 1
        if trainer:
            s = rng.choice(subjects)
            kind = "教研员" if rng.random() < 0.45 else "一线教师"
            ws.append([written, name, gender, "汉族", id_card, phone, "", area.name, school, s.stage, s.name,
                       "高级教师", "", kind, ""])  # fmt: skip
        else:
            s = subject
            ws.append([written, name, gender, "汉族", id_card, phone, "", area.name, school, s.stage, s.name,
                       rng.choice(("一级教师", "高级教师", "二级教师")), "", ""])  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return written


def demo_reporting_activity_ensure(
    *, project: Project, lead_for: Callable[[str], User], folder: Path
) -> ActivityResult:
    """Each table of ACTIVITY taken through the real workflow: its city's (or province's) lead uploads and
    submits it, the provincial lead (the office, for the trainer table) returns or approves it, and an
    approved table opens its people's accounts. A table already past its draft is left as it is."""
    from .services import (
        roster_upload,
        submission_approve,
        submission_enroll,
        submission_open,
        submission_reject,
        submission_submit,
    )

    result = ActivityResult()
    rng = random.Random(SEED + 2)
    seen: set[str] = set()
    ids: list[int] = []
    for spec in ACTIVITY:
        region = Region.objects.get(code=spec.region)
        trainer = spec.subject is None
        subject = None if trainer else next(s for s in project.subjects.all() if s.label == spec.subject)
        uploader = lead_for(spec.region)
        reviewer = lead_for("000000" if trainer else spec.region[:2] + "0000")
        submission = submission_open(
            actor=uploader,
            project=project,
            kind=Kind.TRAINER if trainer else Kind.TRAINEE,
            region=region,
            subject=subject,
        )
        ids.append(submission.pk)
        if submission.state != Submission.State.DRAFT or submission.row_count:
            continue  # made by an earlier run, or by someone trying the demo
        name = (
            f"培训者信息表-{region.name}.xlsx" if trainer else f"学员信息表-{region.name}-{spec.subject}.xlsx"
        )
        path = folder / name
        _clean_table(path=path, spec=spec, project=project, rng=rng, seen=seen)
        uploaded = roster_upload(actor=uploader, submission=submission, path=path, source_name=name)
        if not uploaded.saved:
            first = uploaded.check.errors[0]
            raise RuntimeError(f"demo table {name} did not pass the check: row {first.row} {first.message}")
        result.people += uploaded.check.rows
        if spec.outcome == "draft":
            continue
        submission_submit(actor=uploader, submission=submission)
        if spec.outcome == "rejected":
            submission_reject(actor=reviewer, submission=submission, reason=spec.reason)
        elif spec.outcome == "approved":
            submission_approve(actor=reviewer, submission=submission)
            result.accounts_created += submission_enroll(submission=submission).accounts_created
    for state in Submission.objects.filter(pk__in=ids).values_list("state", flat=True):
        result.tables[state] = result.tables.get(state, 0) + 1
    return result
