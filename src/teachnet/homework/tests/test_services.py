"""Homework services (ACT-6): given the world of factories.py, when people write, grade, return, recommend,
spot-check and correct, then what is kept, refused and told."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teachnet.courses.tests.factories import upload
from teachnet.notifications.models import Notification

from .. import services
from .. import similarity as sim
from ..models import GradingEvent, SimilarityBand, SimilarityPair, SpotCheck, Submission
from .factories import (
    ALL_TOP,
    HONEST1,
    HONEST2,
    ORIGINAL,
    PROMPT,
    RUBRIC,
    assignment_make,
    forget,
    submitted,
    world_build,
)

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


# --- Rubrics and assignments --------------------------------------------------------------------------------


def test_rubric_text_is_parsed_into_criteria_and_levels():
    criteria = services.rubric_parse(RUBRIC)
    assert [c["title"] for c in criteria] == ["教学目标", "教学过程", "评价方式"]
    assert criteria[1]["levels"][0] == {
        "key": "l1",
        "label": "优秀",
        "points": 20,
        "descriptor": "环节完整，层层递进",
    }
    assert services.rubric_parse(services.rubric_text(criteria)) == criteria


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- 优秀 | 10 | 好", "第 1 行：等级之前要先写评价维度"),
        ("目标\n- 优秀 | 十 | 好\n- 差 | 1", "第 2 行：分值「十」不是整数"),
        ("目标\n- 优秀 | 10", "至少要有两个等级"),
        ("", "至少要有一个评价维度"),
    ],
)
def test_a_rubric_that_cannot_be_read_names_the_line(text, words):
    with pytest.raises(ValidationError) as exc:
        services.rubric_parse(text)
    assert words in str(exc.value)


def test_a_library_rubric_is_frozen_into_the_assignment(w, chief_expert):
    rubric = services.rubric_save(
        actor=chief_expert, provider_subject=w.ps, title="教学设计评价", text=RUBRIC
    )
    a = assignment_make(w, chief_expert, rubric=rubric, rubric_text_value="")
    services.rubric_save(
        actor=chief_expert,
        provider_subject=w.ps,
        title="改过",
        text="只有一维 | x\n- 好 | 1\n- 差 | 0",
        rubric=rubric,
    )
    a.refresh_from_db()
    assert [c["title"] for c in a.criteria] == ["教学目标", "教学过程", "评价方式"]
    assert a.max_points == 40 and a.rubric_source == rubric


def test_only_the_subjects_experts_set_subject_homework_and_only_a_tutor_for_their_class(
    w, tutor, learner, chief_expert
):
    with pytest.raises(PermissionDenied):
        assignment_make(w, tutor)
    with pytest.raises(PermissionDenied):
        services.rubric_save(actor=learner, provider_subject=w.ps, title="x", text=RUBRIC)
    mine = services.assignment_create(
        actor=tutor, training_class=w.class_a, title="班级作业", prompt="写一篇反思",
        deadline=timezone.now() + dt.timedelta(days=3), rubric_text_value=RUBRIC,
    )  # fmt: skip
    assert mine.training_class == w.class_a
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=tutor, training_class=w.class_b, title="别班", prompt="x",
            deadline=timezone.now() + dt.timedelta(days=3), rubric_text_value=RUBRIC,
        )  # fmt: skip


def test_a_deadline_in_the_past_is_refused_naming_the_field(w, chief_expert):
    with pytest.raises(ValidationError) as exc:
        assignment_make(w, chief_expert, days=-1)
    assert "deadline" in exc.value.message_dict


# --- Writing ------------------------------------------------------------------------------------------------


def test_a_draft_then_a_submission(a, learner):
    s = services.submission_for(actor=learner, assignment=a)
    s = services.submission_save(actor=learner, submission=s, body="<p>初稿</p>", version=s.version)
    assert s.state == Submission.State.DRAFT and s.body_text == "初稿"
    s = services.submission_save(actor=learner, submission=s, body=ORIGINAL, version=s.version, submit=True)
    assert s.state == Submission.State.SUBMITTED and not s.late and s.submitted_at


def test_script_in_the_homework_is_removed_and_rare_characters_kept(a, learner):
    s = services.submission_for(actor=learner, assignment=a)
    body = '<p onclick="x()">𠀀𪚥 运球<script>alert(1)</script><img src=x onerror=alert(2)></p>'
    s = services.submission_save(actor=learner, submission=s, body=body, version=s.version)
    s.refresh_from_db()
    assert "script" not in s.body and "onerror" not in s.body and "onclick" not in s.body
    assert "𠀀𪚥 运球" in s.body


def test_a_huge_paste_is_refused_and_the_draft_kept(a, learner):
    s = services.submission_for(actor=learner, assignment=a)
    s = services.submission_save(actor=learner, submission=s, body="<p>我的草稿</p>", version=s.version)
    with pytest.raises(ValidationError) as exc:
        services.submission_save(
            actor=learner, submission=s, body="字" * 60_001, version=s.version, submit=True
        )
    assert "body" in exc.value.message_dict and "过长" in str(exc.value)
    s.refresh_from_db()
    assert s.body_text == "我的草稿" and s.state == Submission.State.DRAFT


def test_after_the_deadline_refused_or_marked_late(w, chief_expert, learner, sz_learner):
    late_ok = assignment_make(w, chief_expert, days=1)
    refuse = assignment_make(w, chief_expert, days=1, title="不收迟交", late_policy="refuse")
    after = timezone.now() + dt.timedelta(days=2)
    s = submitted(learner, late_ok, ORIGINAL, now=after)
    assert s.late
    s = services.submission_for(actor=sz_learner, assignment=refuse)
    s = services.submission_save(actor=sz_learner, submission=s, body="<p>草稿</p>", version=s.version)
    with pytest.raises(ValidationError) as exc:
        services.submission_save(
            actor=sz_learner, submission=s, body=HONEST1, version=s.version, submit=True, now=after
        )
    assert "截止时间" in exc.value.message_dict["body"][0]
    s.refresh_from_db()
    assert s.state == Submission.State.DRAFT and s.body_text == "草稿"


def test_two_tabs_saving_over_each_other_are_refused(a, learner):
    s = services.submission_for(actor=learner, assignment=a)
    seen = s.version
    services.submission_save(actor=learner, submission=s, body="<p>窗口一</p>", version=seen)
    with pytest.raises(services.StaleSubmission):
        services.submission_save(actor=learner, submission=s, body="<p>窗口二</p>", version=seen)
    s.refresh_from_db()
    assert s.body_text == "窗口一"


def test_a_learner_of_another_subject_or_nobody_cannot_start_homework(a, project_office):
    with pytest.raises(PermissionDenied):
        services.submission_for(actor=project_office, assignment=a)


def test_attachments_are_checked_by_content(a, learner):
    s = services.submission_for(actor=learner, assignment=a)
    att = services.attachment_add(actor=learner, submission=s, upload=upload("handout.pdf", "教案.pdf"))
    assert att.kind == "pdf" and att.name == "教案.pdf"
    att = services.attachment_add(
        actor=learner, submission=s, upload=upload("lesson-plan.docx", "教学设计.docx")
    )
    assert att.kind == "office"
    # A text file named .pdf, a video named .docx: refused, saying what is wrong; nothing stored.
    for sample, name in (("text-renamed.pdf", "教案.pdf"), ("clip.webm", "教案.docx")):
        with pytest.raises(ValidationError) as exc:
            services.attachment_add(actor=learner, submission=s, upload=upload(sample, name))
        assert exc.value.message_dict["upload"][0]
    assert s.attachments.count() == 2


# --- Grading ------------------------------------------------------------------------------------------------


def test_grading_writes_an_event_for_each_level_and_tells_the_learner(a, learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    s = services.submission_grade(
        actor=tutor,
        submission=s,
        levels={"c1": "l1", "c2": "l2", "c3": "l1"},
        comment="目标清楚",
        version=s.version,
    )
    assert s.state == Submission.State.GRADED and s.score == 34
    kinds = list(s.events.values_list("kind", flat=True))
    assert kinds.count(GradingEvent.Kind.LEVEL) == 3 and GradingEvent.Kind.COMMENT in kinds
    assert Notification.objects.filter(recipient=learner, kind="homework_graded").count() == 1
    # A second save changing one level adds one level event, and tells nobody again for the same revision.
    s = services.submission_grade(
        actor=tutor,
        submission=s,
        levels={"c1": "l1", "c2": "l1", "c3": "l1"},
        comment="目标清楚",
        version=s.version,
    )
    assert s.score == 40 and s.events.filter(kind=GradingEvent.Kind.LEVEL).count() == 4
    assert Notification.objects.filter(recipient=learner, kind="homework_graded").count() == 1


def test_a_grade_needs_every_criterion(a, learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    with pytest.raises(ValidationError) as exc:
        services.submission_grade(
            actor=tutor, submission=s, levels={"c1": "l1"}, comment="", version=s.version
        )
    assert "教学过程" in str(exc.value) and "levels" in exc.value.message_dict


def test_a_tutor_cannot_grade_another_class(a, sz_learner, tutor, learner):
    s = submitted(sz_learner, a, ORIGINAL)
    with pytest.raises(PermissionDenied):
        services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    with pytest.raises(PermissionDenied):
        services.submission_grade(actor=learner, submission=s, levels=ALL_TOP, comment="", version=s.version)


def test_two_graders_racing_the_second_is_refused_with_what_the_first_saved(a, learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    seen = s.version
    services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="很好", version=seen)
    with pytest.raises(services.StaleSubmission) as exc:
        services.submission_grade(
            actor=tutor, submission=s, levels={"c1": "l3", "c2": "l3", "c3": "l2"}, comment="差", version=seen
        )
    assert exc.value.current.score == 40 and exc.value.current.comment == "很好"
    assert "40 分" in exc.value.message
    s.refresh_from_db()
    assert s.score == 40


def test_return_keeps_the_version_and_its_grade_and_the_revision_is_graded_anew(a, learner, tutor):
    draft = services.submission_for(actor=learner, assignment=a)
    services.attachment_add(actor=learner, submission=draft, upload=upload("handout.pdf", "教案.pdf"))
    s = submitted(learner, a, ORIGINAL)
    s = services.submission_grade(
        actor=tutor, submission=s, levels=ALL_TOP, comment="不错", version=s.version
    )
    with pytest.raises(ValidationError):
        services.submission_return(actor=tutor, submission=s, reason="", version=s.version)
    s = services.submission_return(actor=tutor, submission=s, reason="请补充评价方式", version=s.version)
    assert s.state == Submission.State.RETURNED and s.revision == 2 and s.score is None
    assert s.attachments.filter(revision=2).count() == 1  # the file travels into the revision
    v = s.versions.get()
    assert v.attachments[0]["name"] == "教案.pdf"
    assert (v.revision, v.score, v.comment, v.return_reason) == (1, 40, "不错", "请补充评价方式")
    assert Notification.objects.filter(recipient=learner, kind="homework_returned").exists()
    # The revision, even after the deadline, is accepted and not late.
    s = services.submission_save(
        actor=learner, submission=s, body=ORIGINAL + "补充了评价方式。", version=s.version, submit=True,
        now=timezone.now() + dt.timedelta(days=30),
    )  # fmt: skip
    assert s.state == Submission.State.SUBMITTED and not s.late
    s = services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="好", version=s.version)
    assert Notification.objects.filter(recipient=learner, kind="homework_graded").count() == 2


def test_recommend_needs_a_grade_and_is_an_event(a, learner, tutor):
    s = submitted(learner, a, ORIGINAL)
    with pytest.raises(ValidationError):
        services.submission_recommend(actor=tutor, submission=s, on=True, version=s.version)
    s = services.submission_grade(actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version)
    s = services.submission_recommend(actor=tutor, submission=s, on=True, version=s.version)
    assert s.recommended and s.events.filter(kind=GradingEvent.Kind.RECOMMENDED).exists()


# --- Spot checks --------------------------------------------------------------------------------------------


def _graded_class(w, a, tutor, learners):
    out = []
    for u in learners:
        s = submitted(u, a, HONEST1 + u.username)
        out.append(
            services.submission_grade(
                actor=tutor, submission=s, levels=ALL_TOP, comment="", version=s.version
            )
        )
    return out


def test_the_sample_is_at_least_n_per_tutor_and_drawn_once(w, a, tutor, learner, sz_learner):
    a.spot_share, a.spot_minimum = 0.1, 2
    a.save()
    _graded_class(w, a, tutor, [learner, *w.classmates_a])  # 4 graded in class A
    _graded_class(w, a, w.tutor_b, [sz_learner])  # 1 in class B
    assert services.spot_checks_draw(assignment=a, rng=random.Random(1)) == 3
    by_tutor = {t: SpotCheck.objects.filter(tutor=t).count() for t in (tutor, w.tutor_b)}
    assert by_tutor == {tutor: 2, w.tutor_b: 1}
    assert services.spot_checks_draw(assignment=a, rng=random.Random(2)) == 0


def test_the_expert_scores_blind_then_agreement_and_a_correction_with_reason(
    w, a, tutor, learner, chief_expert
):
    from ..selectors import agreement

    (s,) = _graded_class(w, a, tutor, [learner])
    services.spot_checks_draw(assignment=a, rng=random.Random(1))
    spot = SpotCheck.objects.get()
    with pytest.raises(PermissionDenied):
        services.spot_check_score(actor=tutor, spot=spot, levels=ALL_TOP)
    spot = services.spot_check_score(
        actor=chief_expert, spot=spot, levels={"c1": "l1", "c2": "l2", "c3": "l1"}, comment="过程略欠层次"
    )
    assert (spot.score, spot.tutor_score) == (34, 40)
    shares = {g["key"]: g["share"] for g in agreement(assignment=a)}
    assert shares == {"c1": 1.0, "c2": 0.0, "c3": 1.0}
    s.refresh_from_db()
    with pytest.raises(ValidationError):
        services.submission_correct(
            actor=chief_expert, submission=s, levels=spot.levels, reason="", version=s.version
        )
    s = services.submission_correct(
        actor=chief_expert, submission=s, levels=spot.levels, reason="教学过程缺少递进", version=s.version
    )
    assert s.score == 34
    e = s.events.get(kind=GradingEvent.Kind.CORRECTED)
    assert (e.data["score_before"], e.data["score_after"], e.data["reason"]) == (40, 34, "教学过程缺少递进")


# --- Copy detection -----------------------------------------------------------------------------------------


def test_a_copy_is_flagged_the_moment_it_is_submitted_across_classes(a, learner, sz_learner, w):
    submitted(learner, a, PROMPT + ORIGINAL)
    submitted(w.classmates_a[0], a, PROMPT + HONEST1)
    copy = submitted(sz_learner, a, PROMPT + ORIGINAL.replace("，", ","))
    pair = SimilarityPair.objects.get()
    assert {pair.first.learner, pair.second.learner} == {learner, sz_learner}
    assert pair.score > 0.9
    copy.refresh_from_db()
    assert copy.similarity == pytest.approx(pair.score)
    assert SimilarityBand.objects.filter(submission=copy).count() == sim.BANDS


def test_the_full_recheck_finds_the_same_pairs_and_reports_progress(a, learner, sz_learner, w, chief_expert):
    from teachnet.core.models import TaskProgress

    submitted(learner, a, PROMPT + ORIGINAL)
    submitted(sz_learner, a, PROMPT + ORIGINAL)
    submitted(w.classmates_b[0], a, PROMPT + HONEST2)
    SimilarityPair.objects.all().delete()
    task = services.similarity_recheck_start(actor=chief_expert, assignment=a)
    task.refresh_from_db()
    assert task.state == TaskProgress.State.DONE and "1 对" in task.message
    assert SimilarityPair.objects.count() == 1
    assert SimilarityBand.objects.filter(assignment=a).count() == 3 * sim.BANDS


def test_due_notice_goes_once_to_those_who_have_not_submitted(w, chief_expert, learner, sz_learner):
    a = assignment_make(w, chief_expert, days=1)
    submitted(learner, a, ORIGINAL)
    told = services.homework_notify_due(days=2)
    assert told == 1 + 2 * len(w.classmates_a)  # sz_learner and every classmate, not the learner
    assert not Notification.objects.filter(recipient=learner, kind="deadline_soon").exists()
    assert Notification.objects.filter(recipient=sz_learner, kind="deadline_soon").count() == 1
    assert services.homework_notify_due(days=2) == 0
    forget(learner)


def test_a_second_recheck_rewrites_only_what_changed(a, learner, sz_learner, w):
    submitted(learner, a, PROMPT + ORIGINAL)
    copy = submitted(sz_learner, a, PROMPT + ORIGINAL)
    honest = submitted(w.classmates_b[0], a, PROMPT + HONEST2)
    services.similarity_recheck(assignment=a)
    kept = set(SimilarityBand.objects.filter(submission=copy).values_list("pk", flat=True))
    # The copier rewrites their text honestly; the other two are as they were.
    Submission.objects.filter(pk=copy.pk).update(body_text=PROMPT + HONEST1)
    result = services.similarity_recheck(assignment=a)
    assert result.pairs == 0 and SimilarityPair.objects.count() == 0
    assert not SimilarityBand.objects.filter(pk__in=kept).exists()  # the changed text's keys replaced
    assert SimilarityBand.objects.filter(submission=honest).count() == sim.BANDS
    copy.refresh_from_db()
    assert copy.similarity is None


def test_the_command_tells_due_learners_and_rechecks(w, chief_expert, learner, sz_learner):
    from io import StringIO

    from django.core.management import call_command

    a = assignment_make(w, chief_expert, days=1)
    submitted(learner, a, PROMPT + ORIGINAL)
    submitted(sz_learner, a, PROMPT + ORIGINAL)
    out = StringIO()
    call_command("homework", "notify-due", "--days", "2", stdout=out)
    assert out.getvalue().strip() == f"{2 * len(w.classmates_a)} learners told"
    out = StringIO()
    call_command("homework", "recheck", str(a.pk), stdout=out)
    assert "2 checked, 2 scored, 1 pairs flagged" in out.getvalue()
