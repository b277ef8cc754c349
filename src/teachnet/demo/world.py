"""The 国培计划(2011) demo world behind `teachnet demo` (`make demo`).

Builds as much of the GP plan (seeds/004) as the current models reach: the project office, the eight
providers, the education bureaus of the eight provinces and of their cities, counties with a bureau, a
remote-learning workstation and schools (ORG-1, ORG-2), the project itself (TRN-1), one login per role
(ORG-3) and a few thousand learners issued the way real ones are, without a password (ORG-4).

2011 is in its reporting phase, with nothing yet to study; so beside it stands a smaller 国培计划(2010), a
week into its remote training: an approved 初中体育 course, a Guangzhou class with the demo learner in it and
the demo tutor over it, a plan and a week of study (LRN-1 … LRN-5), so that the learner can study at once
and the tutor has records to read.

Every step first finds what an earlier run made, so a second run creates nothing and never changes a
password unless asked to. The learners come from a seeded random generator, so every run and every machine
makes the same people.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.models import RoleAssignment, User
from teachnet.accounts.roles import Role
from teachnet.accounts.services import NewPerson, accounts_issue, user_create
from teachnet.core import protect
from teachnet.core.identity import id_check_char
from teachnet.core.services import audit_record
from teachnet.orgs.models import Organization, Region
from teachnet.orgs.services import organization_create, regions_load
from teachnet.training.models import Project

Log = Callable[[str], None]

DEFAULT_LEARNERS = 3000
SEED = 2011
# Where `make demo` serves unless told otherwise (`make demo HOST=… PORT=…` passes --url).
URL = "http://127.0.0.1:8000"
SAMPLE_ROSTER = "学员信息表-广州市-初中数学-示例.xlsx"

PROJECT_NAME = "国培计划(2011)——义务教育骨干教师远程培训项目"
PROJECT_SHORT_NAME = "国培计划(2011)"
OFFICE_NAME = "“国培计划”——中小学教师远程培训项目执行办公室"
# The smaller project in its remote training: two provinces, the providers of its few subjects.
PROJECT2010_NAME = "国培计划(2010)——中小学教师远程培训项目"
PROJECT2010_SHORT_NAME = "国培计划(2010)"
PROJECT2010_PROVINCES = ("110000", "440000")
PROJECT2010_HEADCOUNT = 6000
# The demo learner's classmates in 2010: bulk learners of their city (Guangzhou), so one class holds them.
CLASSMATES = 39
# 2010's remote training began this many days ago: a week of study lies behind its learners.
HISTORY_DAYS_IN = 8

# 北京、天津、辽宁、江苏、浙江、福建、山东、广东 (GP: 目标任务).
PROVINCE_CODES = ("110000", "120000", "210000", "320000", "330000", "350000", "370000", "440000")
# A municipality's one city level (北京市 110100) has no bureau of its own: its districts answer to the
# municipal commission (北京市教育委员会).
MUNICIPALITY_PREFIXES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    short_name: str
    district: str  # where it sits; the city is used if the code is missing from the Region table
    website: str
    subjects: tuple[str, ...]  # GP 五.4, kept here for the training app's subjects (TRN-2)


PROVIDERS = (
    ProviderSpec("北京师范大学", "北师大", "110108", "www.bnude.cn", ("小学体育", "初中体育")),
    ProviderSpec("西南大学", "西南大学", "500109", "www.westou.com", ("初中物理",)),
    ProviderSpec("北京大学", "北大", "110108", "train.pkudl.cn", ("小学语文", "初中语文", "初中化学")),
    ProviderSpec("中国教育电视台", "教育电视台", "110102", "study.guoshi.com", ("小学美术", "初中美术")),
    ProviderSpec("高等教育出版社", "高教社", "110102", "online.enetedu.com", ("初中地理",)),
    ProviderSpec(
        "全国中小学教师继续教育网",
        "继教网",
        "110108",
        "www.teacher.com.cn",
        ("小学数学", "初中数学", "初中历史", "初中生物"),
    ),
    ProviderSpec(
        "百年树人网",
        "百年树人",
        "110105",
        "2010.edu12.com.cn",
        ("小学品德与生活（品德与社会）", "初中思想品德", "小学音乐", "初中音乐"),
    ),
    ProviderSpec("奥鹏远程教育中心", "奥鹏", "110108", "guopei.openedu.cn", ("小学英语", "初中英语")),
)

# The counties that get a bureau, a workstation and schools: Guangdong (the personas' province) most, two
# or three districts of one or two cities elsewhere. Codes missing from the Region table are skipped.
SCHOOL_COUNTIES = (
    *("440104", "440105", "440106", "440111", "440113"),  # 广州: 越秀 海珠 天河 白云 番禺
    *("440303", "440304", "440305", "440306"),  # 深圳: 罗湖 福田 南山 宝安
    *("440604", "440605", "440606"),  # 佛山: 禅城 南海 顺德
    *("110101", "110102", "110105", "110108"),  # 北京: 东城 西城 朝阳 海淀
    *("120101", "120103", "120104"),  # 天津: 和平 河西 南开
    *("210102", "210103", "210202", "210204"),  # 沈阳: 和平 沈河; 大连: 中山 沙河口
    *("320102", "320106", "320508", "320506", "320583"),  # 南京: 玄武 鼓楼; 苏州: 姑苏 吴中, 昆山市
    *("330102", "330106", "330203", "330212"),  # 杭州: 上城 西湖; 宁波: 海曙 鄞州
    *("350102", "350104", "350203", "350206"),  # 福州: 鼓楼 仓山; 厦门: 思明 湖里
    *("370102", "370103", "370202", "370212"),  # 济南: 历下 市中; 青岛: 市南 崂山
)
# Every county has a 第一小学 and a 第一中学 (the demo learner teaches at 广州市天河区第一小学); the other
# names rotate so neighbouring counties differ.
PRIMARY_NAMES = ("第二", "第三", "实验", "育才", "中心", "启明", "新华", "培新", "明德", "红星")
MIDDLE_NAMES = ("第二", "实验", "育才", "外国语", "培英", "启智", "崇文", "第三")
PRIMARY_PER_COUNTY = 4
MIDDLE_PER_COUNTY = 3


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    real_name: str
    phone: str
    id_first17: str  # place, birth date, sequence; the 17th digit is odd for men, even for women
    home: str  # key into DemoWorld.named: the person's organization, and the role's scope unless scope_region
    scope_region: str | None = None


DEMO_LOGINS = (
    LoginSpec(
        "office", Role.PROJECT_OFFICE, "王立新", "13911020001", "11010219680412011", "office", "000000"
    ),
    LoginSpec(
        "gd_lead", Role.PROVINCE_LEAD, "陈志强", "13802440001", "44010419720918031", "gd_bureau", "440000"
    ),
    LoginSpec("gz_lead", Role.CITY_LEAD, "李晓梅", "13902440101", "44010619760305022", "gz_bureau", "440100"),
    LoginSpec("sz_lead", Role.CITY_LEAD, "黄伟", "13802440301", "44030419790621015", "sz_bureau", "440300"),
    LoginSpec("provider", Role.PROVIDER_ADMIN, "赵文静", "13611080001", "11010819810127024", "bnu"),
    LoginSpec("expert", Role.CHIEF_EXPERT, "孙明远", "13911080002", "11010819620814017", "bnu"),
    LoginSpec("tutor", Role.TUTOR, "周丽华", "13611080003", "11010819840709028", "bnu"),
    LoginSpec("learner", Role.LEARNER, "林小燕", "13902440102", "44010619860530046", "gz_school"),
)
DEMO_USERNAMES = frozenset(spec.username for spec in DEMO_LOGINS)
# Leads of Jiangsu whose tables are under way in the demo: people with a role and no password (they would
# activate their accounts with a code), so the office's board shows more than one province moving.
ROLE_HOLDERS = (
    LoginSpec(
        "js_lead", Role.PROVINCE_LEAD, "吴建华", "13905320001", "32010219700315033", "320000", "320000"
    ),
    LoginSpec("nj_lead", Role.CITY_LEAD, "徐静", "13905320101", "32010619780422046", "320100", "320100"),
    LoginSpec("suz_lead", Role.CITY_LEAD, "沈卫东", "13905320501", "32050819750809017", "320500", "320500"),
)
SUPERUSER_NAME = "admin"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Most common first: a surname's weight falls with its rank, as it does in the population.
SURNAME_WEIGHTS = tuple(1 / (rank + 8) for rank in range(len(SURNAMES)))
GIVEN_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰志文东海亮成晨博立新永庆德荣智卫兵江"
)
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪梅琳洁红英慧萍莉颖倩丹璐琴云秀佳晶欣蕾彤瑶怡媛淑珍凤兰悦"
GIVEN_EITHER = "小晓文春海玉雅永建金"
FEMALE_SHARE = 0.62  # most compulsory-education teachers are women
BIRTH_FIRST = dt.date(1965, 1, 1)
BIRTH_DAYS = (dt.date(1995, 12, 31) - BIRTH_FIRST).days + 1
MOBILE_PREFIXES = (
    *("130", "131", "132", "133", "134", "135", "136", "137", "138", "139"),
    *("150", "151", "152", "153", "155", "156", "157", "158", "159", "147"),
    *("180", "181", "182", "183", "184", "185", "186", "187", "188", "189"),
)


# --- Results ----------------------------------------------------------------------------------------------


@dataclass
class DemoWorld:
    office: Organization
    providers: list[Organization]
    provinces: list[Region]
    schools: list[Organization]
    named: dict[str, Organization]  # the organizations the demo logins belong to
    created: int
    existing: int


@dataclass(frozen=True)
class LoginLine:
    role_label: str
    username: str
    password: str | None  # None: unchanged, set by an earlier run
    created: bool


@dataclass(frozen=True)
class LearnerResult:
    created: int
    existing: int


@dataclass(frozen=True)
class StudyResult:
    """国培计划(2010)'s course and class as the demo left them; training_class is None when skipped."""

    course: str  # what became of the course: approved, or why it was skipped
    training_class: object | None = None  # training.TrainingClass
    members: int = 0
    studied: int = 0  # learners of the class with some study
    figures: dict[str, int] = field(default_factory=dict)  # what this run wrote (learning.demo)


