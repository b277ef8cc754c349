"""Personas shared by every app's tests (STYLE.md): who may see what, and above all who may not.

project_office    项目办, the whole nation, project 国培计划(2011)
gd_province_lead  广东省 (440000)
gz_city_lead      广州市 (440100)
sz_city_lead      深圳市 (440300) — must see nothing of Guangzhou
provider_admin    北京师范大学 (a provider, in 海淀区 110108)
chief_expert      北京师范大学
tutor             北京师范大学
learner           a teacher of a Guangzhou school (天河区 440106)
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real division codes (ORG-1): tests use 440100, not made-up regions."""
    from teachnet.orgs.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def regions(db):
    from teachnet.orgs.models import Region

    return {
        code: Region.objects.get(code=code)
        for code in ("000000", "440000", "440100", "440106", "440300", "440305", "110000", "110108")
    }


@pytest.fixture
def orgs(regions):
    from teachnet.orgs.models import Organization

    def make(name, type_, region, parent=None):
        return Organization.objects.create(name=name, type=type_, region=regions[region], parent=parent)

    office = make("国培计划项目执行办公室", Organization.Type.PROJECT_OFFICE, "110000")
    gd_bureau = make("广东省教育厅", Organization.Type.BUREAU, "440000")
    gz_bureau = make("广州市教育局", Organization.Type.BUREAU, "440100", gd_bureau)
    sz_bureau = make("深圳市教育局", Organization.Type.BUREAU, "440300", gd_bureau)
    bnu = make("北京师范大学", Organization.Type.PROVIDER, "110108")
    return {
        "office": office,
        "gd_bureau": gd_bureau,
        "gz_bureau": gz_bureau,
        "sz_bureau": sz_bureau,
        "bnu": bnu,
        "gz_school": make("广州市天河中学", Organization.Type.SCHOOL, "440106", gz_bureau),
        "sz_school": make("深圳市南山中学", Organization.Type.SCHOOL, "440305", sz_bureau),
    }


@pytest.fixture
def project(orgs, regions):
    from teachnet.training.models import Project

    p = Project.objects.create(
        name="国培计划(2011)——义务教育骨干教师远程培训项目",
        short_name="国培计划(2011)",
        year=2011,
        target_headcount=100000,
        office=orgs["office"],
    )
    p.provinces.add(regions["440000"], regions["110000"])
    p.providers.add(orgs["bnu"])
    return p


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Exports hold personal data: tests write them to a temporary folder, never into var/."""
    settings.PRIVATE_ROOT = tmp_path / "private"


def _persona(*args, **kwargs):
    from teachnet.accounts.tests.factories import persona

    return persona(*args, **kwargs)


@pytest.fixture
def project_office(regions, orgs, project):
    return _persona(
        "project_office", "project_office", region=regions["000000"], project=project, home_org=orgs["office"]
    )


@pytest.fixture
def gd_province_lead(regions, orgs, project):
    return _persona(
        "gd_province_lead",
        "province_lead",
        region=regions["440000"],
        project=project,
        home_org=orgs["gd_bureau"],
    )


@pytest.fixture
def gz_city_lead(regions, orgs, project):
    return _persona(
        "gz_city_lead", "city_lead", region=regions["440100"], project=project, home_org=orgs["gz_bureau"]
    )


@pytest.fixture
def sz_city_lead(regions, orgs, project):
    return _persona(
        "sz_city_lead", "city_lead", region=regions["440300"], project=project, home_org=orgs["sz_bureau"]
    )


@pytest.fixture
def provider_admin(orgs, project):
    return _persona(
        "provider_admin", "provider_admin", organization=orgs["bnu"], project=project, home_org=orgs["bnu"]
    )


@pytest.fixture
def chief_expert(orgs, project):
    return _persona(
        "chief_expert", "chief_expert", organization=orgs["bnu"], project=project, home_org=orgs["bnu"]
    )


@pytest.fixture
def tutor(orgs, project):
    return _persona("tutor", "tutor", organization=orgs["bnu"], project=project, home_org=orgs["bnu"])


@pytest.fixture
def learner(regions, orgs, project):
    return _persona(
        "learner",
        "learner",
        organization=orgs["gz_school"],
        project=project,
        home_org=orgs["gz_school"],
        home_region=regions["440106"],
    )


@pytest.fixture
def sz_learner(regions, orgs, project):
    return _persona(
        "sz_learner",
        "learner",
        organization=orgs["sz_school"],
        project=project,
        home_org=orgs["sz_school"],
        home_region=regions["440305"],
    )
