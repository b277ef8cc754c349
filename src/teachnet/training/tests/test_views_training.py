"""The training pages: the project overview (TRN-1, TRN-2), phase dates (TRN-1), the provider workspace and
team page (TRN-3). Each grant is checked with its denial beside it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from teachnet.training.demo import gp_phase_dates
from teachnet.training.models import Enrollment, ExpertTeamMember, Quota
from teachnet.training.services import phases_set

from .factories import Role, assign, other_provider, other_provider_admin, subjects_of, team_fill

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bnu_pe(project, orgs):
    return assign(project, orgs["bnu"], "初中体育")


def test_overview_lists_phases_subjects_quotas_enrollments_and_teams(
    project_office, learner, project, regions, bnu_pe
):
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    pe = bnu_pe.subject
    Quota.objects.create(project=project, region=regions["440100"], subject=pe, places=120)
    Quota.objects.create(project=project, region=regions["440300"], subject=pe, places=80)
    Enrollment.objects.create(
        project=project, subject=pe, user=learner, role=Enrollment.Role.LEARNER, region=regions["440100"]
    )
    team_fill(bnu_pe, chiefs=0, experts=6, frontline=3, researchers=1)

    response = client_for(project_office).get(reverse("training:project", args=[project.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-subject=") == 19
    row = next(r for r in response.context["subjects"] if r.subject.pk == pe.pk)
    assert (row.quota, row.enrolled) == (200, 1)
    [(ps, status)] = row.teams
    assert ps.provider.name == "北京师范大学"
    assert (status.size, status.has_chief, status.frontline_percent, status.ok) == (10, False, 40, False)
    assert "首席专家" in status.problems[0]
    assert 'data-phase="remote_training"' in html and "不少于 50 学时" in html
    assert 'data-testid="edit-phases"' in html  # the project office may edit


def test_phase_state_shown(project_office, project):
    today = dt.date.today()
    phases_set(
        actor=project_office,
        project=project,
        dates={"reporting": (today - dt.timedelta(days=1), today + dt.timedelta(days=1))},
    )
    html = client_for(project_office).get(reverse("training:project", args=[project.pk])).content.decode()
    assert 'data-state="current"' in html


def test_city_lead_reads_the_overview_but_cannot_edit(gz_city_lead, project):
    subjects_of(project)
    client = client_for(gz_city_lead)
    response = client.get(reverse("training:project", args=[project.pk]))
    assert response.status_code == 200
    assert 'data-testid="edit-phases"' not in response.content.decode()
    assert response.context["assign_form"] is None
    assert client.get(reverse("training:phases", args=[project.pk])).status_code == 404
    assert client.post(reverse("training:phases", args=[project.pk]), {}).status_code == 404
    assert client.post(reverse("training:assign", args=[project.pk]), {}).status_code == 404


@pytest.mark.parametrize("persona", ["provider_admin", "learner", "tutor"])
def test_the_overview_is_not_theirs(request, persona, project):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("training:project", args=[project.pk])).status_code == 404


def test_a_project_elsewhere_is_404(sz_city_lead, project, orgs):
    from teachnet.training.models import Project

    other = Project.objects.create(name="另一个项目", year=2012, office=orgs["office"])
    assert client_for(sz_city_lead).get(reverse("training:project", args=[other.pk])).status_code == 404


def test_phase_form_names_errors_per_field(project_office, project):
    url = reverse("training:phases", args=[project.pk])
    response = client_for(project_office).post(
        url,
        {
            "resource_review_starts_on": "2011-02-01",
            "resource_review_ends_on": "2011-02-20",
            "trainer_training_starts_on": "2011-02-10",
            "trainer_training_ends_on": "2011-03-10",
            "summary_starts_on": "2011-05-15",
            "summary_ends_on": "2011-05-02",
            "reporting_starts_on": "2011-02-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"trainer_training_starts_on", "summary_ends_on", "reporting_ends_on"}
    assert not project.phases.exists()


def test_phase_form_saves(project_office, project):
    data = {}
    for kind, (start, end) in gp_phase_dates(2011).items():
        data[f"{kind}_starts_on"], data[f"{kind}_ends_on"] = start.isoformat(), end.isoformat()
    response = client_for(project_office).post(reverse("training:phases", args=[project.pk]), data)
    assert response.status_code == 302
    assert project.phases.count() == 6


def test_project_office_assigns_a_provider_on_the_overview(project_office, project, orgs):
    pe = subjects_of(project)["小学体育"]
    response = client_for(project_office).post(
        reverse("training:assign", args=[project.pk]), {"provider": orgs["bnu"].pk, "subject": pe.pk}
    )
    assert response.status_code == 302
    assert project.provider_subjects.filter(provider=orgs["bnu"], subject=pe).exists()


def test_assigning_a_school_shows_the_error(project_office, project, orgs):
    pe = subjects_of(project)["小学体育"]
    response = client_for(project_office).post(
        reverse("training:assign", args=[project.pk]), {"provider": orgs["gz_school"].pk, "subject": pe.pk}
    )
    assert response.status_code == 200 and response.context["assign_form"].errors["provider"]


# --- Provider workspace ----------------------------------------------------------------------------------


def test_provider_admin_sees_own_subjects_only(provider_admin, project, bnu_pe):
    swu_physics = assign(project, other_provider(project), "初中物理")
    response = client_for(provider_admin).get(reverse("training:provider"))
    assert response.status_code == 200
    assert [ps for ps, _status in response.context["rows"]] == [bnu_pe]
    assert client_for(provider_admin).get(reverse("training:team", args=[swu_physics.pk])).status_code == 404


def test_provider_b_cannot_see_or_edit_provider_as_team(project, bnu_pe):
    client = client_for(other_provider_admin(project, other_provider(project)))
    team_fill(bnu_pe)
    member = bnu_pe.members.first()
    assert client.get(reverse("training:team", args=[bnu_pe.pk])).status_code == 404
    assert (
        client.post(
            reverse("training:member_add", args=[bnu_pe.pk]), {"name": "x", "role": "expert"}
        ).status_code
        == 404
    )
    assert client.post(reverse("training:member_remove", args=[bnu_pe.pk, member.pk])).status_code == 404
    assert client.post(reverse("training:team_submit", args=[bnu_pe.pk])).status_code == 404
    assert bnu_pe.members.count() == 10
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is None


def test_chief_expert_reads_the_team_but_cannot_change_it(chief_expert, bnu_pe):
    client = client_for(chief_expert)
    response = client.get(reverse("training:team", args=[bnu_pe.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert (
        client.post(
            reverse("training:member_add", args=[bnu_pe.pk]), {"name": "x", "role": "expert"}
        ).status_code
        == 404
    )


def test_a_person_without_team_rights_has_no_workspace(gz_city_lead, learner):
    assert client_for(gz_city_lead).get(reverse("training:provider")).status_code == 404
    assert client_for(learner).get(reverse("training:provider")).status_code == 404


def test_provider_admin_builds_and_submits_a_team(provider_admin, bnu_pe):
    client = client_for(provider_admin)
    team_url = reverse("training:team", args=[bnu_pe.pk])
    response = client.post(
        reverse("training:member_add", args=[bnu_pe.pk]),
        {"name": "王老师", "role": Role.CHIEF_EXPERT, "phone": "13800138000", "title": "教授"},
        follow=True,
    )
    assert "激活码" in response.content.decode()
    assert response.context["status"].has_chief
    # The check is shown, and submission is not offered, while the team is short.
    assert 'data-testid="team-submit"' not in response.content.decode()
    assert client.post(reverse("training:team_submit", args=[bnu_pe.pk])).status_code == 302
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is None

    team_fill(bnu_pe, chiefs=0, experts=5, frontline=3, researchers=1)
    html = client.get(team_url).content.decode()
    assert 'data-testid="team-submit"' in html
    client.post(reverse("training:team_submit", args=[bnu_pe.pk]))
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is not None


def test_member_form_errors_stay_on_their_field(provider_admin, bnu_pe):
    client = client_for(provider_admin)
    ExpertTeamMember.objects.create(provider_subject=bnu_pe, name="李老师", role=Role.EXPERT)
    response = client.post(
        reverse("training:member_add", args=[bnu_pe.pk]), {"name": "李老师", "role": "expert"}
    )
    assert response.status_code == 400 and "name" in response.context["form"].errors


def test_provider_admin_removes_a_member(provider_admin, bnu_pe):
    member = ExpertTeamMember.objects.create(provider_subject=bnu_pe, name="李老师", role=Role.EXPERT)
    response = client_for(provider_admin).post(reverse("training:member_remove", args=[bnu_pe.pk, member.pk]))
    assert response.status_code == 302 and not bnu_pe.members.exists()


def test_index_sends_each_to_their_page(project_office, provider_admin, learner, project, bnu_pe):
    assert client_for(project_office).get(reverse("training:index")).status_code == 200
    assert client_for(provider_admin).get(reverse("training:index")).url == reverse("training:provider")
    assert client_for(learner).get(reverse("training:index")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "shown"), [("project_office", True), ("provider_admin", True), ("learner", False)]
)
def test_the_menu_offers_training_to_those_who_may_open_it(request, persona, shown, project):
    html = client_for(request.getfixturevalue(persona)).get(reverse("core:home")).content.decode()
    assert ('data-testid="nav-training"' in html) is shown
