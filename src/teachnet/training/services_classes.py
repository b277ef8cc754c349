"""Writes for training classes (TRN-6) and user adjustments (TRN-7).

Classes are built per province and subject from the approved learners: a city's learners stay together, a big
city is split into near-equal classes, a city with less than half a class joins its neighbour (the next city
by division code), and each class gets a tutor from the province's backbone trainers. Building again after
late approvals only places the newcomers; a placed learner is moved only by hand, with a reason.

Adjustments (replace, withdraw) are open to the city lead until the accounts phase ends (GP 六.3), then to
the provincial lead only, with a reason. Each move and each adjustment is an event row.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from teachnet.accounts.models import User
from teachnet.accounts.permissions import can, grants_for
from teachnet.accounts.roles import Perm, Role
from teachnet.accounts.services import (
    ReportedPerson,
    accounts_match_or_create,
    activation_codes_issue,
    code_format,
    roles_grant_bulk,
)
from teachnet.core import freshness, protect
from teachnet.core.services import audit_record
from teachnet.orgs.models import Organization, Region
from teachnet.orgs.services import organizations_ensure
from teachnet.reporting.columns import TRAINEE_COLUMNS
from teachnet.reporting.roster_check import roster_check

from .models import (
    Adjustment,
    ClassMembership,
    ClassMove,
    Enrollment,
    Phase,
    Project,
    Subject,
    TrainingClass,
)

CLASS_SIZE = 100


def holds_in_region(*, actor, perm: Perm, region: Region, project: Project) -> bool:
    """Does the actor hold perm over a region scope containing `region`, for this project?"""
    if actor.is_superuser:
        return True
    return any(
        perm in g.perms
        and g.prefix is not None
        and region.code.startswith(g.prefix)
        and g.project_id in (None, project.pk)
        for g in grants_for(actor)
    )


# --- Building classes (TRN-6) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildSummary:
    learners: int  # active learners of the province and subject
    placed: int  # placed by this run
    placed_in_existing: int  # of which into classes that already existed
    classes_created: int
    classes_total: int
    tutors_assigned: int
    classes_without_tutor: int

    def as_dict(self) -> dict:
        return asdict(self)


def may_build_classes(*, actor, project: Project, province: Region) -> bool:
    return holds_in_region(actor=actor, perm=Perm.CLASS_MANAGE, region=province, project=project)


def _groups(counts: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Cities (code, learners) in code order → groups of cities, each to be split into classes.

    A city with less than half a class joins the next city by code (the last one joins the one before), again
    until no group is that small or only one is left: deterministic, the same input gives the same classes.
    """
    groups = [([code], n) for code, n in counts if n > 0]
    while len(groups) > 1:
        small = next((i for i, (_, n) in enumerate(groups) if n * 2 < size), None)
        if small is None:
            break
        other = small + 1 if small + 1 < len(groups) else small - 1
        a, b = sorted((small, other))
        groups[a] = (groups[a][0] + groups[b][0], groups[a][1] + groups[b][1])
        del groups[b]
    return [codes for codes, _ in groups]


def _split(items: list, parts: int) -> list[list]:
    """Near-equal consecutive parts: 250 in 3 → 84, 83, 83."""
    q, r = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + q + (1 if i < r else 0)
        out.append(items[start:end])
        start = end
    return out


def _class_name(*, project: Project, subject: Subject, cities: list[Region]) -> str:
    stem = "、".join(c.name for c in cities) + subject.label
    taken = set(
        TrainingClass.objects.filter(project=project, subject=subject, name__startswith=stem).values_list(
            "name", flat=True
        )
    )
    n = 1
    while f"{stem}{n}班" in taken:
        n += 1
    return f"{stem}{n}班"


def _cities_refresh(klass: TrainingClass) -> None:
    """The class's cities are those of its members: what a city lead's scope reaches it through."""
    codes = set(
        ClassMembership.objects.filter(training_class=klass).values_list("enrollment__region_id", flat=True)
    )
    klass.cities.set(list(codes))


