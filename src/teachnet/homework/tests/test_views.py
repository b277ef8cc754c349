"""Homework pages: the learner writes, the tutor grades the class on one page, the expert spot-checks blind;
and each of them is refused what is not theirs (404 alike for missing and not yours)."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from .. import services
from ..models import GradingEvent, SimilarityPair, SpotCheck, Submission
from .factories import ALL_TOP, HONEST1, HONEST2, ORIGINAL, PROMPT, assignment_make, submitted, world_build

pytestmark = pytest.mark.django_db


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


def _as(client, user):
    client.force_login(user)
    return client


def test_the_learner_saves_a_draft_then_submits(client, a, learner):
    c = _as(client, learner)
    page = c.get(reverse("homework:assignment", args=[a.pk]))
    assert page.status_code == 200 and "data-richtext" in page.text and "篮球行进间运球" in page.text
    r = c.post(
        reverse("homework:save", args=[a.pk]), {"body": "<p>草稿𠀀</p>", "version": "0", "action": "draft"}
    )
    assert r.status_code == 302
    s = Submission.objects.get(learner=learner)
    assert s.state == "draft" and "草稿𠀀" in c.get(reverse("homework:assignment", args=[a.pk])).text
    r = c.post(
        reverse("homework:save", args=[a.pk]), {"body": ORIGINAL, "version": s.version, "action": "submit"}
    )
    s.refresh_from_db()
    assert r.status_code == 302 and s.state == "submitted"


def test_a_stale_save_keeps_what_was_typed_in_the_editor(client, a, learner):
    c = _as(client, learner)
    c.post(
        reverse("homework:save", args=[a.pk]), {"body": "<p>第一版</p>", "version": "0", "action": "draft"}
    )
    r = c.post(
        reverse("homework:save", args=[a.pk]), {"body": "<p>另一窗口</p>", "version": "1", "action": "draft"}
    )
    assert r.status_code == 409 and "另一窗口" in r.text and "没有保存" in r.text


def test_the_grading_page_walks_the_class_and_documents_the_keys(client, a, tutor, learner, w):
    for u in [learner, *w.classmates_a]:
        submitted(u, a, HONEST1 + u.username)
    c = _as(client, tutor)
    page = c.get(reverse("homework:grade", args=[a.pk, w.class_a.pk]))
    assert page.status_code == 200
    assert "j / Alt+→" in page.text and "1–9" in page.text and 'rel="next"' in page.text
    queue = page.context["queue"]
    assert len(queue) == 4
    first = page.context["current"]
    post = {f"level-{k}": v for k, v in ALL_TOP.items()} | {
        "comment": "好",
        "version": first.version,
        "action": "grade",
    }
    post["then"] = queue[1].pk
    r = c.post(reverse("homework:grade_save", args=[first.pk]), post)
    assert r.status_code == 302 and r.url.endswith(f"?s={queue[1].pk}")
    first.refresh_from_db()
    assert first.score == 40


def test_a_second_grader_racing_sees_what_the_first_saved(client, a, tutor, learner, w):
    s = submitted(learner, a, ORIGINAL)
    seen = s.version
    services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="第一位的评语", version=seen)
    c = _as(client, tutor)
    post = {"level-c1": "l3", "level-c2": "l3", "level-c3": "l2", "comment": "我的评语", "version": seen}
    r = c.post(reverse("homework:grade_save", args=[s.pk]), post | {"action": "grade"})
    assert r.status_code == 409
    assert "第一位的评语" in r.text and "我的评语" in r.text and "40 分" in r.text
    s.refresh_from_db()
    assert s.score == 40 and s.events.filter(kind=GradingEvent.Kind.STALE_REFUSED).count() == 1


def test_return_and_recommend_from_the_grading_page(client, a, tutor, learner, w):
    s = submitted(learner, a, ORIGINAL)
    c = _as(client, tutor)
    r = c.post(
        reverse("homework:grade_save", args=[s.pk]), {"action": "return", "comment": "", "version": s.version}
    )
    assert r.status_code == 400 and "写明要修改什么" in r.text
    levels = {f"level-{k}": v for k, v in ALL_TOP.items()}
    r = c.post(
        reverse("homework:grade_save", args=[s.pk]), levels | {"action": "recommend", "version": s.version}
    )
    s.refresh_from_db()
    assert r.status_code == 302 and s.recommended and s.score == 40
    page = _as(client, learner).get(reverse("homework:showcase", args=[w.ps.pk]))
    assert page.status_code == 200 and "learner" in page.text


@pytest.mark.parametrize("who", ["tutor_b", "learner", "sz_learner", "anonymous"])
def test_the_grading_page_is_the_class_tutors_only(client, a, w, who, learner, sz_learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    users = {"tutor_b": w.tutor_b, "learner": learner, "sz_learner": sz_learner}
    if who != "anonymous":
        client.force_login(users[who])
    page = client.get(reverse("homework:grade", args=[a.pk, w.class_a.pk]))
    save = client.post(reverse("homework:grade_save", args=[s.pk]), {"action": "grade", "version": s.version})
    if who == "anonymous":
        assert page.status_code == 302 and save.status_code == 302
    else:
        assert page.status_code == 404 and save.status_code == 404
    s.refresh_from_db()
    assert s.score is None


def test_a_draft_is_the_learners_own_and_another_learners_work_is_not_shown(
    client, a, learner, sz_learner, tutor
):
    s = services.submission_for(actor=learner, assignment=a)
    services.submission_save(actor=learner, submission=s, body="<p>私人草稿</p>", version=s.version)
    assert _as(client, tutor).get(reverse("homework:submission", args=[s.pk])).status_code == 404
    assert _as(client, sz_learner).get(reverse("homework:submission", args=[s.pk])).status_code == 404
    assert _as(client, sz_learner).get(reverse("homework:submission", args=["99999"])).status_code == 404


def test_the_pair_view_highlights_shared_passages_for_either_tutor(client, a, learner, sz_learner, tutor, w):
    submitted(learner, a, PROMPT + ORIGINAL)
    submitted(sz_learner, a, PROMPT + ORIGINAL[:400] + HONEST2)
    pair = SimilarityPair.objects.get()
    grading = _as(client, tutor).get(reverse("homework:grade", args=[a.pk, w.class_a.pk]))
    assert 'data-testid="flag"' in grading.text and 'data-testid="copy-flag"' in grading.text
    page = client.get(reverse("homework:pair", args=[pair.pk]))
    assert page.status_code == 200 and '<mark class="shared">' in page.text
    assert _as(client, w.tutor_b).get(reverse("homework:pair", args=[pair.pk])).status_code == 200
    assert _as(client, learner).get(reverse("homework:pair", args=[pair.pk])).status_code == 404


def test_the_spot_check_is_blind_until_the_expert_has_scored(client, a, learner, tutor, chief_expert):
    s = submitted(learner, a, ORIGINAL)
    services.submission_grade(
        actor=tutor, submission=s, levels=ALL_TOP, comment="辅导教师的评语", version=s.version
    )
    services.spot_checks_draw(assignment=a, rng=random.Random(1))
    spot = SpotCheck.objects.get()
    c = _as(client, chief_expert)
    page = c.get(reverse("homework:spot", args=[spot.pk]))
    assert (
        page.status_code == 200 and "辅导教师的评语" not in page.text and 'data-testid="blind"' in page.text
    )
    r = c.post(
        reverse("homework:spot", args=[spot.pk]), {"level-c1": "l2", "level-c2": "l1", "level-c3": "l1"}
    )
    assert r.status_code == 302
    page = c.get(reverse("homework:spot", args=[spot.pk]))
    assert "辅导教师的评语" in page.text and 'data-testid="compare"' in page.text
    assert _as(client, tutor).get(reverse("homework:spot", args=[spot.pk])).status_code == 404


def test_the_expert_sets_an_assignment_from_the_subject_page(client, w, chief_expert, tutor):
    c = _as(client, chief_expert)
    assert c.get(reverse("homework:subject", args=[w.ps.pk])).status_code == 200
    r = c.post(
        reverse("homework:rubric_new", args=[w.ps.pk]),
        {"title": "评价标准", "text": "目标 | 说明\n- 好 | 5 | 很好\n- 差 | 1 | 不好"},
    )
    assert r.status_code == 302
    bad = c.post(reverse("homework:rubric_new", args=[w.ps.pk]), {"title": "坏", "text": "- 好 | 5"})
    assert bad.status_code == 400 and "第 1 行" in bad.text
    assert _as(client, tutor).get(reverse("homework:subject", args=[w.ps.pk])).status_code == 404


def test_the_study_record_has_a_homework_section(a, learner, tutor, project):
    from teachnet.homework.records import homework_section
    from teachnet.training.models import Enrollment

    s = submitted(learner, a, ORIGINAL)
    services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    section = homework_section(Enrollment.objects.get(user=learner, project=project))
    assert section.figures["submitted"] == 1 and section.figures["graded"] == 1
    assert "40 / 40" in section.rows[0].detail


def test_the_grading_page_costs_the_same_few_queries_for_a_class_of_any_size(client, a, tutor, learner, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for u in [learner, *w.classmates_a]:
        submitted(u, a, HONEST1 + u.username)
    c = _as(client, tutor)
    url = reverse("homework:grade", args=[a.pk, w.class_a.pk])
    c.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert c.get(url).status_code == 200
    assert len(queries) <= 12, [q["sql"][:90] for q in queries]


def test_the_kept_grading_page_follows_every_change_to_the_class(client, a, tutor, learner, w):
    s = submitted(learner, a, ORIGINAL)
    c = _as(client, tutor)
    url = reverse("homework:grade", args=[a.pk, w.class_a.pk])
    assert c.get(url)["X-Page-Cache"] == "miss"
    assert c.get(url)["X-Page-Cache"] == "hit"
    # A grade saved anywhere (here, through the service) and the page is built again, showing it.
    services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    page = c.get(url)
    assert page["X-Page-Cache"] == "miss" and 'data-testid="score">40<' in page.text
    # A classmate's submission appears at once too.
    submitted(w.classmates_a[0], a, HONEST2)
    assert "广州学员0" in c.get(url).text
