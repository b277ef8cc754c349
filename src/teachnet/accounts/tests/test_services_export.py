"""Activation codes exported per city/county, with progress (ORG-4)."""

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from teachnet.accounts import services
from teachnet.accounts.models import ActivationCode
from teachnet.accounts.tests.factories import make_id_card, persona
from teachnet.core.models import AuditEvent, TaskProgress
from teachnet.core.services import ProgressReporter, progress_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def gz_and_sz_people(orgs, regions):
    def people(region, org, base):
        return [
            services.NewPerson(
                real_name=f"教师{base + i}",
                phone=f"1360000{base + i:04d}",
                id_card=make_id_card(region_code=region, seq=base + i),
                organization_id=org.pk,
                region_id=region,
            )
            for i in range(30)
        ]

    services.accounts_issue(people=people("440106", orgs["gz_school"], 0), issued_by=None)
    services.accounts_issue(people=people("440305", orgs["sz_school"], 100), issued_by=None)


def export(actor, region):
    task = progress_start(owner=actor, kind="activation_codes", title="t")
    path, count = services.activation_codes_export(
        actor=actor,
        region=region,
        reporter=ProgressReporter(task.pk),
        activate_url="http://x/accounts/activate/",
    )
    return path, count, task


def test_city_lead_exports_fresh_codes_for_own_city(gz_city_lead, gz_and_sz_people, regions):
    path, count, task = export(gz_city_lead, regions["440100"])
    assert count == 30
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["说明", "天河区"]
    rows = list(wb["天河区"].iter_rows(values_only=True))
    assert rows[0][6] == "激活码" and len(rows) == 31
    code = rows[1][6]
    assert ActivationCode.objects.filter(
        digest=services.code_digest(code), used_at=None, revoked_at=None
    ).exists()
    assert "*" in rows[1][3]  # the phone stays masked in the file
    event = AuditEvent.objects.get(verb="activation_codes.exported")
    assert event.actor == gz_city_lead and event.data["accounts"] == 30
    task.refresh_from_db()
    assert task.done == 30 and task.total == 30


def test_shenzhen_lead_cannot_export_guangzhou(sz_city_lead, gz_and_sz_people, regions):
    with pytest.raises(PermissionDenied):
        export(sz_city_lead, regions["440100"])
    assert not AuditEvent.objects.filter(verb="activation_codes.exported").exists()


def test_county_scope_does_not_reach_the_city(regions, orgs, gz_and_sz_people, project):
    county_admin = persona("th_admin", "county_admin", region=regions["440106"], project=project)
    with pytest.raises(PermissionDenied):
        export(county_admin, regions["440100"])
    _, count, _ = export(county_admin, regions["440106"])
    assert count == 30


def test_export_page_runs_the_job_and_offers_the_file_to_its_owner_only(
    client, gz_city_lead, sz_city_lead, gz_and_sz_people, regions
):
    client.force_login(gz_city_lead)
    response = client.post("/accounts/activation-codes/", {"region": "440100"}, follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/activation-codes/?task=")
    task = TaskProgress.objects.get(owner=gz_city_lead)
    assert task.state == "done" and 'data-testid="download"' in response.content.decode()
    download = client.get(f"/tasks/{task.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.force_login(sz_city_lead)
    assert client.get(f"/tasks/{task.pk}/download/").status_code == 404
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/accounts/activation-codes/?task={task.pk}").status_code == 404
    assert client.post("/accounts/activation-codes/", {"region": "440100"}).status_code == 200
    assert TaskProgress.objects.filter(owner=sz_city_lead).count() == 0


def test_learner_has_no_export_page(client, learner):
    client.force_login(learner)
    assert client.get("/accounts/activation-codes/").status_code == 404