@dataclass
class DemoSummary:
    regions: int
    organizations: int
    users: int
    learners: int
    logins: list[LoginLine] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    study: StudyResult | None = None


# --- Steps ------------------------------------------------------------------------------------------------


@transaction.atomic
def demo_regions_ensure() -> tuple[int, bool]:
    """The division codes, loaded unless some are there already. Returns (count, loaded now)."""
    if Region.objects.exists():
        return Region.objects.count(), False
    regions_load()
    return Region.objects.count(), True


class _OrgFinder:
    """Finds an organization by (region, name), as the unique constraint does, or creates it."""

    def __init__(self) -> None:
        self.existing = {(o.region_id, o.name): o for o in Organization.objects.all()}
        self.created = 0
        self.found = 0

    def get(
        self, *, name: str, type: str, region: Region, parent: Organization | None = None, **extra
    ) -> Organization:
        org = self.existing.get((region.code, name))
        if org is not None:
            self.found += 1
            return org
        org = organization_create(name=name, type=type, region=region, parent=parent, **extra)
        self.existing[(region.code, name)] = org
        self.created += 1
        return org


def _located(regions: dict[str, Region], code: str) -> Region:
    """The region itself, else its city, else its province: a provider needs a plausible home."""
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in regions:
            return regions[candidate]
    raise ValueError(f"The Region table has neither {code} nor its city or province.")


