"""The duty API (ACT-3), scoped as the pages: units, a unit's roster and times, setting a day, the queue,
claim, release and answer; 404 for what the caller may not see, 403 for what they may not do."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from .. import services
from ..models import Question

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def unit_url(world) -> str:
    return f"/api/v1/duty/projects/{world.project.pk}/providers/{world.bnu.pk}/"


def forward(world, key="k") -> Question:
    return services.question_forward(
        actor=world.tutor,
        provider_subject=world.ps,
        title="问题",
        body="内容",
        asker=world.learner,
        origin_key=key,
    )


def test_units_are_listed_with_their_flags(world):
    data = api(world.provider_admin).get("/api/v1/duty/units/").json()
    assert data["count"] == 1
    unit = data["results"][0]
    assert unit["provider_name"] == "北京师范大学" and unit["short_days"][0]["count"] == 0
    assert api(world.learner).get("/api/v1/duty/units/").json()["count"] == 0


def test_a_day_is_set_through_the_api_and_shown_short(world):
    day = timezone.localdate().isoformat()
    r = api(world.provider_admin).put(
        f"{unit_url(world)}roster/{day}/", {"experts": [world.chief.pk, world.expert2.pk]}, format="json"
    )
    assert r.status_code == 200 and r.json()["count"] == 2 and r.json()["short"] is True
    assert (
        api(world.expert2).put(f"{unit_url(world)}roster/{day}/", {"experts": []}, format="json").status_code
        == 403
    )
    bad = api(world.provider_admin).put(
        f"{unit_url(world)}roster/{day}/", {"experts": [world.swu_expert.pk]}, format="json"
    )
    assert bad.status_code == 422 and "experts" in bad.json()
    assert (
        api(world.provider_admin)
        .put(f"{unit_url(world)}roster/not-a-day/", {"experts": []}, format="json")
        .status_code
        == 404
    )


def test_the_unit_shows_roster_times_and_flags_only_to_those_who_see_it(world):
    data = api(world.chief).get(unit_url(world)).json()
    assert data["may_manage_roster"] is True and len(data["candidates"]) == 3
    assert data["roster"][0]["day"] == (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert api(world.swu_admin).get(unit_url(world)).status_code == 404
    assert api(world.tutor).get(unit_url(world)).status_code == 404


def test_claim_release_answer_through_the_api(world):
    q = forward(world)
    c = api(world.expert2)
    assert c.post(f"/api/v1/duty-questions/{q.pk}/claim/").json()["state"] == "claimed"
    clash = api(world.chief).post(f"/api/v1/duty-questions/{q.pk}/claim/")
    assert clash.status_code == 422 and "王老师" in str(clash.json())
    assert (
        c.post(f"/api/v1/duty-questions/{q.pk}/release/", {"note": "换人"}, format="json").json()["state"]
        == "waiting"
    )
    r = api(world.chief).post(
        f"/api/v1/duty-questions/{q.pk}/answer/", {"answer": "<p>答</p>"}, format="json"
    )
    body = r.json()
    assert body["state"] == "answered" and [e["kind"] for e in body["events"]] == [
        "forwarded",
        "claimed",
        "released",
        "claimed",
        "answered",
    ]
    assert body["seconds_to_answer_display"]


def test_the_queue_lists_what_the_caller_may_see(world):
    forward(world, key="a")
    services.question_answer(actor=world.chief, question=forward(world, key="b"), answer="答")
    assert api(world.chief).get("/api/v1/duty-questions/?state=waiting").json()["count"] == 1
    assert api(world.tutor).get("/api/v1/duty-questions/").json()["count"] == 2  # the tutor forwarded them
    assert api(world.tutor2).get("/api/v1/duty-questions/").json()["count"] == 0
    assert api(world.swu_expert).get("/api/v1/duty-questions/").json()["count"] == 0
    # Not an id: the request breaks the schema (400), it is not a filter that matches nothing.
    assert api(world.chief).get("/api/v1/duty-questions/?provider=abc").status_code == 400


def test_outsiders_get_403_or_404(world):
    q = forward(world)
    assert api(world.swu_expert).get(f"/api/v1/duty-questions/{q.pk}/").status_code == 404
    assert api(world.tutor).post(f"/api/v1/duty-questions/{q.pk}/claim/").status_code == 403
    assert api(world.chief).get("/api/v1/duty-questions/99999/").status_code == 404
    assert APIClient().get("/api/v1/duty/units/").status_code in (401, 403)


def test_the_office_overview(world):
    data = api(world.office).get(f"/api/v1/duty/projects/{world.project.pk}/").json()
    assert {d["provider_name"] for d in data} == {"北京师范大学", "西南大学"}
    assert api(world.learner).get(f"/api/v1/duty/projects/{world.project.pk}/").status_code == 404