def _active_learners(*, project: Project, subject: Subject, province: Region):
    return Enrollment.objects.filter(
        project=project,
        subject=subject,
        role=Enrollment.Role.LEARNER,
        withdrawn_at__isnull=True,
        region__code__startswith=province.code[:2],
    )


@transaction.atomic
def classes_build(
    *, actor, project: Project, subject: Subject, province: Region, size: int = CLASS_SIZE
) -> BuildSummary:
    """Place the province's unplaced learners of the subject into classes and give each class a tutor."""
    if not may_build_classes(actor=actor, project=project, province=province):
        raise PermissionDenied(_("只有本省项目负责人或项目办可以组建班级。"))
    if subject.project_id != project.pk:
        raise ValidationError({"subject": _("该学科不属于本项目。")})
    if province.level != Region.Level.PROVINCE or not project.provinces.filter(pk=province.pk).exists():
        raise ValidationError({"province": _("该省份未参加本项目。")})
    if size < 2:
        raise ValidationError({"size": _("每班人数至少为 2。")})
    # One build at a time per project: two concurrent runs would both see the same learners as unplaced.
    Project.objects.select_for_update().filter(pk=project.pk).first()

    learners = _active_learners(project=project, subject=subject, province=province)
    placed_ids = set(
        ClassMembership.objects.filter(enrollment__in=learners).values_list("enrollment_id", flat=True)
    )
    waiting: dict[str, list[int]] = defaultdict(list)
    for pk, city in learners.order_by("region_id", "id").values_list("pk", "region_id"):
        if pk not in placed_ids:
            waiting[city].append(pk)

    classes = list(
        TrainingClass.objects.filter(project=project, subject=subject, province=province)
        .annotate(n=Count("memberships"))
        .prefetch_related("cities")
        .order_by("id")
    )
    room = {k.pk: max(k.capacity - k.n, 0) for k in classes}
    memberships: list[ClassMembership] = []
    touched: set[int] = set()
    in_existing = 0

    # Late approvals go first into the classes that already hold their city.
    for city, ids in waiting.items():
        for k in classes:
            if not ids:
                break
            if room[k.pk] and any(c.code == city for c in k.cities.all()):
                take, ids[:] = ids[: room[k.pk]], ids[room[k.pk] :]
                memberships += [ClassMembership(training_class=k, enrollment_id=i) for i in take]
                room[k.pk] -= len(take)
                in_existing += len(take)
                touched.add(k.pk)

    created: list[TrainingClass] = []
    regions = Region.objects.in_bulk([c for c, ids in waiting.items() if ids])
    for codes in _groups(sorted((c, len(ids)) for c, ids in waiting.items() if ids), size):
        ids = [i for c in codes for i in waiting[c]]
        # A small remainder (a few late learners of a city without a class) fits into an existing class of
        # the province with room rather than opening a class of three.
        if classes and len(ids) * 2 < size:
            home = max(classes, key=lambda k: (room[k.pk], -k.pk))
            if room[home.pk] >= len(ids):
                memberships += [ClassMembership(training_class=home, enrollment_id=i) for i in ids]
                room[home.pk] -= len(ids)
                in_existing += len(ids)
                touched.add(home.pk)
                continue
        for part in _split(ids, max(1, math.ceil(len(ids) / size))):
            part_cities = [regions[c] for c in codes if set(waiting[c]) & set(part)]
            klass = TrainingClass.objects.create(
                project=project,
                subject=subject,
                province=province,
                name=_class_name(project=project, subject=subject, cities=part_cities),
                capacity=size,
            )
            created.append(klass)
            touched.add(klass.pk)
            memberships += [ClassMembership(training_class=klass, enrollment_id=i) for i in part]
    ClassMembership.objects.bulk_create(memberships)
    freshness.bump()  # bulk_create sends no signals
    for klass in TrainingClass.objects.filter(pk__in=touched):
        _cities_refresh(klass)

    tutors_assigned = _tutors_assign(actor=actor, project=project, subject=subject, province=province)
    all_classes = TrainingClass.objects.filter(project=project, subject=subject, province=province)
    summary = BuildSummary(
        learners=learners.count(),
        placed=len(memberships),
        placed_in_existing=in_existing,
        classes_created=len(created),
        classes_total=all_classes.count(),
        tutors_assigned=tutors_assigned,
        classes_without_tutor=all_classes.filter(tutor__isnull=True).count(),
    )
    audit_record(
        actor=actor,
        verb="training.classes_built",
        target=project,
        data={"subject": subject.pk, "province": province.code, "size": size, **summary.as_dict()},
    )
    return summary


