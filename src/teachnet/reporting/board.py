"""The reporting progress board (上报进度, REP-7), its quotas (REP-8) and its xlsx export.

The project office sees every province, a provincial lead their province's cities, a city lead their city's
subjects. Each row carries four figures, all people counts (a table's row_count):

- quota (名额): the places of the row's quotas (REP-8);
- reported (已上报): every trainee table that exists, whatever its state;
- submitted (已提交): tables submitted or approved;
- approved (已通过): tables approved.

Quotas may be handed down per city or only per province. A province's quota for a subject is the sum of its
cities' quotas when it has any for that subject, else its own province-level quota, so a province that
records both never counts the same places twice.

Every figure is a GROUP BY in the database: the cost depends on the number of groups, never on the number of
tables or people, and the number of queries is the same for 3 cities or 300.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.models import User
from teachnet.accounts.permissions import grants_for
from teachnet.accounts.roles import Perm
from teachnet.core.services import audit_record
from teachnet.orgs.models import NATION_CODE, Region
from teachnet.training.models import Project, Quota, Subject

from .models import Kind, ReportingWindow, Submission
from .selectors import reporting_project

NATION = "nation"
PROVINCE = "province"
CITY = "city"

SUBMITTED_STATES = (Submission.State.SUBMITTED, Submission.State.APPROVED)


# --- What the board shows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    quota: int = 0
    reported: int = 0
    submitted: int = 0
    approved: int = 0

    @property
    def percent(self) -> float | None:
        """Approved as a share of the quota, in percent; None where there is no quota to measure against."""
        return round(self.approved * 100 / self.quota, 1) if self.quota else None

    @property
    def submitted_only(self) -> int:
        return self.submitted - self.approved

    @property
    def reported_only(self) -> int:
        return self.reported - self.submitted


@dataclass(frozen=True)
class BoardRow(Figures):
    """One province, city or subject of the board."""

    key: str = ""  # the region code, or the subject id
    label: str = ""
    drill_region: str | None = None  # the region one level down, when the actor may open it


@dataclass(frozen=True)
class TrainerTable:
    """A province's trainer table (培训者信息表), or its absence (state None)."""

    region_code: str
    region_name: str
    state: str | None
    state_label: str
    row_count: int


@dataclass(frozen=True)
class NotReported:
    """A table still owed: a city's trainee table for a subject with places, or a province's trainer table."""

    region_code: str
    region_name: str
    kind: str
    kind_label: str
    subject_label: str  # "" for a trainer table

    @property
    def group(self) -> str:
        return f"{self.region_code}:{self.kind}"


@dataclass(frozen=True)
class Deadline:
    kind: str
    kind_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    has_opened: bool
    seconds_left: int  # until closes_at; 0 once it has passed


@dataclass(frozen=True)
class Crumb:
    region_code: str | None  # None: the nation
    label: str
    reachable: bool  # the actor may open the board there


@dataclass(frozen=True)
class Board:
    project: Project
    region: Region | None  # None: the nation
    level: str  # NATION, PROVINCE or CITY: what the rows are (provinces, cities, subjects)
    row_heading: str
    total: Figures
    # Places of province-level quotas that no city has been given yet: part of the total, in no city's row.
    unallocated_quota: int
    rows: tuple[BoardRow, ...]
    subjects: tuple[BoardRow, ...]  # the per-subject breakdown of the whole level (the rows, for a city)
    trainer_tables: tuple[TrainerTable, ...]
    not_reported: tuple[NotReported, ...]
    deadlines: tuple[Deadline, ...]
    crumbs: tuple[Crumb, ...]

    @property
    def region_code(self) -> str | None:
        return self.region.code if self.region is not None else None

    @property
    def region_name(self) -> str:
        return self.region.name if self.region is not None else _("全国")


# --- Who may see which level --------------------------------------------------------------------------


def board_project(*, actor: User, project_id: str | int | None) -> tuple[Project, list[Project]]:
    """The project asked for, or the one reporting is about now (an open window, else quotas, else the
    newest), and the projects to switch to; 404 alike for missing and hidden."""
    return reporting_project(actor=actor, project_id=project_id)


def _report_prefixes(*, actor: User, project: Project) -> set[str]:
    """The region prefixes in which the actor holds REPORT_VIEW for this project.

    The same prefixes regions_in_scope() reads, but only from grants held for this project (or for every
    project): a provincial lead of one project must not read another project's board through that role.
    """
    if actor.is_superuser:
        return {""}
    return {
        g.prefix
        for g in grants_for(actor)
        if Perm.REPORT_VIEW in g.perms and g.prefix is not None and g.project_id in (None, project.pk)
    }


