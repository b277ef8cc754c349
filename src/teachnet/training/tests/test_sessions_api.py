"""/api/v1/training/provider-subjects/<id>/sessions/, …/attendance/ and …/trainer-status/ (TRN-5): what each
persona may see and change, with each denial beside its grant."""

import pytest
from rest_framework.test import APIClient

from teachnet.training.models_sessions import SessionAttendance, TrainerSession

from .factories import assign, other_provider, other_provider_admin
from .factories_sessions import phases_ensure, session, trainer

pytestmark = pytest.mark.django_db
Kind = TrainerSession.Kind


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def bnu_pe(project, orgs):
    phases_ensure(project)
    return assign(project, orgs["bnu"], "初中体育")


@pytest.fixture
def trainers(project, bnu_pe):
    pe = bnu_pe.subject
    return {
        "gz": trainer(project, pe, "440100", "广州培训者"),
        "bj": trainer(project, pe, "110108", "北京培训者"),
    }


def url(ps, rest=""):
    return f"/api/v1/training/provider-subjects/{ps.pk}/{rest}"


BODY = {
    "session_kind": "rehearsal",
    "title": "远程演练",
    "starts_at": "2011-03-24T19:00:00+08:00",
    "ends_at": "2011-03-24T21:00:00+08:00",
}


def test_provider_admin_creates_and_lists_sessions(provider_admin, bnu_pe):
    client = client_for(provider_admin)
    response = client.post(url(bnu_pe, "sessions/"), BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["session_kind"], body["hours"], body["present_count"]) == ("rehearsal", "2.0", 0)
    listed = client.get(url(bnu_pe, "sessions/")).json()
    assert [s["id"] for s in listed] == [body["id"]]


def test_a_rehearsal_after_the_remote_training_starts_is_a_422_naming_ends_at(provider_admin, bnu_pe):
    response = client_for(provider_admin).post(
        url(bnu_pe, "sessions/"),
        {**BODY, "starts_at": "2011-03-27T19:00:00+08:00", "ends_at": "2011-03-27T21:00:00+08:00"},
        format="json",
    )
    assert response.status_code == 422
    assert "ends_at" in response.json()


def test_attendance_set_and_status(provider_admin, bnu_pe, trainers):
    client = client_for(provider_admin)
    concentrated = session(bnu_pe, Kind.CONCENTRATED, 2, hours=27)
    drill = session(bnu_pe, Kind.DRILL, 3, hours=3)
    rehearsal = session(bnu_pe, Kind.REHEARSAL, 20, hours=2)
    gz = trainers["gz"].user_id
    for s in (concentrated, drill, rehearsal):
        response = client.put(url(bnu_pe, f"sessions/{s.pk}/attendance/"), {"present": [gz]}, format="json")
        assert response.status_code == 200
    sheet = {row["user"]: row["present"] for row in response.json()}
    assert sheet == {gz: True, trainers["bj"].user_id: False}

    status = client.get(url(bnu_pe, "trainer-status/")).json()

    rows = {r["user"]: r for r in status["trainers"]}
    assert rows[gz]["complete"] and rows[gz]["training_hours"] == "30.0"
    assert not rows[trainers["bj"].user_id]["complete"]
    summary = status["summary"]
    assert summary["sessions"] == {"concentrated": 1, "drill": 1, "rehearsal": 1}
    assert (summary["rehearsal_ok"], summary["complete"], summary["trainers"]) == (True, 1, 2)


def test_attendance_for_a_non_trainer_is_a_422(provider_admin, bnu_pe, trainers, tutor):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    response = client_for(provider_admin).put(
        url(bnu_pe, f"sessions/{s.pk}/attendance/"), {"present": [tutor.pk]}, format="json"
    )
    assert response.status_code == 422 and "present" in response.json()


def test_update_and_delete(project_office, bnu_pe):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(project_office)
    response = client.put(url(bnu_pe, f"sessions/{s.pk}/"), {**BODY, "hours": "1.5"}, format="json")
    assert response.status_code == 200 and response.json()["hours"] == "1.5"
    assert client.delete(url(bnu_pe, f"sessions/{s.pk}/")).status_code == 204
    assert not TrainerSession.objects.exists()


def test_another_provider_gets_404(project, bnu_pe, trainers):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(other_provider_admin(project, other_provider(project)))
    assert client.get(url(bnu_pe, "sessions/")).status_code == 404
    assert client.post(url(bnu_pe, "sessions/"), BODY, format="json").status_code == 404
    assert client.get(url(bnu_pe, f"sessions/{s.pk}/")).status_code == 404
    assert client.delete(url(bnu_pe, f"sessions/{s.pk}/")).status_code == 404
    assert (
        client.put(url(bnu_pe, f"sessions/{s.pk}/attendance/"), {"present": []}, format="json").status_code
        == 404
    )
    assert client.get(url(bnu_pe, "trainer-status/")).status_code == 404
    assert TrainerSession.objects.count() == 1 and not SessionAttendance.objects.exists()


def test_a_tutor_cannot_create_sessions(tutor, bnu_pe):
    response = client_for(tutor).post(url(bnu_pe, "sessions/"), BODY, format="json")
    assert response.status_code == 404
    assert not TrainerSession.objects.exists()


def test_the_provincial_lead_reads_but_may_not_write(gd_province_lead, bnu_pe, trainers):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(gd_province_lead)
    assert client.get(url(bnu_pe, "sessions/")).status_code == 200
    status = client.get(url(bnu_pe, "trainer-status/")).json()
    assert [r["user"] for r in status["trainers"]] == [trainers["gz"].user_id]
    sheet = client.get(url(bnu_pe, f"sessions/{s.pk}/attendance/")).json()
    assert [r["user"] for r in sheet] == [trainers["gz"].user_id]
    assert client.post(url(bnu_pe, "sessions/"), BODY, format="json").status_code == 403
    assert (
        client.put(url(bnu_pe, f"sessions/{s.pk}/attendance/"), {"present": []}, format="json").status_code
        == 403
    )
    assert client.delete(url(bnu_pe, f"sessions/{s.pk}/")).status_code == 403
