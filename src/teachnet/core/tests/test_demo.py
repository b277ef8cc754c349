"""`teachnet demo` (core.demo): the 国培计划(2011) world, a login per role, learners (ORG-1..ORG-4, TRN-1)."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from teachnet.accounts.models import RoleAssignment, User
from teachnet.core.identity import id_birth_date, id_gender, validate_id_card, validate_mobile
from teachnet.orgs.models import Organization
from teachnet.training.models import Project

pytestmark = pytest.mark.django_db

GP_NAME = "国培计划(2011)——义务教育骨干教师远程培训项目"
PROVIDERS = {
    "北京师范大学",
    "西南大学",
    "北京大学",
    "中国教育电视台",
    "高等教育出版社",
    "全国中小学教师继续教育网",
    "百年树人网",
    "奥鹏远程教育中心",
}
PROVINCES = {"110000", "120000", "210000", "320000", "330000", "350000", "370000", "440000"}
# username: (role, region scope, organization scope)
LOGINS = {
    "office": ("project_office", "000000", None),
    "gd_lead": ("province_lead", "440000", None),
    "gz_lead": ("city_lead", "440100", None),
    "sz_lead": ("city_lead", "440300", None),
    "provider": ("provider_admin", None, "北京师范大学"),
    "expert": ("chief_expert", None, "北京师范大学"),
    "tutor": ("tutor", None, "北京师范大学"),
    "learner": ("learner", None, "广州市天河区第一小学"),
}


def run_demo(*args: str, learners: int = 50) -> str:
    out = StringIO()
    call_command("demo", f"--learners={learners}", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    """username → password, from the table the command prints (角色  用户名  密码)."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in {*LOGINS, "admin"} and not parts[2].startswith("("):
            found[parts[1]] = parts[2]
    return found


def can_log_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")  # django-axes wants the request
    return authenticate(request, username=username, password=password) is not None


def bulk_learners(project: Project):
    return (
        User.objects.filter(role_assignments__project=project, role_assignments__role="learner")
        .exclude(username="learner")
        .select_related("organization")
    )


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "projects": Project.objects.count(),
    }


def test_demo_builds_the_gp_world():
    # When
    output = run_demo()

    # Then: the office, the eight providers, a bureau per province and per city, counties with schools
    office = Organization.objects.get(type=Organization.Type.PROJECT_OFFICE)
    assert office.region_id == "110000"
    providers = Organization.objects.filter(type=Organization.Type.PROVIDER)
    assert set(providers.values_list("name", flat=True)) == PROVIDERS
    assert providers.get(name="西南大学").region_id == "500109"
    province_bureaus = Organization.objects.filter(type=Organization.Type.BUREAU, region__level=1)
    assert set(province_bureaus.values_list("region_id", flat=True)) == PROVINCES
    assert province_bureaus.get(region_id="110000").name == "北京市教育委员会"
    gd = province_bureaus.get(region_id="440000")
    assert gd.name == "广东省教育厅"
    assert Organization.objects.get(region_id="440100", name="广州市教育局").parent == gd
    assert Organization.objects.filter(type=Organization.Type.BUREAU, region_id="445100").exists()  # 潮州市
    assert Organization.objects.filter(
        type=Organization.Type.WORKSTATION, region_id="440106", name="天河区教师远程学习工作站"
    ).exists()
    schools = Organization.objects.filter(type=Organization.Type.SCHOOL)
    assert 200 <= schools.count() <= 500
    assert {code[:2] + "0000" for code in schools.values_list("region_id", flat=True)} == PROVINCES

    # and the project with its provinces and providers
    project = Project.objects.get(name=GP_NAME)
    assert (project.short_name, project.year, project.target_headcount) == ("国培计划(2011)", 2011, 100000)
    assert project.office == office
    assert set(project.provinces.values_list("code", flat=True)) == PROVINCES
    assert set(project.providers.values_list("name", flat=True)) == PROVIDERS
    assert "http://127.0.0.1:8000" in output


