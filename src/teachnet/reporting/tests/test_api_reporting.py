"""/api/v1/reporting/: the reporting workflow through the API, persona by persona, scoped like the pages —
the grant and the denial (REP-2 … REP-6)."""

import datetime as dt

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

from teachnet.reporting import services
from teachnet.reporting.models import ReportingWindow, Submission, UploadAttempt
from teachnet.reporting.tests.xlsx_builders import trainee_row, write_roster
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import Enrollment
from teachnet.training.services import subjects_ensure

pytestmark = pytest.mark.django_db

URL = "/api/v1/reporting/submissions/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def math(project):
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    return project.subjects.get(stage="初中", name="数学")


@pytest.fixture
def gz_math(gz_city_lead, project, math):
    """Guangzhou's 初中数学 trainee table, opened through the API."""
    response = client_for(gz_city_lead).post(
        URL, {"project": project.pk, "kind": "trainee", "region": "440100", "subject": math.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    return Submission.objects.get(pk=response.json()["id"])


def upload(client, submission, path):
    with open(path, "rb") as fh:
        return client.post(f"{URL}{submission.pk}/upload/", {"file": fh}, format="multipart")


@pytest.fixture
def gz_math_submitted(gz_city_lead, gz_math, tmp_path):
    client = client_for(gz_city_lead)
    # Three teachers not yet on the platform (the personas' phone numbers are 139000000nn).
    path = write_roster(tmp_path / "ok.xlsx", [trainee_row(n) for n in range(101, 104)])
    assert upload(client, gz_math, path).status_code == 202
    assert client.post(f"{URL}{gz_math.pk}/submit/").status_code == 200
    return gz_math


# --- The whole flow ----------------------------------------------------------------------------------------


def test_city_lead_opens_uploads_a_clean_file_and_submits(gz_city_lead, gz_math, project, math, tmp_path):
    client = client_for(gz_city_lead)
    # Opening the same table again is the same table: 200, not a second one.
    again = client.post(
        URL, {"project": project.pk, "kind": "trainee", "region": "440100", "subject": math.pk}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == gz_math.pk
    body = again.json()
    assert body["region"] == {"code": "440100", "name": "广州市"}
    assert body["subject"] == {"id": math.pk, "label": "初中数学"}
    assert body["state"] == "draft" and body["uploads_open"] is True
    assert body["links"]["rows"].endswith(f"{URL}{gz_math.pk}/rows/")

    accepted = upload(
        client, gz_math, write_roster(tmp_path / "广州.xlsx", [trainee_row(n) for n in range(1, 4)])
    )
    assert accepted.status_code == 202
    answer = accepted.json()
    attempt = UploadAttempt.objects.get()
    assert answer["attempt"] == attempt.pk and str(attempt.progress_id) == answer["progress"]
    progress = client.get(answer["progress_url"])
    assert progress.status_code == 200 and progress.json()["state"] == "done"
    saved = client.get(answer["attempt_url"]).json()
    assert (saved["status"], saved["rows"], saved["error_count"], saved["errors"]) == ("saved", 3, 0, [])
    assert saved["source_name"] == "广州.xlsx" and saved["marked_url"] is None

    submitted = client.post(f"{URL}{gz_math.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted" and submitted.json()["row_count"] == 3
    events = client.get(f"{URL}{gz_math.pk}/events/").json()["results"]
    assert [(e["action"], e["from_state"], e["to_state"]) for e in events] == [
        ("upload", "draft", "draft"),
        ("submit", "draft", "submitted"),
    ]
    assert events[1]["actor_name"] == gz_city_lead.real_name and events[1]["action_label"] == "提交"


def test_province_lead_rejects_with_a_reason_then_approves_and_people_are_enrolled(
    gd_province_lead, gz_city_lead, gz_math_submitted, tmp_path
):
    gz_math = gz_math_submitted
    reviewer = client_for(gd_province_lead)
    listed = reviewer.get(URL, {"state": "submitted"}).json()["results"]
    assert [s["id"] for s in listed] == [gz_math.pk]

    empty = reviewer.post(f"{URL}{gz_math.pk}/reject/", {"reason": "  "}, format="json")
    assert empty.status_code == 422 and "reason" in empty.json()
    rejected = reviewer.post(f"{URL}{gz_math.pk}/reject/", {"reason": "第3行工作单位写错了"}, format="json")
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected" and rejected.json()["reason"] == "第3行工作单位写错了"

    city = client_for(gz_city_lead)
    assert city.post(f"{URL}{gz_math.pk}/submit/").status_code == 200
    approved = reviewer.post(f"{URL}{gz_math.pk}/approve/")
    assert approved.status_code == 200
    assert approved.json()["submission"]["state"] == "approved"
    enroll = reviewer.get(approved.json()["progress_url"])
    assert enroll.status_code == 200 and enroll.json()["state"] == "done"
    assert Enrollment.objects.filter(subject=gz_math.subject).count() == 3
    # The job is the reviewer's: the city lead cannot follow it.
    assert city.get(approved.json()["progress_url"]).status_code == 404
    actions = [e["action"] for e in reviewer.get(f"{URL}{gz_math.pk}/events/").json()["results"]]
    assert actions == ["upload", "submit", "reject", "submit", "approve", "enroll"]


def test_a_file_with_errors_is_not_saved_and_the_errors_are_listed_by_row_and_column(
    gz_city_lead, gz_math, tmp_path
):
    rows = [trainee_row(n) for n in range(1, 6)]
    rows[3]["手机号码"] = "1391234567"
    client = client_for(gz_city_lead)
    answer = upload(client, gz_math, write_roster(tmp_path / "bad.xlsx", rows)).json()
    attempt = client.get(answer["attempt_url"]).json()
    assert attempt["status"] == "invalid" and attempt["error_count"] == 1
    assert [(e["row"], e["column"], e["code"]) for e in attempt["errors"]] == [
        (5, "手机号码", "phone_format")
    ]
    assert attempt["errors"][0]["message"]
    marked = client.get(attempt["marked_url"])
    assert marked.status_code == 200 and b"".join(marked.streaming_content)[:2] == b"PK"
    assert [a["id"] for a in client.get(f"{URL}{gz_math.pk}/attempts/").json()["results"]] == [attempt["id"]]
    assert client.get(f"{URL}{gz_math.pk}/").json()["row_count"] == 0


def test_an_unusable_file_is_said_so(gz_city_lead, gz_math, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,身份证号\n张三,440106198503120011\n", encoding="utf-8")
    answer = upload(client_for(gz_city_lead), gz_math, path).json()
    attempt = client_for(gz_city_lead).get(answer["attempt_url"]).json()
    assert attempt["status"] == "unusable" and "xlsx" in attempt["message"]


def test_upload_without_a_file_is_400_on_the_field(gz_city_lead, gz_math):
    response = client_for(gz_city_lead).post(f"{URL}{gz_math.pk}/upload/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_a_service_refusal_is_422_with_its_code(gz_city_lead, gz_math, project, tmp_path):
    client = client_for(gz_city_lead)
    empty = client.post(f"{URL}{gz_math.pk}/submit/")
    assert empty.status_code == 422 and empty.json()["codes"] == ["empty"]
    now = timezone.now()
    ReportingWindow.objects.create(
        project=project,
        kind="trainee",
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(hours=1),
    )
    closed = upload(client, gz_math, write_roster(tmp_path / "late.xlsx", [trainee_row(1)]))
    assert closed.status_code == 422 and closed.json()["codes"] == ["closed"]
    assert not UploadAttempt.objects.exists()
    assert client.get(f"{URL}{gz_math.pk}/").json()["uploads_open"] is False


def test_reopen_gives_a_closed_table_back(gd_province_lead, gz_city_lead, gz_math_submitted, project):
    now = timezone.now()
    ReportingWindow.objects.create(
        project=project,
        kind="trainee",
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(hours=1),
    )
    reviewer = client_for(gd_province_lead)
    url = f"{URL}{gz_math_submitted.pk}/reopen/"
    assert reviewer.post(url, {"reason": ""}, format="json").status_code == 422
    assert client_for(gz_city_lead).post(url, {"reason": "补报"}, format="json").status_code == 403
    reopened = reviewer.post(url, {"reason": "补报一名学员"}, format="json").json()
    assert reopened["state"] == "rejected" and reopened["uploads_open"] is True
    assert reopened["reopened_until"]


def test_city_lead_deletes_a_row_of_a_draft(gz_city_lead, gz_math, tmp_path):
    client = client_for(gz_city_lead)
    upload(client, gz_math, write_roster(tmp_path / "ok.xlsx", [trainee_row(n) for n in range(1, 4)]))
    rows = client.get(f"{URL}{gz_math.pk}/rows/").json()
    assert rows["count"] == 3 and [r["row_no"] for r in rows["results"]] == [2, 3, 4]
    doomed = rows["results"][1]
    assert client.delete(f"{URL}{gz_math.pk}/rows/{doomed['id']}/").status_code == 204
    assert client.get(f"{URL}{gz_math.pk}/rows/").json()["count"] == 2
    assert client.get(f"{URL}{gz_math.pk}/").json()["row_count"] == 2
    assert client.delete(f"{URL}{gz_math.pk}/rows/{doomed['id']}/").status_code == 404


def test_rows_show_masked_numbers_only(gz_city_lead, gd_province_lead, gz_math, tmp_path):
    people = [trainee_row(n) for n in range(1, 4)]
    upload(client_for(gz_city_lead), gz_math, write_roster(tmp_path / "ok.xlsx", people))
    for who in (gz_city_lead, gd_province_lead):
        response = client_for(who).get(f"{URL}{gz_math.pk}/rows/")
        text = response.content.decode()
        row = response.json()["results"][0]
        assert "*" in row["id_card_masked"] and "*" in row["phone_masked"]
        assert row["id_card_masked"][-4:] == people[0]["身份证号"][-4:]
        for person in people:
            assert person["身份证号"] not in text and person["手机号码"] not in text


# --- Who may not -------------------------------------------------------------------------------------------


def test_shenzhen_lead_gets_404_for_everything_of_guangzhou(sz_city_lead, gz_city_lead, gz_math, tmp_path):
    upload(client_for(gz_city_lead), gz_math, write_roster(tmp_path / "ok.xlsx", [trainee_row(1)]))
    attempt = UploadAttempt.objects.get()
    row = gz_math.rows.get()
    client = client_for(sz_city_lead)
    base = f"{URL}{gz_math.pk}"
    for path in (
        "/",
        "/rows/",
        "/attempts/",
        f"/attempts/{attempt.pk}/",
        f"/attempts/{attempt.pk}/marked/",
        "/events/",
    ):
        assert client.get(base + path).status_code == 404, path
    for action in ("submit", "approve"):
        assert client.post(f"{base}/{action}/").status_code == 404, action
    for action in ("reject", "reopen"):
        assert client.post(f"{base}/{action}/", {"reason": "x"}, format="json").status_code == 404, action
    with open(tmp_path / "ok.xlsx", "rb") as fh:
        assert client.post(f"{base}/upload/", {"file": fh}, format="multipart").status_code == 404
    assert client.delete(f"{base}/rows/{row.pk}/").status_code == 404
    assert client.get(URL).json()["results"] == []
    assert client.get(f"/api/v1/reporting/progress/{attempt.progress_id}/").status_code == 404
    # Nothing changed for Guangzhou.
    assert gz_math.rows.count() == 1 and UploadAttempt.objects.count() == 1


def test_shenzhen_lead_may_not_open_a_guangzhou_table(sz_city_lead, project, math):
    response = client_for(sz_city_lead).post(
        URL, {"project": project.pk, "kind": "trainee", "region": "440100", "subject": math.pk}, format="json"
    )
    assert response.status_code == 403
    # The refusal leaves no empty table behind in Guangzhou.
    assert not Submission.objects.exists()


def test_opening_needs_a_subject_of_the_project_for_a_trainee_table(gz_city_lead, project, math):
    client = client_for(gz_city_lead)
    no_subject = client.post(
        URL, {"project": project.pk, "kind": "trainee", "region": "440100"}, format="json"
    )
    assert no_subject.status_code == 422
    unknown = client.post(URL, {"project": 0, "kind": "trainee", "region": "440100"}, format="json")
    assert unknown.status_code == 422 and "project" in unknown.json()


def test_city_lead_cannot_approve_or_reject_their_own_table(gz_city_lead, gz_math_submitted):
    client = client_for(gz_city_lead)
    assert client.post(f"{URL}{gz_math_submitted.pk}/approve/").status_code == 403
    assert (
        client.post(f"{URL}{gz_math_submitted.pk}/reject/", {"reason": "x"}, format="json").status_code == 403
    )
    gz_math_submitted.refresh_from_db()
    assert gz_math_submitted.state == "submitted" and not Enrollment.objects.exists()


def test_approved_tables_are_read_only(gz_city_lead, gd_province_lead, gz_math_submitted, tmp_path):
    assert client_for(gd_province_lead).post(f"{URL}{gz_math_submitted.pk}/approve/").status_code == 200
    city = client_for(gz_city_lead)
    row = gz_math_submitted.rows.first()
    refused = city.delete(f"{URL}{gz_math_submitted.pk}/rows/{row.pk}/")
    assert refused.status_code == 422 and refused.json()["codes"] == ["not_editable"]
    again = upload(city, gz_math_submitted, write_roster(tmp_path / "again.xlsx", [trainee_row(1)]))
    assert again.status_code == 422 and again.json()["codes"] == ["not_editable"]


def test_learner_sees_an_empty_list_and_404s(learner, gz_math):
    client = client_for(learner)
    response = client.get(URL)
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.get(f"{URL}{gz_math.pk}/").status_code == 404
    assert client.get(f"{URL}{gz_math.pk}/rows/").status_code == 404
    assert client.post(f"{URL}{gz_math.pk}/submit/").status_code == 404


def test_anonymous_is_refused(gz_math):
    assert APIClient().get(URL).status_code in {401, 403}


# --- Lists and filters -------------------------------------------------------------------------------------


def test_province_lead_list_and_filters(
    gd_province_lead, gz_city_lead, sz_city_lead, gz_math, project, math, regions
):
    physics = project.subjects.get(stage="初中", name="物理")
    sz_math = services.submission_open(
        actor=sz_city_lead, project=project, kind="trainee", region=regions["440300"], subject=math
    )
    client_for(gz_city_lead).post(
        URL,
        {"project": project.pk, "kind": "trainee", "region": "440100", "subject": physics.pk},
        format="json",
    )
    client = client_for(gd_province_lead)

    def ids(**params):
        return {s["id"] for s in client.get(URL, params).json()["results"]}

    assert len(ids()) == 3
    assert ids(region="4403") == ids(region="440300") == {sz_math.pk}
    assert ids(subject=math.pk) == {gz_math.pk, sz_math.pk}
    assert ids(kind="trainer") == set()
    assert ids(state="draft", project=project.pk) == ids()
    # A city lead lists their own city's tables only.
    assert {s["region"]["code"] for s in client_for(gz_city_lead).get(URL).json()["results"]} == {"440100"}


# --- The schema --------------------------------------------------------------------------------------------


def test_schema_has_the_reporting_paths_without_warnings(tmp_path):
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    paths = yaml.safe_load((tmp_path / "s.yml").read_text())["paths"]
    base = "/api/v1/reporting/submissions/"
    expected = {
        base: {"get", "post"},
        base + "{id}/": {"get"},
        base + "{id}/upload/": {"post"},
        base + "{id}/submit/": {"post"},
        base + "{id}/approve/": {"post"},
        base + "{id}/reject/": {"post"},
        base + "{id}/reopen/": {"post"},
        base + "{submission_id}/rows/": {"get"},
        base + "{submission_id}/rows/{id}/": {"delete"},
        base + "{submission_id}/attempts/": {"get"},
        base + "{submission_id}/attempts/{id}/": {"get"},
        base + "{submission_id}/attempts/{id}/marked/": {"get"},
        base + "{submission_id}/events/": {"get"},
        "/api/v1/reporting/progress/{id}/": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for operation in paths[path].values():
            assert operation["tags"] == ["reporting"]
    assert set(paths[base + "{id}/upload/"]["post"]["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"200", "201"} <= set(paths[base]["post"]["responses"])
