"""Setting a project up without the admin (TRN-1, REP-8): the project record, its subjects and its quotas.

Who may do what:
- create a project: a superuser, or whoever holds the project office role over the nation (region 000000),
  whatever project that grant is bound to. A creator whose grant is bound to another project is given the
  project office role for the new one, so that they can manage what they just created;
- change a project, its subjects and its quotas: PROJECT_MANAGE on the project (the project office).

Nothing another record relies on is taken away under it: a province with quotas, enrollments or classes, a
provider with subjects, a subject with quotas, enrollments, providers or reported tables. Quotas come one at a
time or as an xlsx file, which is saved whole or not at all, every bad row named with what to do. Every write
leaves an audit event.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import grants_for
from teachnet.accounts.roles import Role
from teachnet.accounts.services import role_assign
from teachnet.core.services import audit_record
from teachnet.core.text import one_line
from teachnet.orgs.models import NATION_CODE, Organization, Region
from teachnet.reporting.roster_check import (
    RosterError,
    RosterUnusable,
    cell_text,
    clean_code,
    clean_text,
    xlsx_visible_sheets,
)

from .catalog import GP2011_SUBJECTS, STAGES, SUBJECT_ALIASES
from .models import Enrollment, Project, ProviderSubject, Quota, Subject, TrainingClass
from .services import PROVIDER_TYPES, may_manage_project, subjects_ensure

# The plan's two stages, and 高中 for projects beyond it.
SENIOR = "高中"
SUBJECT_STAGES = (*STAGES, SENIOR)
YEAR_MIN, YEAR_MAX = 2000, 2100
NAME_MAX = 200
SHORT_NAME_MAX = 60
SUBJECT_NAME_MAX = 20
PLACES_MAX = 1_000_000  # ten times the whole GP plan: more in one cell is a typo

# The rule the creator's role is granted under (named in the audit event of role_assign).
CREATOR_RULE = "training.project_creator"


def may_create_project(*, actor) -> bool:
    """A superuser, or the project office over the nation, whichever project its grant is bound to."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return any(g.role == Role.PROJECT_OFFICE and g.prefix == "" for g in grants_for(actor))


def _check_manage(*, actor, project: Project) -> None:
    if not may_manage_project(actor=actor, project=project):
        raise PermissionDenied(_("只有项目办可以设置项目。"))


def _lock(project: Project) -> Project:
    """Setup writes of one project take turns: two uploads of quotas never interleave their rows."""
    return Project.objects.select_for_update().get(pk=project.pk)


# --- The project record -------------------------------------------------------------------------------------