def _tutors_assign(*, actor, project: Project, subject: Subject, province: Region) -> int:
    """Each class without a tutor gets the next backbone trainer of the province and subject who tutors no
    class yet, with the tutor role for the project (in their organization, else their city)."""
    open_classes = list(
        TrainingClass.objects.filter(
            project=project, subject=subject, province=province, tutor__isnull=True
        ).order_by("id")
    )
    if not open_classes:
        return 0
    busy = TrainingClass.objects.filter(project=project, tutor__isnull=False).values("tutor_id")
    trainers = list(
        Enrollment.objects.filter(
            project=project,
            subject=subject,
            role=Enrollment.Role.TRAINER,
            withdrawn_at__isnull=True,
            region__code__startswith=province.code[:2],
        )
        .exclude(user_id__in=busy)
        .select_related("user")
        .order_by("region_id", "id")
    )
    pairs = list(zip(open_classes, trainers, strict=False))
    for klass, trainer in pairs:
        klass.tutor_id = trainer.user_id
        klass.save(update_fields=["tutor", "updated_at"])
    roles_grant_bulk(
        grants=[
            (t.user_id, Role.TUTOR, t.user.organization_id, t.user.region_id or t.region_id) for _, t in pairs
        ],
        project=project,
        granted_by=actor,
    )
    return len(pairs)


@transaction.atomic
def class_move(*, actor, membership: ClassMembership, to_class: TrainingClass, reason: str) -> ClassMove:
    """Move a learner to another class of the same project, subject and province, with a reason."""
    from_class = membership.training_class
    if not can(actor=actor, perm=Perm.CLASS_MANAGE, obj=from_class) or not can(
        actor=actor, perm=Perm.CLASS_MANAGE, obj=to_class
    ):
        raise PermissionDenied(_("只有本省项目负责人或项目办可以调班。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写调班原因。")})
    same = ("project_id", "subject_id", "province_id")
    if any(getattr(from_class, f) != getattr(to_class, f) for f in same):
        raise ValidationError({"to_class": _("只能调入同一项目、同一学科、同一省份的班级。")})
    if to_class.pk == from_class.pk:
        raise ValidationError({"to_class": _("学员已在该班级。")})
    to_class = TrainingClass.objects.select_for_update().get(pk=to_class.pk)
    if to_class.memberships.count() >= to_class.capacity:
        raise ValidationError({"to_class": _("%(name)s 已满。") % {"name": to_class.name}})
    membership.training_class = to_class
    membership.save(update_fields=["training_class", "updated_at"])
    _cities_refresh(from_class)
    _cities_refresh(to_class)
    move = ClassMove.objects.create(
        membership=membership, from_class=from_class, to_class=to_class, actor=actor, reason=reason
    )
    audit_record(
        actor=actor,
        verb="training.class_move",
        target=membership,
        data={"from": from_class.pk, "to": to_class.pk, "reason": reason},
    )
    return move


# --- Adjustments (TRN-7) ------------------------------------------------------------------------------------