def _bureau_name(region: Region) -> str:
    if region.level == Region.Level.PROVINCE:
        is_municipality = region.code[:2] in MUNICIPALITY_PREFIXES
        return f"{region.name}{'教育委员会' if is_municipality else '教育厅'}"
    return f"{region.name}教育局"


def _county_prefix(county: Region, regions: dict[str, Region]) -> str:
    """广州市天河区…, 北京市海淀区…, but 昆山市… for a county-level city."""
    if county.name.endswith("市"):
        return ""
    if county.code[:2] in MUNICIPALITY_PREFIXES:
        return regions[county.code[:2] + "0000"].name
    return regions[county.code[:4] + "00"].name


def _school_names(place: str, index: int) -> list[str]:
    def rotated(names: tuple[str, ...], count: int) -> list[str]:
        return ["第一"] + [names[(index + k) % len(names)] for k in range(count - 1)]

    return [f"{place}{n}小学" for n in rotated(PRIMARY_NAMES, PRIMARY_PER_COUNTY)] + [
        f"{place}{n}中学" for n in rotated(MIDDLE_NAMES, MIDDLE_PER_COUNTY)
    ]


@transaction.atomic
def demo_organizations_ensure() -> DemoWorld:
    """The project office, the providers, the bureaus, and for SCHOOL_COUNTIES a workstation and schools."""
    regions = Region.objects.in_bulk()
    orgs = _OrgFinder()
    office = orgs.get(
        name=OFFICE_NAME,
        type=Organization.Type.PROJECT_OFFICE,
        region=regions["110000"],
        short_name="国培项目办",
    )
    providers = [
        orgs.get(
            name=spec.name,
            type=Organization.Type.PROVIDER,
            region=_located(regions, spec.district),
            short_name=spec.short_name,
            website=spec.website,
        )
        for spec in PROVIDERS
    ]
    provinces = [regions[code] for code in PROVINCE_CODES]
    bureaus: dict[str, Organization] = {}
    for province in provinces:
        bureaus[province.code] = orgs.get(
            name=_bureau_name(province), type=Organization.Type.BUREAU, region=province
        )
        if province.code[:2] in MUNICIPALITY_PREFIXES:
            continue
        cities = sorted(
            (r for r in regions.values() if r.parent_id == province.code and r.level == Region.Level.CITY),
            key=lambda r: r.code,
        )
        for city in cities:
            bureaus[city.code] = orgs.get(
                name=_bureau_name(city),
                type=Organization.Type.BUREAU,
                region=city,
                parent=bureaus[province.code],
            )
    schools: list[Organization] = []
    named: dict[str, Organization] = {}
    for index, code in enumerate(c for c in SCHOOL_COUNTIES if c in regions):
        county = regions[code]
        above = bureaus[code[:2] + "0000"] if code[:2] in MUNICIPALITY_PREFIXES else bureaus[code[:4] + "00"]
        prefix = _county_prefix(county, regions)
        bureau = orgs.get(
            name=f"{prefix}{county.name}教育局", type=Organization.Type.BUREAU, region=county, parent=above
        )
        orgs.get(
            name=f"{county.name}教师远程学习工作站",
            type=Organization.Type.WORKSTATION,
            region=county,
            parent=bureau,
        )
        county_schools = [
            orgs.get(name=name, type=Organization.Type.SCHOOL, region=county, parent=bureau)
            for name in _school_names(f"{prefix}{county.name}", index)
        ]
        schools.extend(county_schools)
        if code == "440106":
            named["gz_school"] = county_schools[0]
    named.update(
        office=office,
        bnu=providers[0],
        gd_bureau=bureaus["440000"],
        gz_bureau=bureaus["440100"],
        sz_bureau=bureaus["440300"],
    )
    return DemoWorld(
        office=office,
        providers=providers,
        provinces=provinces,
        schools=schools,
        named=named,
        created=orgs.created,
        existing=orgs.found,
    )