def check_project_fields(*, project: Project | None, fields: dict) -> dict[str, list[str]]:
    """What is wrong with the fields given (the others are not looked at), by field; empty when fine."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if "name" in fields:
        name = fields["name"]
        if not name:
            add("name", _("请填写项目名称。"))
        elif len(name) > NAME_MAX:
            add("name", _("项目名称最多 %(n)d 个字。") % {"n": NAME_MAX})
        else:
            same = Project.objects.filter(name=name)
            if project is not None:
                same = same.exclude(pk=project.pk)
            if same.exists():
                add("name", _("已有名为“%(name)s”的项目，请换一个名称。") % {"name": name})
    if "short_name" in fields and len(fields["short_name"]) > SHORT_NAME_MAX:
        add("short_name", _("简称最多 %(n)d 个字。") % {"n": SHORT_NAME_MAX})
    if "year" in fields:
        year = fields["year"]
        if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
            add("year", _("年度应在 %(min)d 到 %(max)d 之间。") % {"min": YEAR_MIN, "max": YEAR_MAX})
    if "target_headcount" in fields:
        target = fields["target_headcount"]
        if not isinstance(target, int) or target < 0:
            add("target_headcount", _("计划培训人数应为 0 或正整数。"))
    if "office" in fields:
        office = fields["office"]
        if office is None or office.type != Organization.Type.PROJECT_OFFICE:
            add("office", _("请选择一个项目执行办公室。"))
    if "provinces" in fields:
        provinces = fields["provinces"]
        if not provinces:
            add("provinces", _("请至少选择一个参与省份。"))
        for region in provinces:
            if region.level != Region.Level.PROVINCE:
                add("provinces", _("%(name)s不是省级地区。") % {"name": region.name})
    if "providers" in fields:
        for org in fields["providers"]:
            if org.type not in PROVIDER_TYPES:
                add("providers", _("%(name)s不是培训机构或高等院校。") % {"name": org.name})
    return errors


def _province_holders(*, project: Project, provinces: Iterable[Region]) -> list[str]:
    """Why each province may not leave the project: what of the project still lies in it."""
    problems = []
    for province in provinces:
        prefix = province.code[:2]
        quotas = Quota.objects.filter(project=project, region__code__startswith=prefix).count()
        enrolled = Enrollment.objects.filter(project=project, region__code__startswith=prefix).count()
        classes = TrainingClass.objects.filter(project=project, province=province).count()
        held = []
        if quotas:
            held.append(_("%(n)d 条名额") % {"n": quotas})
        if enrolled:
            held.append(_("%(n)d 条参训记录") % {"n": enrolled})
        if classes:
            held.append(_("%(n)d 个培训班级") % {"n": classes})
        if held:
            problems.append(
                _("不能移除%(province)s：本项目在该省还有%(held)s。请先删除该省的名额。")
                % {"province": province.name, "held": "、".join(held)}
            )
    return problems


def _provider_holders(*, project: Project, providers: Iterable[Organization]) -> list[str]:
    problems = []
    for provider in providers:
        labels = [
            ps.subject.label
            for ps in ProviderSubject.objects.filter(project=project, provider=provider).select_related(
                "subject"
            )
        ]
        if labels:
            problems.append(
                _("不能移除%(provider)s：它承担着%(subjects)s。请先在项目概况中取消分配。")
                % {"provider": provider.name, "subjects": "、".join(labels)}
            )
    return problems


def _clean_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for key in ("name", "short_name"):
        if key in cleaned:
            cleaned[key] = clean_text(cleaned[key] or "")
    for key in ("provinces", "providers"):
        if key in cleaned:
            cleaned[key] = list(dict.fromkeys(cleaned[key]))
    return cleaned


def _record(project: Project) -> dict:
    """A project's fields as the audit event keeps them."""
    return {
        "name": project.name,
        "short_name": project.short_name,
        "year": project.year,
        "target_headcount": project.target_headcount,
        "office": project.office_id,
        "provinces": sorted(project.provinces.values_list("code", flat=True)),
        "providers": sorted(project.providers.values_list("id", flat=True)),
    }


@transaction.atomic
def project_create(
    *,
    actor,
    name: str,
    year: int,
    office: Organization,
    provinces: Iterable[Region],
    short_name: str = "",
    target_headcount: int = 0,
    providers: Iterable[Organization] = (),
) -> Project:
    """A new project; its creator can manage it at once (see the module docstring)."""
    if not may_create_project(actor=actor):
        raise PermissionDenied(_("只有全国范围的项目办可以新建项目。"))
    fields = _clean_fields(
        {
            "name": name,
            "short_name": short_name,
            "year": year,
            "target_headcount": target_headcount,
            "office": office,
            "provinces": provinces,
            "providers": providers,
        }
    )
    errors = check_project_fields(project=None, fields=fields)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            project = Project.objects.create(
                name=fields["name"],
                short_name=fields["short_name"],
                year=fields["year"],
                target_headcount=fields["target_headcount"],
                office=fields["office"],
            )
    except IntegrityError as exc:  # the same name, created a moment earlier
        raise ValidationError({"name": _("已有名为“%(name)s”的项目，请换一个名称。") % fields}) from exc
    project.provinces.set(fields["provinces"])
    project.providers.set(fields["providers"])
    audit_record(actor=actor, verb="training.project_created", target=project, data=_record(project))
    _grant_creator(actor=actor, project=project)
    return project


def _grant_creator(*, actor, project: Project) -> None:
    # A superuser and a grant bound to no project reach every project already; a grant bound to one
    # project never reaches another, so its holder gets the same role, for the nation, for this one too.
    if actor.is_superuser:
        return
    nation_grants = [g for g in grants_for(actor) if g.role == Role.PROJECT_OFFICE and g.prefix == ""]
    if any(g.project_id is None for g in nation_grants):
        return
    role_assign(
        actor=actor,
        user=actor,
        role=Role.PROJECT_OFFICE,
        region=Region.objects.get(code=NATION_CODE),
        project=project,
        rule=CREATOR_RULE,
    )