def adjustment_cutoff(*, project: Project) -> dt.date | None:
    """The last day of 下发账号与用户调整; None while the project office has not set it."""
    return (
        Phase.objects.filter(project=project, kind=Phase.Kind.ACCOUNTS)
        .values_list("ends_on", flat=True)
        .first()
    )


def adjustment_is_late(*, project: Project, today: dt.date | None = None) -> bool:
    cutoff = adjustment_cutoff(project=project)
    return cutoff is not None and (today or timezone.localdate()) > cutoff


def check_adjust(*, actor, enrollment: Enrollment, reason: str, today: dt.date | None = None) -> bool:
    """Authorize an adjustment of this learner; returns whether it comes after the cut-off."""
    if enrollment.role != Enrollment.Role.LEARNER or enrollment.withdrawn_at is not None:
        raise ValidationError(_("只能调整在训的参训学员。"))
    late = adjustment_is_late(project=enrollment.project, today=today)
    perm = Perm.LEARNER_ADJUST_LATE if late else Perm.LEARNER_ADJUST
    if not can(actor=actor, perm=perm, obj=enrollment):
        if late:
            raise PermissionDenied(_("用户调整已于 %(day)s 截止，之后只有省级项目负责人可以调整。")
                                   % {"day": adjustment_cutoff(project=enrollment.project)})  # fmt: skip
        raise PermissionDenied(_("您无权调整该学员。"))
    if late and not (reason or "").strip():
        raise ValidationError({"reason": _("截止后的调整须填写原因。")})
    return late


def _membership_of(enrollment: Enrollment) -> ClassMembership | None:
    return ClassMembership.objects.filter(enrollment=enrollment).select_related("training_class").first()


def _withdraw(*, old: Enrollment, reason: str, kind: str) -> None:
    old.withdrawn_at = timezone.now()
    old.withdrawn_reason = (reason or "").strip()[:200] or Adjustment.Kind(kind).label
    old.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])


def _event(*, actor, kind: str, old: Enrollment, new: Enrollment | None, klass, late: bool, reason: str):
    adjustment = Adjustment.objects.create(
        project_id=old.project_id,
        kind=kind,
        old_enrollment=old,
        new_enrollment=new,
        training_class=klass,
        late=late,
        actor=actor,
        reason=(reason or "").strip()[:200],
    )
    audit_record(
        actor=actor,
        verb=f"training.learner_{kind}",
        target=old,
        data={"new": new.pk if new else None, "late": late, "reason": adjustment.reason},
    )
    return adjustment


@transaction.atomic
def learner_withdraw(*, actor, enrollment: Enrollment, reason: str = "", today=None) -> Adjustment:
    """A learner leaves the training; their class place is freed."""
    enrollment = Enrollment.objects.select_for_update().select_related("project").get(pk=enrollment.pk)
    late = check_adjust(actor=actor, enrollment=enrollment, reason=reason, today=today)
    membership = _membership_of(enrollment)
    klass = membership.training_class if membership else None
    if membership:
        membership.delete()
        _cities_refresh(klass)
    _withdraw(old=enrollment, reason=reason, kind=Adjustment.Kind.WITHDRAW)
    return _event(
        actor=actor, kind=Adjustment.Kind.WITHDRAW, old=enrollment, new=None, klass=klass, late=late,
        reason=reason,
    )  # fmt: skip


@dataclass(frozen=True)
class ReplaceResult:
    adjustment: Adjustment | None
    errors: list  # the roster check's errors on the person's data; empty when replaced
    activation_code: str | None = None  # for a newly opened account, shown this once


# The trainee table's columns a replacement is described by; 序号, 学段 and 学科 are filled in.
REPLACEMENT_COLUMNS = tuple(c for c in TRAINEE_COLUMNS if c not in {"序号", "学段", "学科"})