def test_each_demo_login_holds_its_role_and_its_printed_password_works():
    # When
    passwords = printed_passwords(run_demo())

    # Then
    project = Project.objects.get(name=GP_NAME)
    assert set(passwords) == set(LOGINS)
    for username, (role, region, organization) in LOGINS.items():
        user = User.objects.get(username=username)
        assignment = RoleAssignment.objects.get(user=user, role=role)
        assert assignment.project == project
        assert assignment.region_id == region
        assert (assignment.organization.name if assignment.organization else None) == organization
        assert user.activated_at is not None
        assert can_log_in(username, passwords[username]), username
    assert User.objects.get(username="learner").region_id == "440106"
    assert not User.objects.filter(username="admin").exists()


def test_learners_have_valid_numbers_a_school_and_no_password():
    # When
    run_demo(learners=50)

    # Then
    learners = list(bulk_learners(Project.objects.get(name=GP_NAME)))
    assert len(learners) == 50
    for user in learners:
        number = user.id_card
        assert validate_id_card(number) == number
        assert number[:6] == user.region_id == user.organization.region_id
        assert user.organization.type == Organization.Type.SCHOOL
        assert 1965 <= id_birth_date(number).year <= 1995
        assert id_gender(number) == user.gender
        assert validate_mobile(user.phone) == user.phone
        assert 2 <= len(user.real_name) <= 3
        assert not user.has_usable_password()
        assert user.activated_at is None
    assert len({u.id_card for u in learners}) == len({u.phone for u in learners}) == 50
    assert len({u.region_id[:2] for u in learners}) > 1


def test_second_run_creates_nothing_and_keeps_passwords():
    # Given
    first = printed_passwords(run_demo())
    before = counts()
    hashes = dict(User.objects.filter(username__in=LOGINS).values_list("username", "password"))

    # When
    output = run_demo()

    # Then
    assert counts() == before
    assert printed_passwords(output) == {}
    assert "password unchanged" in output
    assert dict(User.objects.filter(username__in=LOGINS).values_list("username", "password")) == hashes
    assert can_log_in("gz_lead", first["gz_lead"])


def test_reset_passwords_replaces_the_demo_passwords():
    # Given
    first = printed_passwords(run_demo())
    before = counts()

    # When
    second = printed_passwords(run_demo("--reset-passwords"))

    # Then
    assert set(second) == set(LOGINS)
    assert counts() == before
    assert can_log_in("sz_lead", second["sz_lead"])
    assert not can_log_in("sz_lead", first["sz_lead"])
    assert all(not u.has_usable_password() for u in bulk_learners(Project.objects.get(name=GP_NAME)))


def test_more_learners_adds_only_the_difference():
    # Given
    run_demo(learners=20)
    project = Project.objects.get(name=GP_NAME)
    first_ids = set(bulk_learners(project).values_list("id", flat=True))

    # When
    run_demo(learners=50)

    # Then
    learners = bulk_learners(project)
    assert learners.count() == 50
    assert first_ids < set(learners.values_list("id", flat=True))
    assert len(set(learners.values_list("id_card_hash", flat=True))) == 50


def test_superuser_only_when_asked():
    # Given
    run_demo()
    assert not User.objects.filter(username="admin").exists()

    # When
    passwords = printed_passwords(run_demo("--superuser"))

    # Then: admin is new, everyone else keeps their password
    assert set(passwords) == {"admin"}
    assert User.objects.get(username="admin").is_superuser
    assert can_log_in("admin", passwords["admin"])


def test_demo_reuses_the_organizations_already_there(orgs):
    # Given: the personas' 广东省教育厅 and 北京师范大学 (conftest)

    # When
    run_demo()

    # Then
    assert Organization.objects.filter(name="广东省教育厅").get() == orgs["gd_bureau"]
    assert Organization.objects.filter(name="北京师范大学").get() == orgs["bnu"]
    assert Organization.objects.filter(name="广州市教育局").get() == orgs["gz_bureau"]
    assert Organization.objects.get(name="广州市天河区教育局").parent == orgs["gz_bureau"]
