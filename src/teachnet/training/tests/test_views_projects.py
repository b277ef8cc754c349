"""The project setup pages (TRN-1, REP-8): create and edit a project, its subjects, its quotas. Each grant is
checked with its denial beside it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm
from teachnet.accounts.tests.factories import persona
from teachnet.training.models import Project, Quota

from .factories import subjects_of
from .quota_files import GOOD_ROWS, write_quotas

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def form_data(orgs, **overrides):
    data = {
        "name": "国培计划(2012)——中西部项目",
        "short_name": "国培(2012)",
        "year": "2012",
        "target_headcount": "50000",
        "office": str(orgs["office"].pk),
        "provinces": ["510000", "520000"],
        "providers": [str(orgs["bnu"].pk)],
    }
    data.update(overrides)
    return data


# --- Creating and editing ------------------------------------------------------------------------------


def test_project_office_creates_a_project_and_opens_its_overview(project_office, project, orgs):
    client = client_for(project_office)
    index = client.get(url("index")).content.decode()
    assert 'data-testid="project-create"' in index
    page = client.get(url("project_create"))
    assert page.status_code == 200
    assert page.content.decode().count('name="provinces"') == 31

    response = client.post(url("project_create"), form_data(orgs))

    created = Project.objects.get(name="国培计划(2012)——中西部项目")
    assert response.status_code == 302 and response["Location"] == url("project_subjects", created.pk)
    overview = client.get(url("project", created.pk))
    assert overview.status_code == 200
    html = overview.content.decode()
    for testid in ("edit-project", "project-subjects", "project-quotas"):
        assert f'data-testid="{testid}"' in html


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_leads_and_providers_get_no_create_page_and_no_link(request, persona_name, project, orgs):
    client = client_for(request.getfixturevalue(persona_name))
    assert client.get(url("project_create")).status_code == 404
    assert client.post(url("project_create"), form_data(orgs)).status_code == 404
    assert Project.objects.count() == 1
    index = client.get(url("index"))
    if index.status_code == 200:
        assert 'data-testid="project-create"' not in index.content.decode()


def test_a_project_office_below_the_nation_gets_no_create_page(project, orgs, regions):
    gd_office = persona("gd_office", "project_office", region=regions["440000"], project=project)
    client = client_for(gd_office)
    assert client.get(url("project_create")).status_code == 404
    assert 'data-testid="project-create"' not in client.get(url("index")).content.decode()


def test_a_project_without_provinces_is_refused_on_the_form(project_office, project, orgs):
    response = client_for(project_office).post(url("project_create"), form_data(orgs, provinces=[]))
    assert response.status_code == 200
    assert response.context["form"].errors == {"provinces": ["请至少选择一个参与省份。"]}
    assert Project.objects.count() == 1


def test_year_and_name_are_judged_by_the_service(project_office, project, orgs):
    response = client_for(project_office).post(
        url("project_create"), form_data(orgs, name=project.name, year="1999")
    )
    errors = response.context["form"].errors
    assert errors["year"] == ["年度应在 2000 到 2100 之间。"]
    assert "已有名为" in errors["name"][0]


def test_project_office_edits_a_project(project_office, project, orgs):
    client = client_for(project_office)
    page = client.get(url("project_edit", project.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["year"] == 2011

    response = client.post(
        url("project_edit", project.pk),
        form_data(orgs, name=project.name, year="2011", provinces=["440000", "110000", "320000"]),
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.target_headcount == 50000
    assert set(project.provinces.values_list("code", flat=True)) == {"440000", "110000", "320000"}


def test_removing_a_province_with_quotas_is_refused_on_the_page(project_office, project, orgs, regions):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)

    response = client_for(project_office).post(
        url("project_edit", project.pk), form_data(orgs, name=project.name, year="2011", provinces=["110000"])
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["provinces"]
    assert "不能移除广东省" in message and "1 条名额" in message
    assert project.provinces.filter(code="440000").exists()


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_leads_and_providers_cannot_open_the_setup_pages(request, persona_name, project, orgs):
    client = client_for(request.getfixturevalue(persona_name))
    for name in ("project_edit", "project_subjects", "project_quotas", "project_quotas_xlsx"):
        assert client.get(url(name, project.pk)).status_code == 404, name
    assert client.post(url("project_edit", project.pk), form_data(orgs)).status_code == 404
    assert client.post(url("project_subjects_gp2011", project.pk)).status_code == 404
    assert client.post(url("project_quota_set", project.pk), {}).status_code == 404
    assert client.post(url("project_quotas_upload", project.pk), {}).status_code == 404
    assert not project.subjects.exists()
    overview = client.get(url("project", project.pk))
    if overview.status_code == 200:
        assert 'data-testid="setup-links"' not in overview.content.decode()


def test_the_creator_bound_to_another_project_manages_the_new_one_in_the_browser(project_office, orgs):
    client = client_for(project_office)
    client.post(url("project_create"), form_data(orgs))
    created = Project.objects.get(name="国培计划(2012)——中西部项目")
    assert can(actor=project_office, perm=Perm.PROJECT_MANAGE, obj=created)
    for name in ("project_edit", "project_subjects", "project_quotas"):
        assert client.get(url(name, created.pk)).status_code == 200


# --- Subjects ------------------------------------------------------------------------------------------


def test_subjects_page_adds_the_plans_19_then_one_more_then_refuses_a_duplicate(project_office, project):
    client = client_for(project_office)

    client.post(url("project_subjects_gp2011", project.pk))
    page = client.get(url("project_subjects", project.pk)).content.decode()
    assert page.count("data-subject=") == 19
    assert 'data-stage="小学"' in page and 'data-stage="初中"' in page

    assert (
        client.post(url("project_subjects", project.pk), {"stage": "高中", "name": "数学"}).status_code == 302
    )
    duplicate = client.post(url("project_subjects", project.pk), {"stage": "初中", "name": "数学"})
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors["name"] == ["本项目已有学科“初中数学”。"]
    assert project.subjects.count() == 20


def test_removing_a_subject_in_use_says_why(project_office, project, regions):
    subjects = subjects_of(project)
    Quota.objects.create(project=project, region=regions["440100"], subject=subjects["初中数学"], places=1)
    client = client_for(project_office)

    response = client.post(url("project_subject_remove", project.pk, subjects["初中数学"].pk), follow=True)

    assert "不能删除学科“初中数学”：它还有1 条名额" in response.content.decode()
    assert project.subjects.filter(pk=subjects["初中数学"].pk).exists()
    client.post(url("project_subject_remove", project.pk, subjects["初中物理"].pk))
    assert not project.subjects.filter(pk=subjects["初中物理"].pk).exists()


# --- Quotas --------------------------------------------------------------------------------------------


def upload(client, project, path, mode="add"):
    with open(path, "rb") as fh:
        return client.post(
            url("project_quotas_upload", project.pk),
            {"file": SimpleUploadedFile(path.name, fh.read()), "mode": mode},
        )


def test_a_good_upload_shows_the_counts_and_the_table(project_office, project, tmp_path):
    subjects_of(project)
    client = client_for(project_office)

    response = upload(client, project, write_quotas(tmp_path / "名额.xlsx", GOOD_ROWS))

    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "已导入名额表：新增 5 条，修改 0 条，未变 0 条，删除 0 条。" in html
    regions = [r.region.code for r in page.context["table"].rows]
    assert regions == ["110000", "440000", "440100", "440300"]
    assert 'data-region="440100"' in html and page.context["table"].total == 310
    assert 'data-testid="quota-warnings"' not in html  # 120 + 80 is within 300


def test_a_bad_upload_lists_every_error_and_saves_nothing(project_office, project, tmp_path):
    subjects_of(project)
    rows = [*GOOD_ROWS, ("330000", "浙江省", "初中", "数学", 10), ("440100", "广州市", "初中", "数学", -1)]
    client = client_for(project_office)

    response = upload(client, project, write_quotas(tmp_path / "bad.xlsx", rows))

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="quota-errors"' in html and "名额表有 2 处错误，没有保存任何名额。" in html
    assert [(e.row, e.column) for e in response.context["rejected"].errors] == [(7, "地区代码"), (8, "名额")]
    assert not Quota.objects.exists()


def test_a_renamed_file_is_refused_on_the_page(project_office, project):
    client = client_for(project_office)
    response = client.post(
        url("project_quotas_upload", project.pk),
        {"file": SimpleUploadedFile("名额.xlsx", "地区代码,名额\n440100,1\n".encode()), "mode": "add"},
    )
    assert response.status_code == 400
    assert "不是Excel工作簿" in response.content.decode()


def test_set_one_quota_then_remove_it_with_0(project_office, project):
    math = subjects_of(project)["初中数学"]
    client = client_for(project_office)

    response = client.post(
        url("project_quota_set", project.pk), {"region": "440100", "subject": math.pk, "places": "120"}
    )
    assert response.status_code == 302
    assert Quota.objects.get().places == 120
    client.post(url("project_quota_set", project.pk), {"region": "440100", "subject": math.pk, "places": "0"})
    assert not Quota.objects.exists()


def test_a_city_of_another_province_is_not_offered(project_office, project):
    math = subjects_of(project)["初中数学"]
    response = client_for(project_office).post(
        url("project_quota_set", project.pk), {"region": "330100", "subject": math.pk, "places": "1"}
    )
    assert response.status_code == 400
    assert "region" in response.context["quota_form"].errors
    assert not Quota.objects.exists()


def test_the_page_warns_where_cities_exceed_their_province(project_office, project, regions):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440000"], subject=math, places=100)
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)

    html = client_for(project_office).get(url("project_quotas", project.pk)).content.decode()

    assert 'data-testid="quota-warnings"' in html
    assert "广东省 初中数学：各地市名额合计 120，超过省级名额 100。" in html
    assert 'data-warning="1"' in html


def test_the_province_filter_and_the_download(project_office, project, regions, tmp_path):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)
    Quota.objects.create(project=project, region=regions["110000"], subject=math, places=50)
    client = client_for(project_office)

    page = client.get(url("project_quotas", project.pk), {"province": "440000"})
    assert [r.region.code for r in page.context["table"].rows] == ["440000", "440100"]

    download = client.get(url("project_quotas_xlsx", project.pk), {"province": "440000"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    import openpyxl

    (tmp_path / "d.xlsx").write_bytes(download.content)
    rows = list(openpyxl.load_workbook(tmp_path / "d.xlsx")["名额"].iter_rows(values_only=True))
    assert rows == [("地区代码", "地区", "学段", "学科", "名额"), ("440100", "广州市", "初中", "数学", 120)]
