"""Reads of a project's setup (TRN-1, REP-8): its subjects by stage with what uses them, and its quotas as the
table the project office keeps (provinces, and below each its cities with quotas; a column per subject).

A province's quota and its cities' quotas for the same subject may both exist: the cities' quotas are then
the province's split, as the reporting board counts them (reporting/board.py). The totals here count the same
way, so the two pages never disagree; where the cities add up to more than the province was given, the page
warns instead of refusing (the split may still be in progress).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.roles import Perm
from teachnet.orgs.models import Region

from .models import Project, Quota, Subject
from .services_projects import QUOTA_COLUMNS, SUBJECT_STAGES


def project_access(*, actor, pk, perm: Perm = Perm.PROJECT_MANAGE) -> Project:
    """One project, fetched and authorized in one call (404 for missing and not-yours alike)."""
    return get_visible_or_404(
        actor=actor,
        model=Project,
        perm=perm,
        pk=pk,
        queryset=Project.objects.select_related("office").prefetch_related("provinces", "providers"),
    )


def _stage_key(stage: str) -> int:
    return SUBJECT_STAGES.index(stage) if stage in SUBJECT_STAGES else len(SUBJECT_STAGES)


def subjects_ordered(*, project: Project) -> list[Subject]:
    """The project's subjects, 小学 before 初中 before 高中, each stage in the order they were added."""
    return sorted(project.subjects.all(), key=lambda s: (_stage_key(s.stage), s.stage, s.pk))


@dataclass
class SubjectUse:
    subject: Subject
    quotas: int
    enrollments: int
    providers: int

    @property
    def in_use(self) -> bool:
        return bool(self.quotas or self.enrollments or self.providers)


def subject_uses_by_stage(*, project: Project) -> list[tuple[str, list[SubjectUse]]]:
    """(stage, its subjects with how many quotas, enrollments and providers use each)."""
    counted = {
        s.pk: s
        for s in project.subjects.annotate(
            n_quotas=Count("quotas", distinct=True),
            n_enrollments=Count("enrollments", distinct=True),
            n_providers=Count("provider_subjects", distinct=True),
        )
    }
    stages: dict[str, list[SubjectUse]] = {}
    for subject in subjects_ordered(project=project):
        s = counted[subject.pk]
        stages.setdefault(s.stage, []).append(
            SubjectUse(subject=s, quotas=s.n_quotas, enrollments=s.n_enrollments, providers=s.n_providers)
        )
    return list(stages.items())


# --- Quotas -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaWarning:
    province: Region
    subject: Subject
    province_places: int
    city_places: int

    @property
    def message(self) -> str:
        return _(
            "%(province)s %(subject)s：各地市名额合计 %(cities)d，超过省级名额 %(province_places)d。"
        ) % {
            "province": self.province.name,
            "subject": self.subject.label,
            "cities": self.city_places,
            "province_places": self.province_places,
        }


@dataclass
class QuotaCell:
    places: int | None  # the region's own quota; None when it has none
    cities: int | None = None  # on a province row: its cities' quotas for the subject, when there are any
    warning: bool = False


@dataclass
class QuotaTableRow:
    region: Region
    is_city: bool
    cells: list[QuotaCell]
    total: int  # a province: what counts (its cities' split where there is one); a city: its quotas


@dataclass
class QuotaTable:
    subjects: list[Subject]
    rows: list[QuotaTableRow]
    column_totals: list[int]
    total: int
    warnings: list[QuotaWarning] = field(default_factory=list)


def quota_list(
    *, project: Project, province: str = "", region: str = "", subject: int | None = None
) -> QuerySet[Quota]:
    """The project's quotas, by region code then subject; filtered by a province's code (it and its cities),
    one region's code, or a subject."""
    qs = Quota.objects.filter(project=project).select_related("region", "subject")
    if province:
        qs = qs.filter(region__code__startswith=province[:2])
    if region:
        qs = qs.filter(region_id=region)
    if subject is not None:
        qs = qs.filter(subject_id=subject)
    return qs.order_by("region_id", "subject_id")


def quota_warnings(*, quotas: list[Quota]) -> list[QuotaWarning]:
    """Each province and subject whose cities' quotas add up to more than the province's own quota."""
    province_quota: dict[tuple[str, int], Quota] = {}
    city_sum: dict[tuple[str, int], int] = defaultdict(int)
    for q in quotas:
        key = (q.region_id[:2], q.subject_id)
        if q.region.level == Region.Level.PROVINCE:
            province_quota[key] = q
        else:
            city_sum[key] += q.places
    return [
        QuotaWarning(
            province=q.region, subject=q.subject, province_places=q.places, city_places=city_sum[key]
        )
        for key, q in sorted(province_quota.items())
        if city_sum.get(key, 0) > q.places
    ]