@transaction.atomic
def demo_project_ensure(*, world: DemoWorld) -> tuple[Project, bool]:
    """国培计划(2011): eight provinces, eight providers, 100,000 teachers (TRN-1)."""
    project, created = Project.objects.get_or_create(
        name=PROJECT_NAME,
        defaults={
            "short_name": PROJECT_SHORT_NAME,
            "year": 2011,
            "target_headcount": 100_000,
            "office": world.office,
        },
    )
    # add() skips what is there already, and restores a province or provider someone removed.
    project.provinces.add(*world.provinces)
    project.providers.add(*world.providers)
    return project, created


@transaction.atomic
def demo_project2010_ensure(*, world: DemoWorld) -> tuple[Project, bool]:
    """国培计划(2010): Beijing and Guangdong, the providers of its few subjects (TRN-1)."""
    project, created = Project.objects.get_or_create(
        name=PROJECT2010_NAME,
        defaults={
            "short_name": PROJECT2010_SHORT_NAME,
            "year": 2010,
            "target_headcount": PROJECT2010_HEADCOUNT,
            "office": world.office,
        },
    )
    project.provinces.add(*[p for p in world.provinces if p.code in PROJECT2010_PROVINCES])
    return project, created


def _new_password(user: User) -> str:
    """A random password that Django's validators accept (16 random characters always are; checked anyway)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _password_set(user: User) -> str:
    password = _new_password(user)
    user.set_password(password)
    user.activated_at = user.activated_at or timezone.now()
    user.save(update_fields=["password", "activated_at"])
    audit_record(actor=None, verb="account.password_reset", target=user, data={"by": "teachnet demo"})
    return password


@transaction.atomic
def demo_role_holders_ensure(*, projects: Sequence[Project]) -> dict[str, User]:
    """ROLE_HOLDERS, each at the education bureau of their region (home: its code), with their role in each
    project; region code of the scope → the person."""
    from teachnet.orgs.models import Organization as Org

    holders = {}
    for spec in ROLE_HOLDERS:
        bureau = Org.objects.filter(type=Org.Type.BUREAU, region_id=spec.home).order_by("pk").first()
        if bureau is None:
            continue
        user = User.objects.filter(username=spec.username).first() or user_create(
            username=spec.username,
            real_name=spec.real_name,
            phone=spec.phone,
            id_card=spec.id_first17 + id_check_char(spec.id_first17),
            organization=bureau,
        )
        for project in projects:
            RoleAssignment.objects.get_or_create(
                user=user, role=spec.role, region_id=spec.scope_region, organization=None, project=project
            )
        holders[spec.scope_region] = user
    return holders


def demo_reporting_activity(*, project: Project, world: DemoWorld):
    """2011's reporting under way (reporting.demo): tables of Guangdong's and Jiangsu's cities uploaded,
    submitted, returned and approved by the people whose work that is."""
    from teachnet.reporting.demo import demo_reporting_activity_ensure

    leads = {spec.scope_region: spec.username for spec in DEMO_LOGINS if spec.scope_region}
    people = {u.username: u for u in User.objects.filter(username__in=leads.values())}
    by_region = {code: people[name] for code, name in leads.items() if name in people}
    by_region.update(demo_role_holders_ensure(projects=[project]))
    folder = Path(settings.PRIVATE_ROOT) / "demo-tables"
    return demo_reporting_activity_ensure(project=project, lead_for=by_region.__getitem__, folder=folder)


def demo_logins_ensure(
    *,
    world: DemoWorld,
    projects: Sequence[Project],
    reset_passwords: bool = False,
    superuser: bool = False,
) -> list[LoginLine]:
    """One login per role (ORG-3), holding it in each of the projects, each with a random password; an
    existing one keeps its password."""
    lines = []
    for spec in DEMO_LOGINS:
        home = world.named[spec.home]
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            password = _new_password(User(username=spec.username, real_name=spec.real_name))
            user = user_create(
                username=spec.username,
                real_name=spec.real_name,
                phone=spec.phone,
                id_card=spec.id_first17 + id_check_char(spec.id_first17),
                organization=home,
                region=home.region if spec.role == Role.LEARNER else None,
                password=password,
            )
            created = True
        else:
            password = _password_set(user) if reset_passwords else None
            created = False
        for project in projects:
            RoleAssignment.objects.get_or_create(
                user=user,
                role=spec.role,
                region_id=spec.scope_region,
                organization=None if spec.scope_region else home,
                project=project,
            )
        lines.append(LoginLine(Role(spec.role).label, spec.username, password, created))
    if superuser:
        admin = User.objects.filter(username=SUPERUSER_NAME).first()
        if admin is None:
            password = _new_password(User(username=SUPERUSER_NAME))
            User.objects.create_superuser(
                username=SUPERUSER_NAME,
                email="",
                password=password,
                real_name="平台管理员",
                activated_at=timezone.now(),
            )
            lines.append(LoginLine("超级管理员", SUPERUSER_NAME, password, True))
        else:
            password = _password_set(admin) if reset_passwords else None
            lines.append(LoginLine("超级管理员", SUPERUSER_NAME, password, False))
    return lines


def _people(rng: random.Random, schools: Sequence[Organization]) -> Iterator[NewPerson]:
    """An endless, repeatable stream of distinct, plausible teachers of the given schools.

    The ID-card number begins with the school's county code and encodes the birth date and the gender
    (GB 11643); the check character is computed, so every number validates.
    """
    seen_ids: set[str] = set()
    seen_phones: set[str] = set()
    while True:
        school = rng.choice(schools)
        female = rng.random() < FEMALE_SHARE
        given = GIVEN_FEMALE if female else GIVEN_MALE
        name = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        if rng.random() < 0.7:
            name += rng.choice(given + GIVEN_EITHER)
        name += rng.choice(given)
        born = BIRTH_FIRST + dt.timedelta(days=rng.randrange(BIRTH_DAYS))
        sequence = f"{rng.randrange(100):02d}{rng.choice('02468' if female else '13579')}"
        first17 = f"{school.region_id}{born:%Y%m%d}{sequence}"
        id_card = first17 + id_check_char(first17)
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if id_card in seen_ids or phone in seen_phones:
            continue
        seen_ids.add(id_card)
        seen_phones.add(phone)
        yield NewPerson(
            real_name=name,
            phone=phone,
            id_card=id_card,
            organization_id=school.pk,
            region_id=school.region_id,
        )


def _untaken(people: list[NewPerson]) -> list[NewPerson]:
    """Those whose ID-card and phone numbers no account has yet (an earlier run made the same people)."""
    id_hashes = {p.id_card: protect.blind_index("id_card", p.id_card) for p in people}
    phone_hashes = {p.phone: protect.blind_index("phone", p.phone) for p in people}
    taken_ids = set(
        User.objects.filter(id_card_hash__in=id_hashes.values()).values_list("id_card_hash", flat=True)
    )
    taken_phones = set(
        User.objects.filter(phone_hash__in=phone_hashes.values()).values_list("phone_hash", flat=True)
    )
    return [
        p
        for p in people
        if id_hashes[p.id_card] not in taken_ids and phone_hashes[p.phone] not in taken_phones
    ]


@transaction.atomic
def demo_learners_ensure(
    *, world: DemoWorld, project: Project, count: int, seed: int = SEED
) -> LearnerResult:
    """Up to `count` learners of the project, spread over the demo schools (ORG-4, TRN-7).

    They are issued like real ones: no usable password and an activation code, which is dropped here;
    an administrator exports fresh codes from the accounts pages when someone is to log in as one.
    """
    from teachnet.training.models import Enrollment

    # The people of the tables approved in the demo (demo_reporting_activity) came by another road.
    reported = Enrollment.objects.filter(project=project, source__startswith="submission:").values("user_id")
    existing = (
        RoleAssignment.objects.filter(project=project, role=Role.LEARNER)
        .exclude(user__username__in=DEMO_USERNAMES)
        .exclude(user_id__in=reported)
        .count()
    )
    need = count - existing
    if need <= 0 or not world.schools:
        return LearnerResult(created=0, existing=existing)
    # The same seed gives the same people in the same order: those an earlier run created are found taken
    # and skipped, so a larger --learners adds only the difference.
    stream = _people(random.Random(seed), world.schools)
    people: list[NewPerson] = []
    while len(people) < need:
        people += _untaken(list(islice(stream, 500)))
    people = people[:need]
    issued = accounts_issue(people=people, issued_by=None)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=item.user, role=Role.LEARNER, organization_id=person.organization_id, project=project
            )
            for item, person in zip(issued, people, strict=True)
        ],
        batch_size=1000,
    )
    return LearnerResult(created=len(people), existing=existing)


def demo_study_ensure(*, project: Project, project2011: Project) -> StudyResult:
    """国培计划(2010)'s 初中体育: the approved course (courses.demo), the demo learner and up to CLASSMATES of
    2011's Guangzhou learners enrolled and placed in a class with the demo tutor (training.demo), and the
    class's rules, plan and week of study (learning.demo)."""
    from teachnet.courses.demo import demo_course_approved_ensure
    from teachnet.learning.demo import demo_learning_ensure
    from teachnet.learning.models import StudySession
    from teachnet.training.demo import demo_class_ensure

    built = demo_course_approved_ensure(project=project)
    course = built["course"]
    logins = {u.username: u for u in User.objects.filter(username__in=["office", "tutor", "learner"])}
    if course is None or len(logins) < 3:
        return StudyResult(course=built["status"] if course is None else "skipped: a demo login is missing")
    learner = logins["learner"]
    classmates = list(
        User.objects.filter(
            role_assignments__project=project2011,
            role_assignments__role=Role.LEARNER,
            region__code__startswith=learner.region_id[:4],
        )
        .exclude(username__in=DEMO_USERNAMES)
        .order_by("pk")[:CLASSMATES]
    )
    training_class = demo_class_ensure(
        actor=logins["office"],
        project=project,
        subject=course.provider_subject.subject,
        learners=[learner, *classmates],
        tutor=logins["tutor"],
    )
    figures = demo_learning_ensure(
        course=course, training_class=training_class, learner=learner, tutor=logins["tutor"]
    )
    members = training_class.memberships.values("enrollment__user_id")
    return StudyResult(
        course=built["status"],
        training_class=training_class,
        members=members.count(),
        studied=StudySession.objects.filter(project=project, learner_id__in=members)
        .values("learner_id")
        .distinct()
        .count(),
        figures=figures,
    )