@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    """Change the fields given (name, short_name, year, target_headcount, office, provinces, providers).

    A province leaves only while nothing of the project lies in it, a provider only while it takes no
    subject: each refusal names what holds it.
    """
    _check_manage(actor=actor, project=project)
    unknown = set(fields) - {
        "name",
        "short_name",
        "year",
        "target_headcount",
        "office",
        "provinces",
        "providers",
    }
    if unknown:
        raise TypeError(f"project_update() got unexpected fields {sorted(unknown)}")
    project = _lock(project)
    fields = _clean_fields(fields)
    errors = check_project_fields(project=project, fields=fields)
    if "provinces" in fields and "provinces" not in errors:
        kept = {r.code for r in fields["provinces"]}
        leaving = [r for r in project.provinces.all() if r.code not in kept]
        problems = _province_holders(project=project, provinces=leaving)
        if problems:
            errors["provinces"] = problems
    if "providers" in fields and "providers" not in errors:
        kept_ids = {o.pk for o in fields["providers"]}
        leaving_orgs = [o for o in project.providers.all() if o.pk not in kept_ids]
        problems = _provider_holders(project=project, providers=leaving_orgs)
        if problems:
            errors["providers"] = problems
    if errors:
        raise ValidationError(errors)
    before = _record(project)
    for key in ("name", "short_name", "year", "target_headcount", "office"):
        if key in fields:
            setattr(project, key, fields[key])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("已有名为“%(name)s”的项目，请换一个名称。") % fields}) from exc
    if "provinces" in fields:
        project.provinces.set(fields["provinces"])
    if "providers" in fields:
        project.providers.set(fields["providers"])
    after = _record(project)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        audit_record(actor=actor, verb="training.project_updated", target=project, data=changed)
    return project


# --- Subjects -----------------------------------------------------------------------------------------------


def _subject_taken(*, project: Project, stage: str, name: str) -> dict[str, list[str]]:
    if Subject.objects.filter(project=project, stage=stage, name=name).exists():
        return {"name": [_("本项目已有学科“%(label)s”。") % {"label": f"{stage}{name}"}]}
    return {}


@transaction.atomic
def subject_add(*, actor, project: Project, stage: str, name: str) -> Subject:
    """One subject (学段 + 学科) of the project; a subject it already has is refused."""
    _check_manage(actor=actor, project=project)
    # No control characters: a name goes into workbooks too, which cannot hold them (the quotas' xlsx).
    stage, name = clean_code(stage or ""), clean_code(one_line(name))
    errors: dict[str, list[str]] = {}
    if stage not in SUBJECT_STAGES:
        errors["stage"] = [_("学段应为%(stages)s之一。") % {"stages": "、".join(SUBJECT_STAGES)}]
    if not name:
        errors["name"] = [_("请填写学科名称，如“数学”。")]
    elif len(name) > SUBJECT_NAME_MAX:
        errors["name"] = [_("学科名称最多 %(n)d 个字。") % {"n": SUBJECT_NAME_MAX}]
    elif name.startswith(SUBJECT_STAGES):
        errors["name"] = [_("学科名称不含学段：学段请在左边选择，这里只填“数学”这样的名称。")]
    if not errors:
        errors = _subject_taken(project=project, stage=stage, name=name)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            subject = Subject.objects.create(project=project, stage=stage, name=name)
    except IntegrityError as exc:  # the same subject, added a moment earlier
        raise ValidationError(_subject_taken(project=project, stage=stage, name=name)) from exc
    audit_record(actor=actor, verb="training.subject_added", target=project, data={"subject": subject.label})
    return subject


@transaction.atomic
def subjects_add_gp2011(*, actor, project: Project) -> list[Subject]:
    """The 19 subjects of 国培计划(2011) (GP 二); the ones the project already has are kept. The subjects
    added are returned."""
    _check_manage(actor=actor, project=project)
    before = set(Subject.objects.filter(project=project).values_list("pk", flat=True))
    added = [s for s in subjects_ensure(project=project, specs=GP2011_SUBJECTS) if s.pk not in before]
    if added:
        audit_record(
            actor=actor,
            verb="training.subjects_added",
            target=project,
            data={"subjects": [s.label for s in added], "catalog": "GP2011"},
        )
    return added