def quota_table(*, project: Project, province: str = "") -> QuotaTable:
    """The table of the quota page: each province of the project (or the one asked for), its cities with
    quotas below it, a column per subject, totals per row and per column counted as the board counts them."""
    subjects = subjects_ordered(project=project)
    column = {s.pk: i for i, s in enumerate(subjects)}
    provinces = sorted(project.provinces.all(), key=lambda r: r.code)
    if province:
        provinces = [p for p in provinces if p.code == province]
    quotas = list(quota_list(project=project, province=province))
    own: dict[str, dict[int, int]] = defaultdict(dict)  # region code -> subject -> places
    cities_of: dict[str, dict[str, Region]] = defaultdict(dict)  # province prefix -> code -> city
    for q in quotas:
        own[q.region_id][q.subject_id] = q.places
        if q.region.level == Region.Level.CITY:
            cities_of[q.region_id[:2]][q.region_id] = q.region
    warnings = quota_warnings(quotas=quotas)
    warned = {(w.province.code, w.subject.pk) for w in warnings}

    rows: list[QuotaTableRow] = []
    column_totals = [0] * len(subjects)
    for p in provinces:
        cities = sorted(cities_of[p.code[:2]].values(), key=lambda r: r.code)
        city_sums: dict[int, int] = defaultdict(int)
        for city in cities:
            for subject_id, places in own[city.code].items():
                city_sums[subject_id] += places
        cells, total = [], 0
        for s in subjects:
            mine = own[p.code].get(s.pk)
            split = city_sums.get(s.pk)
            counted = split if split is not None else (mine or 0)
            cells.append(QuotaCell(places=mine, cities=split, warning=(p.code, s.pk) in warned))
            column_totals[column[s.pk]] += counted
            total += counted
        rows.append(QuotaTableRow(region=p, is_city=False, cells=cells, total=total))
        for city in cities:
            city_cells = [QuotaCell(places=own[city.code].get(s.pk)) for s in subjects]
            rows.append(
                QuotaTableRow(
                    region=city,
                    is_city=True,
                    cells=city_cells,
                    total=sum(c.places or 0 for c in city_cells),
                )
            )
    return QuotaTable(
        subjects=subjects,
        rows=rows,
        column_totals=column_totals,
        total=sum(column_totals),
        warnings=warnings,
    )


def quota_regions(*, project: Project) -> list[tuple[Region, list[Region]]]:
    """The regions a quota may go to: each province of the project with its cities, by code."""
    provinces = sorted(project.provinces.all(), key=lambda r: r.code)
    cities: dict[str, list[Region]] = defaultdict(list)
    for city in Region.objects.filter(level=Region.Level.CITY, parent_id__in=[p.code for p in provinces]):
        cities[city.parent_id].append(city)
    return [(p, sorted(cities[p.code], key=lambda r: r.code)) for p in provinces]


def quota_region_choices(*, project: Project) -> list[tuple[str, list[tuple[str, str]]]]:
    """For the one-quota form: grouped by province, the province itself first and then its cities."""
    return [
        (
            p.name,
            [(p.code, _("%(name)s（全省）") % {"name": p.name})]
            + [(c.code, f"{c.name}（{c.code}）") for c in cities],
        )
        for p, cities in quota_regions(project=project)
    ]


def quotas_xlsx(*, project: Project, province: str = "") -> tuple[str, bytes]:
    """The quotas as an xlsx, one row per quota (地区代码, 地区, 学段, 学科, 名额), and its file name. Filled
    in and uploaded again, it is also the upload's template; a second sheet lists what may be filled in."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("名额"))
    sheet.append(list(QUOTA_COLUMNS))
    for q in quota_list(project=project, province=province):
        sheet.append([q.region_id, q.region.name, q.subject.stage, q.subject.name, q.places])

    # What may be filled in: the project's regions and subjects (this sheet is never read back).
    choices = wb.create_sheet(_("可填写的地区和学科"))
    choices.append([_("地区代码"), _("地区"), _("级别"), "", _("学段"), _("学科")])
    regions = [
        (r.code, r.name, r.get_level_display())
        for province, cities in quota_regions(project=project)
        for r in (province, *cities)
    ]
    subjects = subjects_ordered(project=project)
    for i in range(max(len(regions), len(subjects))):
        left = list(regions[i]) if i < len(regions) else ["", "", ""]
        right = [subjects[i].stage, subjects[i].name] if i < len(subjects) else ["", ""]
        choices.append([*left, "", *right])

    buffer = io.BytesIO()
    wb.save(buffer)
    name = _("名额-%(project)s.xlsx") % {"project": project.short_name or project.name}
    return name, buffer.getvalue()