def _study_lines(study: StudyResult | None, url: str = URL) -> list[str]:
    """Where the learner and the tutor go to try the study (shown with the logins)."""
    if study is None or study.training_class is None:
        return []
    k = study.training_class
    return [
        _("马上学习：以 %(username)s 登录，进入“我的学习”（%(project)s · %(subject)s 正在远程培训）：%(url)s")
        % {
            "username": "learner",
            "url": url + reverse("learning:workspace"),
            "project": k.project.short_name,
            "subject": k.subject.label,
        },
        _(
            "班级学习记录：以 %(username)s 登录，进入“我的班级” → %(name)s → 学习情况与学习计划"
            "（%(members)d 名学员，%(studied)d 名已开始学习）：%(url)s"
        )
        % {
            "username": "tutor",
            "name": k.name,
            "url": url + reverse("learning:class", args=[k.pk]),
            "members": study.members,
            "studied": study.studied,
        },
    ]


# --- The whole run ----------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(cell + " " * (widths[i] - _display_width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


def _login_lines(logins: list[LoginLine]) -> list[str]:
    rows = [("角色", "用户名", "密码")]
    rows += [(line.role_label, line.username, line.password or "(unchanged)") for line in logins]
    out = []
    if any(line.password for line in logins):
        out.append(
            "Demo logins. The passwords below are shown this once and stored only as hashes: keep them."
        )
    else:
        out.append("Demo logins:")
    out += _table(rows)
    if not all(line.password for line in logins):
        out.append(
            "  (password unchanged — set when first created; `teachnet demo --reset-passwords` sets new ones)"
        )
    return out