def subject_holders(*, subject: Subject) -> list[str]:
    """What still uses the subject, in words: quotas, enrollments, providers, classes."""
    counts = Subject.objects.filter(pk=subject.pk).aggregate(
        quotas=Count("quotas", distinct=True),
        enrollments=Count("enrollments", distinct=True),
        classes=Count("classes", distinct=True),
    )
    held = []
    if counts["quotas"]:
        held.append(_("%(n)d 条名额") % {"n": counts["quotas"]})
    if counts["enrollments"]:
        held.append(_("%(n)d 条参训记录") % {"n": counts["enrollments"]})
    providers = list(
        subject.provider_subjects.select_related("provider").values_list("provider__name", flat=True)
    )
    if providers:
        held.append(_("承担单位%(names)s") % {"names": "、".join(providers)})
    if counts["classes"]:
        held.append(_("%(n)d 个培训班级") % {"n": counts["classes"]})
    return held


@transaction.atomic
def subject_remove(*, actor, subject: Subject) -> None:
    """Remove a subject nothing uses yet; refused, naming what uses it, otherwise."""
    project = subject.project
    _check_manage(actor=actor, project=project)
    _lock(project)
    held = subject_holders(subject=subject)
    if held:
        raise ValidationError(
            _("不能删除学科“%(label)s”：它还有%(held)s。请先删除这些名额或取消分配。")
            % {"label": subject.label, "held": "、".join(held)},
            code="subject_in_use",
        )
    label = subject.label
    try:
        with transaction.atomic():
            subject.delete()
    except ProtectedError as exc:  # something beyond this app still points at it: a reported table
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError(
            _("不能删除学科“%(label)s”：它还有%(held)s。") % {"label": label, "held": "、".join(kinds)},
            code="subject_in_use",
        ) from exc
    audit_record(actor=actor, verb="training.subject_removed", target=project, data={"subject": label})


# --- Quotas (REP-8) -----------------------------------------------------------------------------------------


def quota_regions_allowed(*, project: Project) -> dict[str, Region]:
    """The regions a quota of the project may be given to: its provinces and their cities, by code."""
    provinces = list(project.provinces.all())
    cities = Region.objects.filter(level=Region.Level.CITY, parent_id__in=[p.code for p in provinces])
    return {r.code: r for r in [*provinces, *cities]}


def _check_quota_region(*, project: Project, region: Region) -> str | None:
    """Why a quota cannot go to this region, or None."""
    if region.level not in (Region.Level.PROVINCE, Region.Level.CITY):
        return _("名额只按省或地市分配，%(name)s（%(code)s）不是省或地市。") % {
            "name": region.name,
            "code": region.code,
        }
    province_code = region.province_code
    if not project.provinces.filter(code=province_code).exists():
        if region.level == Region.Level.PROVINCE:
            return _("%(name)s不是本项目的参与省份。请先在项目设置中加入该省。") % {"name": region.name}
        province = Region.objects.get(code=province_code)
        return _("%(name)s所在的%(province)s不是本项目的参与省份。请先在项目设置中加入%(province)s。") % {
            "name": region.name,
            "province": province.name,
        }
    return None


@transaction.atomic
def quota_set(*, actor, project: Project, region: Region, subject: Subject, places: int) -> Quota | None:
    """Set one quota; 0 places removes it (None is returned)."""
    _check_manage(actor=actor, project=project)
    errors: dict[str, list[str]] = {}
    problem = _check_quota_region(project=project, region=region)
    if problem:
        errors["region"] = [problem]
    if subject.project_id != project.pk:
        errors["subject"] = [_("该学科不属于本项目。")]
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= PLACES_MAX:
        errors["places"] = [_("名额应为 0 到 %(max)d 之间的整数（0 表示删除该名额）。") % {"max": PLACES_MAX}]
    if errors:
        raise ValidationError(errors)
    _lock(project)
    quota = Quota.objects.filter(project=project, region=region, subject=subject).first()
    before = quota.places if quota else 0
    if places == 0:
        if quota is not None:
            quota.delete()
        quota = None
    elif quota is None:
        quota = Quota.objects.create(project=project, region=region, subject=subject, places=places)
    elif quota.places != places:
        quota.places = places
        quota.save(update_fields=["places"])
    if before != places:
        audit_record(
            actor=actor,
            verb="training.quota_set",
            target=project,
            data={"region": region.code, "subject": subject.label, "before": before, "after": places},
        )
    return quota


