"""The reporting pages, as each role uses them: the grant and the denial."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from teachnet.orgs.models import Region
from teachnet.reporting import services
from teachnet.reporting.models import Submission, UploadAttempt
from teachnet.reporting.tests.xlsx_builders import trainee_row, write_roster
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import Enrollment
from teachnet.training.services import subjects_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def gz_math(gz_city_lead, project):
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    math = project.subjects.get(stage="初中", name="数学")
    return services.submission_open(
        actor=gz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440100"),
        subject=math,
    )


def post_file(client, submission, path):
    with open(path, "rb") as fh:
        return client.post(f"/reporting/{submission.pk}/upload/", {"file": fh}, follow=True)


def test_city_lead_sees_a_row_per_subject_and_starts_one(client, gz_city_lead, project):
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    client.force_login(gz_city_lead)
    page = client.get("/reporting/").content.decode()
    assert page.count("开始上报") == 19
    math = project.subjects.get(stage="初中", name="数学")
    response = client.post(
        "/reporting/start/",
        {"project": project.pk, "kind": "trainee", "region": "440100", "subject": math.pk},
    )
    submission = Submission.objects.get()
    assert response["Location"] == f"/reporting/{submission.pk}/"


def test_upload_with_errors_shows_them_by_row_and_column_and_offers_a_marked_copy(
    client, gz_city_lead, gz_math, tmp_path
):
    rows = [trainee_row(n) for n in range(1, 5)]
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + ("0" if rows[1]["身份证号"][17] != "0" else "1")
    client.force_login(gz_city_lead)
    page = post_file(client, gz_math, write_roster(tmp_path / "广州.xlsx", rows)).content.decode()
    assert "身份证号校验位不正确" in page and 'data-testid="errors"' in page
    attempt = UploadAttempt.objects.get()
    assert attempt.status == "invalid" and attempt.errors[0]["row"] == 3
    marked = client.get(f"/reporting/{gz_math.pk}/attempts/{attempt.pk}/marked.xlsx")
    assert marked.status_code == 200
    path = tmp_path / "marked.xlsx"
    path.write_bytes(b"".join(marked.streaming_content))
    assert len(load_workbook(path).sheetnames) >= 2
    gz_math.refresh_from_db()
    assert gz_math.row_count == 0


def test_a_renamed_file_is_refused_with_a_message(client, gz_city_lead, gz_math, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,身份证号\n张三,440106198503120011\n", encoding="utf-8")
    client.force_login(gz_city_lead)
    page = post_file(client, gz_math, path).content.decode()
    assert UploadAttempt.objects.get().status == "unusable" and "xlsx" in page


def test_clean_upload_submit_and_approval_through_the_pages(
    client, gz_city_lead, gd_province_lead, gz_math, tmp_path
):
    client.force_login(gz_city_lead)
    post_file(client, gz_math, write_roster(tmp_path / "ok.xlsx", [trainee_row(n) for n in range(1, 4)]))
    client.post(f"/reporting/{gz_math.pk}/submit/")
    client.force_login(gd_province_lead)
    assert "待我审核" in client.get("/reporting/").content.decode()
    client.post(f"/reporting/{gz_math.pk}/approve/")
    gz_math.refresh_from_db()
    assert gz_math.state == "approved" and Enrollment.objects.count() == 3
    client.force_login(gz_city_lead)
    page = client.get(f"/reporting/{gz_math.pk}/").content.decode()
    assert 'data-testid="upload"' not in page and 'data-testid="codes"' in page


def test_others_get_404(client, sz_city_lead, learner, gz_math):
    for who in (sz_city_lead, learner):
        client.force_login(who)
        assert client.get(f"/reporting/{gz_math.pk}/").status_code == 404
        assert client.get(f"/reporting/{gz_math.pk}/template.xlsx").status_code == 404
        assert client.post(f"/reporting/{gz_math.pk}/submit/").status_code == 404
    assert client.get("/reporting/").status_code == 404


def test_template_download(client, gz_city_lead, gz_math):
    client.force_login(gz_city_lead)
    response = client.get(f"/reporting/{gz_math.pk}/template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_row_edit_page_shows_errors_by_field_and_saves_a_good_edit(
    client, gz_city_lead, sz_city_lead, gz_math, tmp_path
):
    client.force_login(gz_city_lead)
    post_file(client, gz_math, write_roster(tmp_path / "ok.xlsx", [trainee_row(n) for n in range(1, 3)]))
    row = gz_math.rows.get(row_no=2)
    url = f"/reporting/{gz_math.pk}/rows/{row.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200 and form["Cache-Control"] == "no-store"
    data = {k: v for k, v in form.context["form"].initial.items()}
    response = client.post(url, {**data, "手机号码": "1391234"})
    assert "手机号码" in response.context["form"].errors
    response = client.post(url, {**data, "职务": "教研组长"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.position == "教研组长"
    client.force_login(sz_city_lead)
    assert client.get(url).status_code == 404


def test_a_header_typo_names_the_column_it_probably_meant(client, gz_city_lead, gz_math, tmp_path):
    from teachnet.reporting.columns import TRAINEE_COLUMNS

    header = ["身份正号" if c == "身份证号" else c for c in TRAINEE_COLUMNS]
    client.force_login(gz_city_lead)
    page = post_file(client, gz_math, write_roster(tmp_path / "typo.xlsx", [trainee_row(1)], header=header))
    text = page.content.decode()
    assert "身份正号" in text and "身份证号" in text and UploadAttempt.objects.get().status == "unusable"


def test_project_office_sets_a_window_and_others_cannot(client, project_office, gd_province_lead, project):
    client.force_login(project_office)
    response = client.post(
        f"/reporting/windows/?project={project.pk}",
        {"kind": "trainee", "opens_at": "2012-02-01T08:00", "closes_at": "2012-02-27T18:00"},
    )
    assert response.status_code == 302
    window = project.reporting_windows.get(kind="trainee")
    assert timezone.localtime(window.closes_at).hour == 18 and not window.is_open()  # Beijing time
    response = client.post(
        f"/reporting/windows/?project={project.pk}",
        {"kind": "trainee", "opens_at": "2012-02-27T18:00", "closes_at": "2012-02-01T08:00"},
    )
    assert "closes_at" in response.context["form"].errors
    client.force_login(gd_province_lead)
    assert client.get(f"/reporting/windows/?project={project.pk}").status_code == 404


def test_no_row_edit_form_once_the_table_is_submitted(client, gz_city_lead, gz_math, tmp_path):
    client.force_login(gz_city_lead)
    post_file(client, gz_math, write_roster(tmp_path / "ok.xlsx", [trainee_row(1)]))
    client.post(f"/reporting/{gz_math.pk}/submit/")
    row = gz_math.rows.get()
    assert client.get(f"/reporting/{gz_math.pk}/rows/{row.pk}/edit/").status_code == 404


def test_an_empty_file_gets_the_checks_message(client, gz_city_lead, gz_math, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    client.force_login(gz_city_lead)
    post_file(client, gz_math, path)
    attempt = UploadAttempt.objects.get()
    assert attempt.status == "unusable" and attempt.message