def _check_person(*, enrollment: Enrollment, values: dict[str, str]):
    """The person's data checked exactly as a roster row (the same engine, on a one-row file), in the
    learner's city and subject; someone already enrolled in the project is refused."""
    columns = TRAINEE_COLUMNS
    values = {**values, "序号": "1", "学段": enrollment.subject.stage, "学科": enrollment.subject.name}

    def taken(hashes: list[str]) -> set[str]:
        return set(
            Enrollment.objects.filter(project_id=enrollment.project_id, user__id_card_hash__in=hashes)
            .values_list("user__id_card_hash", flat=True)
        )  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "row.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("学员信息表")
        ws.append(list(columns))
        ws.append([values.get(c, "") for c in columns])
        wb.save(path)
        return roster_check(
            path=path,
            kind="trainee",
            scope=enrollment.region,
            subject=enrollment.subject.spec,
            taken_elsewhere=taken,
        )


@transaction.atomic
def learner_replace(
    *, actor, enrollment: Enrollment, values: dict[str, str], reason: str = "", today=None
) -> ReplaceResult:
    """Another teacher takes the learner's place (and class place): their data (the trainee table's columns)
    is checked like a roster row; their account is found by ID number or opened, and enrolled."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("project", "subject", "region")
        .get(pk=enrollment.pk)
    )
    late = check_adjust(actor=actor, enrollment=enrollment, reason=reason, today=today)
    check = _check_person(enrollment=enrollment, values=values)
    if check.errors or not check.valid_rows:
        return ReplaceResult(adjustment=None, errors=list(check.errors))
    v = check.valid_rows[0].values
    id_card, phone, county = v["身份证号"], v["手机号码"], v["region_code"]
    org_name = v.get("工作单位", "").strip()[:120]
    orgs = organizations_ensure(keys={(county, org_name)}, type=Organization.Type.SCHOOL)
    person = ReportedPerson(
        real_name=v["姓名"], gender={"男": "M", "女": "F"}.get(v.get("性别", ""), ""),
        id_card_encrypted=protect.encrypt(id_card),
        id_card_hash=v.get("id_card_index") or protect.blind_index("id_card", id_card),
        id_card_masked=protect.mask_id_card(id_card), phone_encrypted=protect.encrypt(phone),
        phone_hash=protect.blind_index("phone", phone), phone_masked=protect.mask_phone(phone),
        email=v.get("电子邮箱", ""), organization_id=orgs.get((county, org_name)), region_id=county,
    )  # fmt: skip
    match = accounts_match_or_create(people=[person])
    user_id = match.user_ids[person.id_card_hash]
    if Enrollment.objects.filter(project_id=enrollment.project_id, user_id=user_id).exists():
        raise ValidationError({"身份证号": _("此人已参加本项目。")})
    roles_grant_bulk(
        grants=[(user_id, Role.LEARNER, person.organization_id, county)],
        project=enrollment.project,
        granted_by=actor,
    )
    new = Enrollment.objects.create(
        project_id=enrollment.project_id,
        subject_id=enrollment.subject_id,
        user_id=user_id,
        role=Enrollment.Role.LEARNER,
        region_id=enrollment.region_id,
        source=f"adjustment:{enrollment.pk}",
    )
    _withdraw(old=enrollment, reason=reason, kind=Adjustment.Kind.REPLACE)
    membership = _membership_of(enrollment)
    klass = None
    if membership:
        klass = membership.training_class
        membership.enrollment = new
        membership.save(update_fields=["enrollment", "updated_at"])
    code = None
    if match.created:
        issued = activation_codes_issue(users=[User.objects.get(pk=user_id)], issued_by=actor)[0]
        code = code_format(issued.code)
    adjustment = _event(
        actor=actor, kind=Adjustment.Kind.REPLACE, old=enrollment, new=new, klass=klass, late=late,
        reason=reason,
    )  # fmt: skip
    return ReplaceResult(adjustment=adjustment, errors=[], activation_code=code)