def _within(code: str, prefixes: set[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def _board_region(*, prefixes: set[str], province_codes: set[str], region_code: str | None) -> Region | None:
    """The region the board is about (None: the nation). Outside the actor's scope, or not a province or city
    of the project: 404, the same answer as for a code that does not exist."""
    if region_code in (None, ""):
        if "" in prefixes:
            return None
        # The widest region the actor reports for: a provincial lead's province, a city lead's city.
        for prefix in sorted(prefixes, key=lambda p: (len(p), p)):
            code = prefix.ljust(6, "0")
            if len(prefix) in (2, 4) and code[:2] + "0000" in province_codes:
                return Region.objects.get(code=code)
        raise Http404
    if region_code == NATION_CODE:
        if "" in prefixes:
            return None
        raise Http404
    region = Region.objects.filter(code=region_code).first()
    if (
        region is None
        or region.level not in (Region.Level.PROVINCE, Region.Level.CITY)
        or region.code[:2] + "0000" not in province_codes
        or not _within(region.code, prefixes)
    ):
        raise Http404
    return region


# --- The figures --------------------------------------------------------------------------------------


def _effective_quotas(*, project: Project) -> QuerySet[Quota]:
    """Every quota that counts: all city-level ones, and a province-level one only where none of the
    province's cities has a quota for that subject (the cities' quotas are then its split)."""
    city_split = Quota.objects.filter(
        project=project,
        subject_id=OuterRef("subject_id"),
        region__level=Region.Level.CITY,
        region__code__startswith=OuterRef("province_prefix"),
    )
    return (
        Quota.objects.filter(project=project)
        .annotate(province_prefix=Substr("region_id", 1, 2))
        .filter(
            Q(region__level=Region.Level.CITY)
            | (Q(region__level=Region.Level.PROVINCE) & ~Exists(city_split))
        )
    )


def _sum(field: str, condition: Q | None = None):
    return Coalesce(Sum(field, filter=condition), Value(0), output_field=IntegerField())


def _grouped(*, project: Project, scope: Q, key) -> dict[str, Figures]:
    """Figures per group key, in two GROUP BY queries (quotas, trainee tables)."""
    quotas = (
        _effective_quotas(project=project)
        .filter(scope)
        .annotate(key=key)
        .values("key")
        .order_by()
        .annotate(quota=_sum("places"))
    )
    tables = (
        Submission.objects.filter(project=project, kind=Kind.TRAINEE)
        .filter(scope)
        .annotate(key=key)
        .values("key")
        .order_by()
        .annotate(
            reported=_sum("row_count"),
            submitted=_sum("row_count", Q(state__in=SUBMITTED_STATES)),
            approved=_sum("row_count", Q(state=Submission.State.APPROVED)),
        )
    )
    found: dict[str, dict[str, int]] = {}
    for q in quotas:
        found.setdefault(str(q["key"]), {})["quota"] = q["quota"]
    for t in tables:
        found.setdefault(str(t["key"]), {}).update(
            reported=t["reported"], submitted=t["submitted"], approved=t["approved"]
        )
    return {k: Figures(**v) for k, v in found.items()}


def _add(figures) -> Figures:
    figures = list(figures)
    return Figures(
        quota=sum(f.quota for f in figures),
        reported=sum(f.reported for f in figures),
        submitted=sum(f.submitted for f in figures),
        approved=sum(f.approved for f in figures),
    )


def _row(key: str, label: str, figures: Figures | None, drill_region: str | None = None) -> BoardRow:
    f = figures or Figures()
    return BoardRow(
        quota=f.quota,
        reported=f.reported,
        submitted=f.submitted,
        approved=f.approved,
        key=key,
        label=label,
        drill_region=drill_region,
    )


def _subject_rows(subjects: list[Subject], by_subject: dict[str, Figures]) -> tuple[BoardRow, ...]:
    return tuple(_row(str(s.pk), s.label, by_subject.get(str(s.pk))) for s in subjects)


def _region_rows(
    *, regions: dict[str, str], by_region: dict[str, Figures], prefixes: set[str]
) -> tuple[BoardRow, ...]:
    # A row links one level down only where the actor may open that board.
    return tuple(
        _row(code, name, by_region.get(code), code if _within(code, prefixes) else None)
        for code, name in sorted(regions.items())
    )


def _trainer_tables(
    *, project: Project, province_codes: list[str], names: dict[str, str]
) -> tuple[TrainerTable, ...]:
    tables = {
        s["region_id"]: s
        for s in Submission.objects.filter(
            project=project, kind=Kind.TRAINER, region_id__in=province_codes
        ).values("region_id", "state", "row_count")
    }
    out = []
    for code in sorted(province_codes):
        table = tables.get(code)
        state = table["state"] if table else None
        out.append(
            TrainerTable(
                region_code=code,
                region_name=names.get(code, code),
                state=state,
                state_label=str(Submission.State(state).label) if state else _("未上传"),
                row_count=table["row_count"] if table else 0,
            )
        )
    return tuple(out)


def _trainee_tables_owed(*, project: Project, scope: Q) -> list[NotReported]:
    """Every (city, subject) with places and no submitted or approved trainee table; and every (province,
    subject) whose places were never split among the cities (a municipality's, typically) while none of its
    cities has submitted a table for that subject."""
    sent = Submission.objects.filter(
        project=project,
        kind=Kind.TRAINEE,
        subject_id=OuterRef("subject_id"),
        region__code__startswith=OuterRef("prefix"),
        state__in=SUBMITTED_STATES,
    )
    owed = (
        _effective_quotas(project=project)
        .filter(scope, places__gt=0)
        .annotate(
            prefix=Case(
                When(region__level=Region.Level.CITY, then=Substr("region_id", 1, 4)),
                default=Substr("region_id", 1, 2),
            )
        )
        .filter(~Exists(sent))
        .values("region_id", "region__name", "subject__stage", "subject__name")
        .order_by("region_id", "-subject__stage", "subject_id")
    )
    label = str(Kind.TRAINEE.label)
    return [
        NotReported(
            region_code=o["region_id"],
            region_name=o["region__name"],
            kind=Kind.TRAINEE,
            kind_label=label,
            subject_label=f"{o['subject__stage']}{o['subject__name']}",
        )
        for o in owed
    ]


def _deadlines(*, project: Project, kinds: tuple[str, ...]) -> tuple[Deadline, ...]:
    now = timezone.now()
    windows = ReportingWindow.objects.filter(project=project, kind__in=kinds).order_by("-kind")
    return tuple(
        Deadline(
            kind=w.kind,
            kind_label=str(w.get_kind_display()),
            opens_at=w.opens_at,
            closes_at=w.closes_at,
            is_open=w.is_open(now),
            has_opened=w.opens_at <= now,
            seconds_left=max(0, int((w.closes_at - now).total_seconds())),
        )
        for w in windows
    )


def _crumbs(*, region: Region | None, prefixes: set[str], names: dict[str, str]) -> tuple[Crumb, ...]:
    crumbs = [Crumb(None, _("全国"), "" in prefixes)]
    if region is not None:
        province = region.code[:2] + "0000"
        crumbs.append(Crumb(province, names.get(province, province), _within(province, prefixes)))
        if region.level == Region.Level.CITY:
            crumbs.append(Crumb(region.code, region.name, True))
    return tuple(crumbs)


def board_figures(*, actor: User, project: Project, region_code: str | None) -> Board:
    """The progress board of one project for one region (None: the nation), as the actor may see it.

    A region outside the actor's REPORT_VIEW scope for the project is a 404, like one that does not exist.
    """
    prefixes = _report_prefixes(actor=actor, project=project)
    if not prefixes:
        raise Http404
    province_codes = set(project.provinces.values_list("code", flat=True))
    region = _board_region(prefixes=prefixes, province_codes=province_codes, region_code=region_code)
    subjects = list(Subject.objects.filter(project=project).order_by("-stage", "id"))

    if region is None:
        level, heading = NATION, _("省份")
        scope = Q()
        by_row = _grouped(project=project, scope=scope, key=Substr("region_id", 1, 2))
        by_row = {k.ljust(6, "0"): v for k, v in by_row.items()}
        shown = province_codes | set(by_row)
        names = dict(Region.objects.filter(code__in=shown).values_list("code", "name"))
        rows = _region_rows(regions=names, by_region=by_row, prefixes=prefixes)
        trainer_provinces = sorted(province_codes)
    elif region.level == Region.Level.PROVINCE:
        level, heading = PROVINCE, _("地市")
        scope = Q(region__code__startswith=region.code[:2])
        by_row = _grouped(project=project, scope=scope, key=Substr("region_id", 1, 4))
        by_row = {k.ljust(6, "0"): v for k, v in by_row.items()}
        cities = Region.objects.filter(
            Q(level=Region.Level.CITY, code__startswith=region.code[:2]) | Q(code__in=set(by_row))
        ).values_list("code", "name")
        names = dict(cities)
        # Trainee tables and quotas held at the province itself belong to no city: they count in the total
        # (as unallocated places) but are not a row.
        rows = _region_rows(
            regions={c: n for c, n in names.items() if c != region.code}, by_region=by_row, prefixes=prefixes
        )
        names[region.code] = region.name
        trainer_provinces = [region.code] if region.code in province_codes else []
    else:
        level, heading = CITY, _("学科")
        scope = Q(region__code__startswith=region.code[:4])
        by_row = _grouped(project=project, scope=scope, key=F("subject_id"))
        rows = _subject_rows(subjects, by_row)
        names = dict(Region.objects.filter(code=region.code[:2] + "0000").values_list("code", "name"))
        # A city lead reports trainee tables only: the province's trainer table is not theirs to see.
        trainer_provinces = []

    total = _add(by_row.values())
    unallocated = total.quota - sum(r.quota for r in rows)
    if level == CITY:
        by_subject_rows = rows
    else:
        by_subject = _grouped(project=project, scope=scope, key=F("subject_id"))
        by_subject_rows = _subject_rows(subjects, by_subject)

    trainer_tables = _trainer_tables(project=project, province_codes=trainer_provinces, names=names)
    not_reported = [
        NotReported(t.region_code, t.region_name, Kind.TRAINER, str(Kind.TRAINER.label), "")
        for t in trainer_tables
        if t.state not in SUBMITTED_STATES
    ]
    # By region: a province's trainer table first, then its own and its cities' trainee tables (a stable
    # sort keeps the subjects in order within each region).
    not_reported = sorted(
        not_reported + _trainee_tables_owed(project=project, scope=scope),
        key=lambda n: (n.region_code, n.kind != Kind.TRAINER),
    )

    return Board(
        project=project,
        region=region,
        level=level,
        row_heading=heading,
        total=total,
        unallocated_quota=unallocated,
        rows=rows,
        subjects=by_subject_rows,
        trainer_tables=trainer_tables,
        not_reported=tuple(not_reported),
        deadlines=_deadlines(
            project=project, kinds=(Kind.TRAINEE,) if level == CITY else (Kind.TRAINEE, Kind.TRAINER)
        ),
        crumbs=_crumbs(region=region, prefixes=prefixes, names=names),
    )


# --- The export: the board's one write is the audit row of who took it ---------------------------------


def board_export_xlsx(*, actor: User, board: Board) -> tuple[str, bytes]:
    """The board as an xlsx (figures, per subject, tables still owed) and its file name. It holds no personal
    data, but every export is recorded all the same: who took which region's figures, when."""
    from openpyxl import Workbook

    headers = [board.row_heading, _("名额"), _("已上报"), _("已提交"), _("已通过"), _("通过率(%)")]

    def figures(label: str, f: Figures) -> list:
        return [label, f.quota, f.reported, f.submitted, f.approved, f.percent]

    wb = Workbook(write_only=True)
    progress = wb.create_sheet(_("上报进度"))
    progress.append(headers)
    for row in board.rows:
        progress.append(figures(row.label, row))
    if board.unallocated_quota:
        progress.append([_("省级名额（未分到地市）"), board.unallocated_quota, 0, 0, 0, None])
    progress.append(figures(_("合计"), board.total))

    if board.level != CITY:
        per_subject = wb.create_sheet(_("分学科"))
        per_subject.append([_("学科"), *headers[1:]])
        for row in board.subjects:
            per_subject.append(figures(row.label, row))

    if board.trainer_tables:
        trainers = wb.create_sheet(_("培训者信息表"))
        trainers.append([_("省份"), _("状态"), _("人数")])
        for t in board.trainer_tables:
            trainers.append([t.region_name, t.state_label, t.row_count])

    owed = wb.create_sheet(_("未上报"))
    owed.append([_("地区代码"), _("地区"), _("报表"), _("学科")])
    for n in board.not_reported:
        owed.append([n.region_code, n.region_name, n.kind_label, n.subject_label])

    buffer = io.BytesIO()
    wb.save(buffer)
    audit_record(
        actor=actor,
        verb="reporting.board_exported",
        target=board.project,
        data={
            "project": board.project.pk,
            "region": board.region_code or NATION_CODE,
            "rows": len(board.rows),
            "not_reported": len(board.not_reported),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = _("上报进度-%(project)s-%(region)s-%(date)s.xlsx") % {
        "project": board.project.short_name or board.project.name,
        "region": board.region_name,
        "date": stamp,
    }
    return name, buffer.getvalue()