# The quota file (REP-8): one row per quota, the layout of the download.
QUOTA_COLUMNS = ("地区代码", "地区", "学段", "学科", "名额")
CODE_COL, REGION_COL, STAGE_COL, SUBJECT_COL, PLACES_COL = QUOTA_COLUMNS
QUOTA_MAX_BYTES = 5 * 1024 * 1024  # every province, city and subject fits in well under 1 MB
QUOTA_MAX_ROWS = 20_000


@dataclass(frozen=True)
class QuotaEntry:
    row: int
    region: Region
    subject: Subject
    places: int


@dataclass
class QuotaFileCheck:
    rows: int = 0  # data rows (blank rows are not counted)
    entries: list[QuotaEntry] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class QuotaImportResult:
    created: int
    changed: int
    unchanged: int
    removed: int


class QuotaFileRejected(Exception):
    """The file was not saved: every error with its row (0 for the whole file) and column."""

    def __init__(self, errors: list[RosterError], rows: int = 0):
        super().__init__(errors[0].message if errors else "")
        self.errors = errors
        self.rows = rows


def _header(row: list[object]) -> list[str]:
    # As the roster's headers: blanks dropped, a "*" or "(必填)" marking a required column ignored.
    return [clean_code(cell_text(v)).replace("(必填)", "").strip("*") for v in row]


def _pick_quota_sheet(sheets) -> tuple[list[list[object]], dict[str, int]] | None:
    for _name, rows in sheets:
        if rows:
            header = _header(rows[0])
            if all(c in header for c in QUOTA_COLUMNS):
                return rows, {c: header.index(c) for c in QUOTA_COLUMNS}
    return None


class _Bad(Exception):
    """One cell of a quota row that cannot be used: its column, and what to do about it."""

    def __init__(self, column: str, code: str, message: str):
        super().__init__(message)
        self.column, self.code, self.message = column, code, message


def _short(name: str) -> str:
    return name.removesuffix("省").removesuffix("市")


