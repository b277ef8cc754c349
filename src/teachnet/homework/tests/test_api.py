"""The homework API, scoped like the pages: the learner writes, the tutor grades (409 on a stale version),
the expert sets work, spot-checks blind and corrects; others get 404."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from teachnet.courses.tests.factories import upload

from .. import services
from ..models import SimilarityPair, SpotCheck, Submission
from .factories import ALL_TOP, ORIGINAL, PROMPT, RUBRIC, assignment_make, submitted, world_build

pytestmark = pytest.mark.django_db
API = "/api/v1/homework"


@pytest.fixture
def w(project, orgs, chief_expert, tutor, learner, sz_learner):
    return world_build(
        project=project,
        orgs=orgs,
        chief_expert=chief_expert,
        tutor=tutor,
        learner=learner,
        sz_learner=sz_learner,
    )


@pytest.fixture
def a(w, chief_expert):
    return assignment_make(w, chief_expert)


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_the_expert_sets_an_assignment_and_the_learner_sees_it(w, chief_expert, learner, tutor):
    body = {
        "provider_subject": w.ps.pk,
        "title": "API 作业",
        "prompt": "写教学反思",
        "deadline": (timezone.now() + dt.timedelta(days=3)).isoformat(),
        "rubric_text": RUBRIC,
    }
    r = api(chief_expert).post(f"{API}/assignments/", body, format="json")
    assert r.status_code == 201, r.data
    assert r.data["max_points"] == 40 and len(r.data["rubric"]) == 3
    assert api(tutor).post(f"{API}/assignments/", body, format="json").status_code == 404
    bad = api(chief_expert).post(f"{API}/assignments/", body | {"rubric_text": "- 好 | 1"}, format="json")
    assert bad.status_code == 422 and "rubric" in bad.data
    # Neither a subject nor a class: a rule across two optional fields (422); a title that is not text: 400.
    neither = {k: v for k, v in body.items() if k != "provider_subject"}
    refused = api(chief_expert).post(f"{API}/assignments/", neither, format="json")
    assert refused.status_code == 422 and "provider_subject" in refused.data
    assert (
        api(chief_expert).post(f"{API}/assignments/", body | {"title": 7}, format="json").status_code == 400
    )
    listed = api(learner).get(f"{API}/assignments/")
    assert [x["title"] for x in listed.data["results"]] == ["API 作业"]


def test_the_learner_writes_and_submits_with_the_version(a, learner):
    c = api(learner)
    mine = c.get(f"{API}/assignments/{a.pk}/my-submission/")
    assert mine.status_code == 200 and mine.data["state"] == "draft"
    r = c.put(
        f"{API}/assignments/{a.pk}/my-submission/", {"body": "<p>草稿</p>", "version": mine.data["version"]}
    )
    assert r.status_code == 200
    stale = c.put(f"{API}/assignments/{a.pk}/my-submission/", {"body": "x", "version": mine.data["version"]})
    assert stale.status_code == 409 and stale.data["current"]["version"] == r.data["version"]
    done = c.put(
        f"{API}/assignments/{a.pk}/my-submission/",
        {"body": ORIGINAL, "version": r.data["version"], "submit": True},
        format="json",
    )
    assert done.status_code == 200 and done.data["state"] == "submitted"
    up = c.post(
        f"{API}/assignments/{a.pk}/my-submission/attachments/",
        {"upload": upload("text-renamed.pdf", "教案.pdf")},
        format="multipart",
    )
    assert up.status_code == 422 and "upload" in up.data


def test_grading_through_the_api_refuses_a_stale_version_with_what_was_saved(a, learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    c = api(tutor)
    ok = c.post(
        f"{API}/submissions/{s.pk}/grade/",
        {"levels": ALL_TOP, "comment": "好", "version": s.version},
        format="json",
    )
    assert ok.status_code == 200 and ok.data["score"] == 40
    stale = c.post(
        f"{API}/submissions/{s.pk}/grade/",
        {"levels": ALL_TOP, "comment": "差", "version": s.version},
        format="json",
    )
    assert (
        stale.status_code == 409
        and stale.data["current"]["comment"] == "好"
        and "40 分" in stale.data["detail"]
    )
    missing = c.post(
        f"{API}/submissions/{s.pk}/grade/",
        {"levels": {"c1": "l1"}, "version": ok.data["version"]},
        format="json",
    )
    assert missing.status_code == 422 and "levels" in missing.data
    r = c.post(
        f"{API}/submissions/{s.pk}/recommend/", {"on": True, "version": ok.data["version"]}, format="json"
    )
    assert r.status_code == 200 and r.data["recommended"]
    # A number is not a yes or no (DRF alone would take 0 for false): 400, and nothing changes.
    zero = c.post(
        f"{API}/submissions/{s.pk}/recommend/", {"on": 0, "version": r.data["version"]}, format="json"
    )
    assert zero.status_code == 400 and "on" in zero.data
    events = c.get(f"{API}/submissions/{s.pk}/events/")
    assert {"level", "comment", "graded", "recommended", "stale_refused"} - {
        e["kind"] for e in events.data
    } == {"stale_refused"}


@pytest.mark.parametrize("who", ["tutor_b", "learner", "sz_learner"])
def test_another_classs_tutor_and_learners_cannot_grade(a, w, learner, sz_learner, who):
    s = submitted(learner, a, ORIGINAL)
    user = {"tutor_b": w.tutor_b, "learner": learner, "sz_learner": sz_learner}[who]
    r = api(user).post(
        f"{API}/submissions/{s.pk}/grade/", {"levels": ALL_TOP, "version": s.version}, format="json"
    )
    assert r.status_code == 404
    assert Submission.objects.get(pk=s.pk).score is None


def test_anonymous_and_malformed_ids(a):
    assert api().get(f"{API}/assignments/").status_code in (401, 403)
    assert api(a.created_by).get(f"{API}/assignments/99999/").status_code == 404
    # A class filter that is not an id, or is out of an id's range, breaks the schema: 400, naming it.
    for bad in ("abc", "-353550911746007401234432", "0"):
        r = api(a.created_by).get(f"{API}/assignments/{a.pk}/submissions/?training_class={bad}")
        assert r.status_code == 400 and "training_class" in r.json()
    assert (
        api(a.created_by).get(f"{API}/recheck-progress/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_pairs_spot_checks_blind_and_correction(a, learner, sz_learner, tutor, chief_expert, w):
    s = submitted(learner, a, PROMPT + ORIGINAL)
    submitted(sz_learner, a, PROMPT + ORIGINAL)
    pair = SimilarityPair.objects.get()
    detail = api(tutor).get(f"{API}/pairs/{pair.pk}/")
    assert detail.status_code == 200 and detail.data["first_shared"][0]["end"] > 100
    assert api(learner).get(f"{API}/pairs/{pair.pk}/").status_code == 404
    s = services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    e = api(chief_expert)
    drawn = e.post(f"{API}/assignments/{a.pk}/spot-checks/draw/")
    assert drawn.status_code == 200 and drawn.data["drawn"] == 1
    listed = e.get(f"{API}/assignments/{a.pk}/spot-checks/")
    assert listed.data[0]["tutor_score"] is None and listed.data[0]["tutor_levels"] is None
    spot = SpotCheck.objects.get()
    scored = e.post(
        f"{API}/spot-checks/{spot.pk}/score/", {"levels": {"c1": "l2", "c2": "l1", "c3": "l1"}}, format="json"
    )
    assert scored.status_code == 200 and scored.data["tutor_score"] == 40 and scored.data["score"] == 37
    agreement = e.get(f"{API}/assignments/{a.pk}/agreement/")
    assert [g["share"] for g in agreement.data] == [0.0, 1.0, 1.0]
    fixed = e.post(
        f"{API}/submissions/{s.pk}/correct/",
        {"levels": {"c1": "l2", "c2": "l1", "c3": "l1"}, "reason": "目标不够具体", "version": s.version},
        format="json",
    )
    assert fixed.status_code == 200 and fixed.data["score"] == 37
    assert api(tutor).post(f"{API}/assignments/{a.pk}/spot-checks/draw/").status_code == 404
    task = e.post(f"{API}/assignments/{a.pk}/recheck/")
    assert task.status_code == 202
    progress = e.get(f"{API}/recheck-progress/{task.data['task']}/")
    assert progress.data["state"] == "done"
    services.spot_checks_draw(assignment=a, rng=random.Random(1))


def test_progress_and_showcase(a, learner, tutor, w, chief_expert):
    s = submitted(learner, a, ORIGINAL)
    s = services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    services.submission_recommend(actor=tutor, submission=s, on=True, version=s.version)
    rows = api(chief_expert).get(f"{API}/assignments/{a.pk}/progress/").data
    assert {r["class_name"]: (r["submitted"], r["recommended"]) for r in rows} == {
        "广州一班": (1, 1),
        "深圳一班": (0, 0),
    }
    mine = api(tutor).get(f"{API}/assignments/{a.pk}/progress/").data
    assert [r["class_name"] for r in mine] == ["广州一班"]
    assert api(learner).get(f"{API}/assignments/{a.pk}/progress/").status_code == 404
    show = api(learner).get(f"{API}/showcase/{w.ps.pk}/")
    assert show.status_code == 200 and show.data["results"][0]["id"] == s.pk