def demo_reminders_run() -> dict[str, int]:
    from teachnet.notifications.periodic import run_due

    return run_due()


def demo_run(
    *,
    learners: int = DEFAULT_LEARNERS,
    reset_passwords: bool = False,
    superuser: bool = False,
    log: Log = print,
    url: str = URL,
) -> DemoSummary:
    """Every step of `teachnet demo`, each in its own transaction, reporting as it goes."""
    seconds: dict[str, float] = {}

    def step(name: str, fn, **kwargs):
        started = time.perf_counter()
        result = fn(**kwargs)
        seconds[name] = time.perf_counter() - started
        return result

    def report(name: str, text: str) -> None:
        log(f"  {name:<14} {text} ({seconds[name]:.1f} s)")

    log(f"Building the {PROJECT_SHORT_NAME} demo world")
    region_count, loaded = step("regions", demo_regions_ensure)
    report("regions", f"{region_count}, {'loaded now' if loaded else 'already loaded'}")
    world = step("organizations", demo_organizations_ensure)
    report(
        "organizations",
        f"{world.created} created, {world.existing} already there; {len(world.schools)} schools",
    )
    project, created = step("project", demo_project_ensure, world=world)
    report("project", f"{project.name}: {'created' if created else 'already there'}")
    from teachnet.reporting.demo import demo_reporting_ensure, demo_sample_roster

    figures = step("reporting", demo_reporting_ensure, project=project)
    sample = step("sample", demo_sample_roster, path=Path(settings.VAR_DIR) / "demo" / SAMPLE_ROSTER)
    report("reporting", f"{figures['subjects']} subjects, {figures['quotas']} quotas created, windows open")
    from teachnet.training.demo import demo_training_ensure

    training = step("training", demo_training_ensure, project=project)
    report("training", f"{training['phases']} phases, {training['provider_subjects']} provider subjects")
    report("sample", f"a Guangzhou 初中数学 table to try the upload with: {sample}")
    from teachnet.training.demo import GP2010_PROVIDER_SUBJECTS, GP2010_SUBJECTS
    from teachnet.training.models import Phase

    project2010, created = step("project 2010", demo_project2010_ensure, world=world)
    training2010 = step(
        "training 2010",
        demo_training_ensure,
        project=project2010,
        specs=GP2010_SUBJECTS,
        provider_subjects=GP2010_PROVIDER_SUBJECTS,
        current=Phase.Kind.REMOTE_TRAINING,
        days_in=HISTORY_DAYS_IN,
    )
    report("project 2010", f"{project2010.name}: {'created' if created else 'already there'}")
    report(
        "training 2010",
        f"{len(GP2010_SUBJECTS)} subjects, {training2010['phases']} phases (in remote training), "
        f"{training2010['provider_subjects']} provider subjects",
    )
    logins = step(
        "logins",
        demo_logins_ensure,
        world=world,
        projects=[project, project2010],
        reset_passwords=reset_passwords,
        superuser=superuser,
    )
    made = sum(line.created for line in logins)
    report("logins", f"{made} created, {len(logins) - made} already there")
    result = step("learners", demo_learners_ensure, world=world, project=project, count=learners)
    report("learners", f"{result.created} created, {result.existing} already there")
    if result.created:
        log(f"  {'':<14} (their activation codes are not kept: export fresh ones from the accounts pages)")
    activity = step("tables", demo_reporting_activity, project=project, world=world)
    report(
        "tables",
        f"{sum(activity.tables.values())} tables of {PROJECT_SHORT_NAME} under way "
        f"({', '.join(f'{n} {state}' for state, n in activity.tables.items())}); "
        f"{activity.people} people uploaded now, {activity.accounts_created} accounts opened on approval",
    )
    from teachnet.courses.demo import demo_courses_ensure

    courses = step("courses", demo_courses_ensure, project=project)
    report("courses", f"北京师范大学 · 初中体育: {courses['course']}")
    study = step("study 2010", demo_study_ensure, project=project2010, project2011=project)
    report("study 2010", f"{PROJECT2010_SHORT_NAME} 北京师范大学 · 初中体育: {study.course}")
    from teachnet.qa.demo import demo_qa_ensure

    qa = step("qa 2010", demo_qa_ensure, project=project2010, training_class=study.training_class)
    report("qa 2010", f"初中体育 expert Q&A: {qa['held']} held sessions created; the next one {qa['status']}")
    if study.training_class is not None:
        written = study.figures
        log(
            f"  {'':<14} {study.training_class.name}: {study.members} learners, tutor `tutor`; "
            f"{written['plan_items']} plan items, {written['sessions']} past study sessions of "
            f"{written['learners']} learners, {written['journal']} journal entries created"
        )
    if study.training_class is not None:
        from teachnet.discussions.demo import demo_discussions_ensure
        from teachnet.duty.demo import demo_duty_ensure

        duty = step("duty 2010", demo_duty_ensure, project=project2010)
        report("duty 2010", f"北京师范大学 roster: {duty['status']}, {duty['shifts']} shifts created")
        talk = step("boards 2010", demo_discussions_ensure, training_class=study.training_class)
        report("boards 2010", f"{study.training_class.name} board: {talk['status']}")
    from teachnet.briefings.demo import demo_briefings_ensure

    briefings = step(
        "briefings", demo_briefings_ensure, project=project2010, training_class=study.training_class
    )
    report("briefings", ", ".join(f"{kind} {written}" for kind, written in briefings.items()))
    from teachnet.homework.demo import demo_homework_ensure

    homework = step("homework", demo_homework_ensure, training_class=study.training_class)
    report(
        "homework", f"{PROJECT2010_SHORT_NAME} 初中体育: {', '.join(f'{k} {v}' for k, v in homework.items())}"
    )
    # Last, as `teachnet reminders` would: what is due now reaches the inboxes (nothing twice on a rerun).
    sent = step("reminders", demo_reminders_run)
    report("reminders", ", ".join(f"{name}: {n}" for name, n in sent.items()))
    summary = DemoSummary(
        regions=region_count,
        organizations=Organization.objects.count(),
        users=User.objects.count(),
        learners=RoleAssignment.objects.filter(project=project, role=Role.LEARNER).count(),
        logins=logins,
        seconds=seconds,
        study=study,
    )
    log("")
    for line in _login_lines(logins):
        log(line)
    log("")
    url = url.rstrip("/")
    study_lines = _study_lines(study, url)
    if qa.get("provider_subject") is not None:
        study_lines.append(
            _(
                "专家答疑：以 %(username)s 登录进入答疑室提问（下一场即将开始），"
                "或查看已归档的答疑记录：%(url)s"
            )
            % {"username": "learner", "url": url + reverse("qa:index")}
        )
    for line in study_lines:
        log(line)
    if study_lines:
        log("")
    log(
        f"Now: {summary.regions} regions, {summary.organizations} organizations, {summary.users} users, "
        f"{summary.learners} learners in {PROJECT_SHORT_NAME} ({sum(seconds.values()):.1f} s)."
    )
    log(f"Open {url}/")
    return summary