class _QuotaCells:
    """Reads the cells of a quota row into a region, a subject and places; lookups prepared once."""

    def __init__(self, *, project: Project, codes: set[str]):
        self.allowed = quota_regions_allowed(project=project)
        self.known = {r.code: r for r in Region.objects.filter(code__in=codes)}
        self.by_name: dict[str, list[Region]] = {}
        self.province_names: dict[str, str] = {}
        for region in Region.objects.filter(level__in=(Region.Level.PROVINCE, Region.Level.CITY)):
            for alias in {region.name, _short(region.name)}:
                self.by_name.setdefault(alias, []).append(region)
            if region.level == Region.Level.PROVINCE:
                self.province_names[region.code] = region.name
        self.subjects = {s.label: s for s in project.subjects.all()}

    def region(self, code: str, name: str) -> Region:
        """By code, by name, or both when they agree; then it must be a province of the project or one of
        its cities."""
        column = CODE_COL if code else REGION_COL
        if code:
            region = self.known.get(code)
            if region is None:
                raise _Bad(
                    CODE_COL,
                    "unknown_region",
                    _("地区代码“%(code)s”不存在。请填写6位行政区划代码，如广州市 440100。") % {"code": code},
                )
            if name and name not in (region.name, _short(region.name)):
                raise _Bad(
                    REGION_COL,
                    "region_mismatch",
                    _("地区代码 %(code)s 是%(real)s，与地区“%(name)s”不符。请核对后改正其中一项。")
                    % {"code": code, "real": region.name, "name": name},
                )
        elif name:
            region = self._named(name)
        else:
            raise _Bad(CODE_COL, "required", _("请填写地区代码或地区名称。"))
        if region.code in self.allowed:
            return region
        if region.level not in (Region.Level.PROVINCE, Region.Level.CITY):
            raise _Bad(
                column,
                "region_level",
                _("%(name)s（%(code)s）不是省或地市：名额只按省或地市分配。请改填它所在地市的代码 %(city)s。")
                % {"name": region.name, "code": region.code, "city": region.code[:4] + "00"},
            )
        if region.level == Region.Level.PROVINCE:
            raise _Bad(
                column,
                "province_not_in_project",
                _("%(name)s不是本项目的参与省份。请删除这一行，或先在项目设置中加入该省。")
                % {"name": region.name},
            )
        raise _Bad(
            column,
            "province_not_in_project",
            _("%(name)s所在的%(province)s不是本项目的参与省份。请删除这一行，或先在项目设置中加入该省。")
            % {"name": region.name, "province": self.province_names.get(region.province_code, "")},
        )

    def _named(self, name: str) -> Region:
        found = self.by_name.get(name, [])
        provinces = [r for r in found if r.level == Region.Level.PROVINCE]
        if provinces and all(r.code[:2] == provinces[0].code[:2] for r in found):
            # A municipality's one "city" (北京市 110100) has the province's name: the province is meant.
            found = provinces[:1]
        found = [r for r in found if r.code in self.allowed] or found  # the project's own, when both exist
        if not found:
            raise _Bad(
                REGION_COL,
                "unknown_region",
                _("找不到名为“%(name)s”的省或地市。请改正名称，或填写地区代码。") % {"name": name},
            )
        if len(found) > 1:
            raise _Bad(
                REGION_COL,
                "ambiguous_region",
                _("有多个地区名为“%(name)s”（%(codes)s）。请填写地区代码。")
                % {"name": name, "codes": "、".join(r.code for r in found)},
            )
        return found[0]

    def subject(self, stage: str, name: str) -> Subject:
        """学段 + 学科, or the whole label in 学科 (初中数学); the plan's other names (品德与社会) too."""
        if not name:
            raise _Bad(SUBJECT_COL, "required", _("请填写学科，如“数学”（学段填在“学段”列）。"))
        label = name if name.startswith(SUBJECT_STAGES) else f"{stage}{name}"
        subject = self.subjects.get(label)
        alias = next((a for a in SUBJECT_ALIASES if label.endswith(a)), None)
        if subject is None and alias:
            subject = self.subjects.get(label[: -len(alias)] + SUBJECT_ALIASES[alias])
        if subject is None:
            raise _Bad(
                SUBJECT_COL if stage else STAGE_COL,
                "unknown_subject",
                _("本项目没有学科“%(label)s”。本项目的学科有：%(subjects)s。请改正，或先在学科页面添加它。")
                % {"label": label, "subjects": "、".join(self.subjects) or _("（还没有学科）")},
            )
        return subject

    @staticmethod
    def places(value: object, text: str) -> int:
        """A whole number from 0 (which removes the quota) up to PLACES_MAX."""
        if not text:
            raise _Bad(PLACES_COL, "required", _("请填写名额：0 或正整数（0 表示删除该名额）。"))
        places = None
        if isinstance(value, int) and not isinstance(value, bool):
            places = value
        elif isinstance(value, float) and value.is_integer():
            places = int(value)
        elif isinstance(value, str) and clean_code(value).isdigit():
            places = int(clean_code(value))
        if places is None or not 0 <= places <= PLACES_MAX:
            raise _Bad(
                PLACES_COL,
                "places",
                _("名额“%(value)s”不是 0 到 %(max)d 之间的整数。请填写整数，如 120。")
                % {"value": text, "max": PLACES_MAX},
            )
        return places


def _rejected(row: int, code: str, message: str) -> QuotaFileRejected:
    return QuotaFileRejected([RosterError(row, "", code, message)])


