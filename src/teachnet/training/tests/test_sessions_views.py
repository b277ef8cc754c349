"""The trainer training pages (TRN-5): the provider's sessions, attendance sheet and status; the read-only
views of the project office and the provincial lead. Each grant with its denial beside it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from teachnet.training.models_sessions import SessionAttendance, TrainerSession

from .factories import assign, other_provider, other_provider_admin
from .factories_sessions import phases_ensure, session, trainer

pytestmark = pytest.mark.django_db
Kind = TrainerSession.Kind


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
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


FORM = {
    "kind": "drill",
    "title": "平台注册与在线学习演练",
    "starts_at": "2011-03-03T14:00",
    "ends_at": "2011-03-03T17:00",
    "hours": "",
    "place": "电子阅览室",
}


def test_provider_admin_schedules_a_session_from_the_form(provider_admin, bnu_pe):
    client = client_for(provider_admin)
    response = client.post(reverse("training:session_create", args=[bnu_pe.pk]), FORM)
    assert response.status_code == 302
    s = TrainerSession.objects.get()
    assert (s.kind, s.hours) == ("drill", Decimal("3.0"))
    page = client.get(reverse("training:sessions", args=[bnu_pe.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-session="{s.pk}"' in html and 'data-testid="session-create"' in html


def test_a_date_outside_the_phase_is_shown_on_the_form(provider_admin, bnu_pe):
    response = client_for(provider_admin).post(
        reverse("training:session_create", args=[bnu_pe.pk]),
        {**FORM, "starts_at": "2011-03-20T14:00", "ends_at": "2011-03-20T17:00"},
    )
    assert response.status_code == 400
    assert "骨干培训者集中培训阶段" in response.content.decode()
    assert not TrainerSession.objects.exists()


def test_the_attendance_sheet_has_a_checkbox_per_trainer_and_saves(provider_admin, bnu_pe, trainers):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(provider_admin)
    html = client.get(reverse("training:session", args=[bnu_pe.pk, s.pk])).content.decode()
    assert html.count('type="checkbox" name="present"') == 2

    gz = trainers["gz"].user_id
    response = client.post(reverse("training:session_attendance", args=[bnu_pe.pk, s.pk]), {"present": [gz]})

    assert response.status_code == 302
    assert dict(SessionAttendance.objects.values_list("enrollment__user_id", "present")) == {
        gz: True,
        trainers["bj"].user_id: False,
    }


def test_the_status_table_marks_each_requirement(provider_admin, bnu_pe, trainers):
    s = session(bnu_pe, Kind.DRILL, 3, hours=3)
    SessionAttendance.objects.create(session=s, enrollment=trainers["gz"], present=True)
    html = (
        client_for(provider_admin).get(reverse("training:trainer_status", args=[bnu_pe.pk])).content.decode()
    )
    assert f'data-trainer="{trainers["gz"].user_id}" data-complete="no"' in html
    assert "承担单位尚未组织远程演练。" in html and "✓" in html and "✗" in html


def test_provider_admin_edits_and_deletes(provider_admin, bnu_pe):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(provider_admin)
    response = client.post(reverse("training:session_edit", args=[bnu_pe.pk, s.pk]), {**FORM, "hours": "4"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.kind, s.hours) == ("drill", Decimal("4.0"))
    assert client.post(reverse("training:session_delete", args=[bnu_pe.pk, s.pk])).status_code == 302
    assert not TrainerSession.objects.exists()


def test_another_provider_gets_404_everywhere(project, bnu_pe, trainers):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(other_provider_admin(project, other_provider(project)))
    for name, args in [
        ("sessions", [bnu_pe.pk]),
        ("session", [bnu_pe.pk, s.pk]),
        ("trainer_status", [bnu_pe.pk]),
    ]:
        assert client.get(reverse(f"training:{name}", args=args)).status_code == 404
    for name, args in [
        ("session_create", [bnu_pe.pk]),
        ("session_edit", [bnu_pe.pk, s.pk]),
        ("session_attendance", [bnu_pe.pk, s.pk]),
        ("session_delete", [bnu_pe.pk, s.pk]),
    ]:
        assert client.post(reverse(f"training:{name}", args=args), FORM).status_code == 404
    assert TrainerSession.objects.filter(pk=s.pk, kind="concentrated").exists()


def test_a_tutor_cannot_create_sessions_nor_see_them(tutor, bnu_pe):
    client = client_for(tutor)
    assert client.post(reverse("training:session_create", args=[bnu_pe.pk]), FORM).status_code == 404
    assert client.get(reverse("training:sessions", args=[bnu_pe.pk])).status_code == 404
    assert not TrainerSession.objects.exists()


def test_the_provincial_lead_reads_their_provinces_trainers_only(gd_province_lead, project, bnu_pe, trainers):
    s = session(bnu_pe, Kind.CONCENTRATED, 2, hours=6)
    client = client_for(gd_province_lead)

    status = client.get(reverse("training:trainer_status", args=[bnu_pe.pk]))
    assert status.status_code == 200
    html = status.content.decode()
    assert "广州培训者" in html and "北京培训者" not in html

    sheet = client.get(reverse("training:session", args=[bnu_pe.pk, s.pk])).content.decode()
    assert 'name="present"' not in sheet and "北京培训者" not in sheet
    assert client.post(reverse("training:session_create", args=[bnu_pe.pk]), FORM).status_code == 404
    assert client.post(reverse("training:session_delete", args=[bnu_pe.pk, s.pk])).status_code == 404

    overview = client.get(reverse("training:trainer_training", args=[project.pk]))
    assert overview.status_code == 200
    assert f'data-provider-subject="{bnu_pe.pk}"' in overview.content.decode()


def test_the_project_office_sees_every_providers_subject(project_office, project, bnu_pe, trainers):
    swu_ps = assign(project, other_provider(project), "初中物理")
    html = (
        client_for(project_office)
        .get(reverse("training:trainer_training", args=[project.pk]))
        .content.decode()
    )
    assert f'data-provider-subject="{bnu_pe.pk}"' in html and f'data-provider-subject="{swu_ps.pk}"' in html


@pytest.mark.parametrize("persona", ["gz_city_lead", "tutor", "learner"])
def test_others_do_not_get_the_project_view(request, project, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("training:trainer_training", args=[project.pk])).status_code == 404


def test_links_are_offered_only_to_those_who_may_follow_them(
    provider_admin, chief_expert, project_office, bnu_pe
):
    assert (
        'data-testid="sessions-link"'
        in client_for(provider_admin).get(reverse("training:provider")).content.decode()
    )
    assert 'data-testid="sessions-link"' not in (
        client_for(chief_expert).get(reverse("training:provider")).content.decode()
    )
    overview = client_for(project_office).get(reverse("training:project", args=[bnu_pe.project_id]))
    assert 'data-testid="trainer-training-link"' in overview.content.decode()