def quota_file_check(*, project: Project, path: str | os.PathLike) -> QuotaFileCheck:
    """Read a quota file and say what is wrong with it, cell by cell; nothing is written.

    Raises QuotaFileRejected when the file cannot be read at all (not an xlsx, too big, no header).
    """
    try:
        sheets = xlsx_visible_sheets(path=path, max_bytes=QUOTA_MAX_BYTES, max_rows=QUOTA_MAX_ROWS)
    except RosterUnusable as exc:
        raise _rejected(0, exc.code, exc.message) from exc
    picked = _pick_quota_sheet(sheets)
    if picked is None:
        raise _rejected(
            1,
            "header",
            _("没有找到名额表：第1行应是表头“%(columns)s”。请在下载的名额表中填写后上传。")
            % {"columns": "、".join(QUOTA_COLUMNS)},
        )
    rows, at = picked
    if len(rows) > QUOTA_MAX_ROWS + 1:
        raise _rejected(
            0,
            "too_many_rows",
            _("名额表最多 %(n)d 行，这个文件超过了。请每个地区每个学科只填一行。") % {"n": QUOTA_MAX_ROWS},
        )
    lines = []  # (Excel row number, raw cells, their text), blank rows left out
    for number, raw in enumerate(rows[1:], start=2):
        cells = {c: (raw[i] if i < len(raw) else None) for c, i in at.items()}
        texts = {c: clean_code(cell_text(v)) for c, v in cells.items()}
        if any(texts.values()):
            lines.append((number, cells, texts))
    read = _QuotaCells(project=project, codes={texts[CODE_COL] for _n, _c, texts in lines})
    check = QuotaFileCheck(rows=len(lines))
    first_row: dict[tuple[str, int], int] = {}
    for number, cells, texts in lines:
        found = {}
        for key, get, args in (
            ("region", read.region, (texts[CODE_COL], texts[REGION_COL])),
            ("subject", read.subject, (texts[STAGE_COL], texts[SUBJECT_COL])),
            ("places", read.places, (cells[PLACES_COL], texts[PLACES_COL])),
        ):
            try:
                found[key] = get(*args)
            except _Bad as bad:
                check.errors.append(RosterError(number, bad.column, bad.code, bad.message))
        if len(found) < 3:
            continue
        region, subject = found["region"], found["subject"]
        first = first_row.setdefault((region.code, subject.pk), number)
        if first != number:
            check.errors.append(
                RosterError(
                    number,
                    "",
                    "duplicate",
                    _("与第%(first)d行重复：%(region)s %(subject)s 只能有一行。请删除或合并其中一行。")
                    % {"first": first, "region": region.name, "subject": subject.label},
                )
            )
            continue
        check.entries.append(QuotaEntry(number, region, subject, found["places"]))
    if not lines:
        check.errors.append(
            RosterError(0, "", "empty", _("名额表中没有数据行。请在表头下方每行填写一个地区一个学科的名额。"))
        )
    return check


@transaction.atomic
def quotas_import(*, actor, project: Project, path: str | os.PathLike, replace: bool) -> QuotaImportResult:
    """Save the quotas of a file, all of them or none: any bad row raises QuotaFileRejected.

    With `replace`, the file is the whole list and a quota it does not name is removed; otherwise the quotas
    it does not name are kept. A row of 0 places removes its quota either way.
    """
    _check_manage(actor=actor, project=project)
    check = quota_file_check(project=project, path=path)
    if not check.ok:
        raise QuotaFileRejected(check.errors, rows=check.rows)
    project = _lock(project)
    existing = {(q.region_id, q.subject_id): q for q in Quota.objects.filter(project=project)}
    to_create, to_update, to_delete = [], [], []
    unchanged = 0
    named = set()
    for entry in check.entries:
        key = (entry.region.code, entry.subject.pk)
        named.add(key)
        quota = existing.get(key)
        if entry.places == 0:
            if quota is not None:
                to_delete.append(quota.pk)
        elif quota is None:
            to_create.append(
                Quota(project=project, region=entry.region, subject=entry.subject, places=entry.places)
            )
        elif quota.places != entry.places:
            quota.places = entry.places
            to_update.append(quota)
        else:
            unchanged += 1
    if replace:
        to_delete += [q.pk for key, q in existing.items() if key not in named]
    Quota.objects.filter(pk__in=to_delete).delete()
    Quota.objects.bulk_update(to_update, ["places"], batch_size=500)
    Quota.objects.bulk_create(to_create, batch_size=500)
    result = QuotaImportResult(
        created=len(to_create), changed=len(to_update), unchanged=unchanged, removed=len(to_delete)
    )
    audit_record(
        actor=actor,
        verb="training.quotas_imported",
        target=project,
        data={"replace": replace, "rows": check.rows, **result.__dict__},
    )
    return result


def quotas_upload(*, actor, project: Project, uploaded_file, replace: bool) -> QuotaImportResult:
    """An uploaded quota file: its size is checked before anything reads it, then quotas_import."""
    _check_manage(actor=actor, project=project)
    if uploaded_file.size > QUOTA_MAX_BYTES:
        raise QuotaFileRejected(
            [
                RosterError(
                    0,
                    "",
                    "too_large",
                    _(
                        "文件有 %(size).1f MB，超过了上限 %(limit)d MB。"
                        "名额表只需一张工作表，请删除其余内容后再上传。"
                    )
                    % {"size": uploaded_file.size / 2**20, "limit": QUOTA_MAX_BYTES // 2**20},
                )
            ]
        )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in uploaded_file.chunks():
            tmp.write(chunk)
        tmp.flush()
        return quotas_import(actor=actor, project=project, path=tmp.name, replace=replace)
