"""Expert duty's writes (ACT-3): the roster against 每天不少于 3 名专家在线值班, and a forwarded question's
way through the queue — claim, release, answer — with the races between two experts settled on the row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teachnet.core.models import AuditEvent
from teachnet.core.rules import standings

from .. import selectors, services
from ..models import DutyShift, Question, QuestionEvent

pytestmark = pytest.mark.django_db


def forward(world, *, key="test:1", title="怎样组织耐久跑？") -> Question:
    return services.question_forward(
        actor=world.tutor,
        provider_subject=world.ps,
        title=title,
        body="<p>学生兴趣不高。</p>",
        asker=world.learner,
        note="请专家解答",
        origin_label="广州初中体育1班 · 班级讨论区",
        origin_url="/discussions/threads/1/",
        origin_key=key,
    )


# --- The roster ------------------------------------------------------------------------------------------


def test_the_provider_admin_puts_three_experts_on_duty_and_it_is_recorded(world):
    today = timezone.localdate()
    shifts = services.roster_set(
        actor=world.provider_admin,
        project=world.project,
        provider=world.bnu,
        day=today,
        experts=[world.chief, world.expert2, world.expert3],
    )
    assert {s.expert for s in shifts} == {world.chief, world.expert2, world.expert3}
    event = AuditEvent.objects.get(verb="duty.roster_set")
    assert event.data["after"] == sorted([world.chief.pk, world.expert2.pk, world.expert3.pk])
    # Saving the same list again writes nothing more
    services.roster_set(
        actor=world.provider_admin,
        project=world.project,
        provider=world.bnu,
        day=today,
        experts=[world.chief, world.expert2, world.expert3],
    )
    assert AuditEvent.objects.filter(verb="duty.roster_set").count() == 1


def test_the_chief_expert_may_arrange_duty_but_a_subject_expert_and_another_provider_may_not(world):
    today = timezone.localdate()
    services.roster_set(
        actor=world.chief, project=world.project, provider=world.bnu, day=today, experts=[world.chief]
    )
    for outsider in (world.expert2, world.swu_admin, world.tutor, world.learner, world.office):
        with pytest.raises(PermissionDenied):
            services.roster_set(
                actor=outsider, project=world.project, provider=world.bnu, day=today, experts=[world.chief]
            )
    assert DutyShift.objects.filter(day=today).count() == 1


def test_only_the_providers_own_experts_can_be_put_on_duty(world):
    with pytest.raises(ValidationError) as exc:
        services.roster_set(
            actor=world.provider_admin,
            project=world.project,
            provider=world.bnu,
            day=timezone.localdate(),
            experts=[world.chief, world.swu_expert],
        )
    assert "experts" in exc.value.message_dict
    assert not DutyShift.objects.exists()


def test_a_day_below_three_experts_is_short_and_the_rule_says_so(world):
    today = timezone.localdate()
    for day, experts in (
        (today, [world.chief, world.expert2, world.expert3]),
        (today + dt.timedelta(days=1), [world.chief]),
    ):
        services.roster_set(
            actor=world.provider_admin, project=world.project, provider=world.bnu, day=day, experts=experts
        )
    rows = {r.day: r for r in selectors.roster_days(project=world.project, provider=world.bnu)}
    assert not rows[today].short and rows[today + dt.timedelta(days=1)].shortfall == 2
    mine = [
        s for s in standings(world.project, ["duty.experts_per_day"]) if s.unit.startswith("北京师范大学")
    ]
    assert len(mine) == len(rows)  # every day of the remote training
    tomorrow = next(s for s in mine if s.unit.endswith((today + dt.timedelta(days=1)).isoformat()))
    assert (tomorrow.count, tomorrow.met, tomorrow.note) == (1, False, "还差 2 名")
    assert mine[0].rule.minimum == 3 and mine[0].rule.source == "GP 四.2(2)"


def test_short_days_are_flagged_from_today_within_the_lookahead(world, settings):
    settings.DUTY_LOOKAHEAD_DAYS = 7
    today = timezone.localdate()
    start, end = selectors.duty_window(project=world.project)
    thin = {today + dt.timedelta(days=2), today + dt.timedelta(days=15), today - dt.timedelta(days=1)}
    day = start
    while day <= end:
        experts = [world.chief, world.expert2] if day in thin else [world.chief, world.expert2, world.expert3]
        services.roster_set(
            actor=world.provider_admin, project=world.project, provider=world.bnu, day=day, experts=experts
        )
        day += dt.timedelta(days=1)
    flags = selectors.flags(unit=selectors.DutyUnit(world.project, world.bnu))
    assert [r.day for r in flags.short_days] == [today + dt.timedelta(days=2)]
    assert flags.past_short == 1 and flags.today.count == 3


# --- Questions -------------------------------------------------------------------------------------------


def test_a_forwarded_question_waits_then_is_claimed_and_answered_with_every_step_recorded(world):
    services.roster_set(
        actor=world.provider_admin,
        project=world.project,
        provider=world.bnu,
        day=timezone.localdate(),
        experts=[world.chief],
    )
    q = forward(world)
    assert q.state == Question.State.WAITING and q.forwarded_by == world.tutor
    q = services.question_claim(actor=world.chief, question=q)
    assert (q.state, q.claimed_by, q.claimed_on_duty) == (Question.State.CLAIMED, world.chief, True)
    q = services.question_answer(
        actor=world.chief, question=q, answer="<p>用定时跑。</p><script>alert(1)</script>"
    )
    assert q.state == Question.State.ANSWERED and q.answer == "<p>用定时跑。</p>"
    kinds = list(QuestionEvent.objects.filter(question=q).values_list("kind", flat=True))
    assert kinds == ["forwarded", "claimed", "answered"]
    assert q.seconds_to_answer is not None and q.seconds_to_answer >= 0


def test_a_second_expert_claiming_is_told_who_was_first(world):
    q = forward(world)
    services.question_claim(actor=world.chief, question=q)
    with pytest.raises(ValidationError) as exc:
        services.question_claim(actor=world.expert2, question=q)
    assert "chief_expert" in str(exc.value)  # the persona's name
    assert Question.objects.get(pk=q.pk).claimed_by == world.chief
    # Claiming one's own claim again changes nothing
    services.question_claim(actor=world.chief, question=q)
    assert QuestionEvent.objects.filter(question=q, kind="claimed").count() == 1


def test_an_answer_to_a_question_another_expert_claimed_is_refused_and_nothing_is_saved(world):
    q = forward(world)
    services.question_claim(actor=world.chief, question=q)
    with pytest.raises(ValidationError) as exc:
        services.question_answer(actor=world.expert2, question=q, answer="我的答复")
    assert "answer" in exc.value.message_dict and "复制留存" in exc.value.message_dict["answer"][0]
    q.refresh_from_db()
    assert q.state == Question.State.CLAIMED and q.answer == ""


def test_a_waiting_question_is_claimed_and_answered_in_one_step_and_cannot_be_answered_twice(world):
    q = services.question_answer(actor=world.expert2, question=forward(world), answer="先学后赛。")
    assert q.claimed_by == world.expert2 and q.answered_by == world.expert2 and not q.claimed_on_duty
    with pytest.raises(ValidationError):
        services.question_answer(actor=world.chief, question=q, answer="另一答复")
    assert Question.objects.get(pk=q.pk).answer == "<p>先学后赛。</p>"


def test_only_the_subjects_experts_claim_and_answer(world):
    q = forward(world)
    for outsider in (world.swu_expert, world.tutor, world.learner, world.provider_admin, world.office):
        with pytest.raises(PermissionDenied):
            services.question_claim(actor=outsider, question=q)
        with pytest.raises(PermissionDenied):
            services.question_answer(actor=outsider, question=q, answer="x")


def test_an_empty_or_huge_answer_is_refused_naming_the_field(world):
    q = forward(world)
    for text in ("", "<p> </p>", "字" * 50_001):
        with pytest.raises(ValidationError) as exc:
            services.question_answer(actor=world.chief, question=q, answer=text)
        assert "answer" in exc.value.message_dict
    assert Question.objects.get(pk=q.pk).state == Question.State.WAITING


def test_release_puts_the_question_back_by_its_claimer_or_the_roster_manager(world):
    q = forward(world)
    services.question_claim(actor=world.expert2, question=q)
    with pytest.raises(PermissionDenied):
        services.question_release(actor=world.expert3, question=q)
    q = services.question_release(actor=world.expert2, question=q, note="今天不在线")
    assert q.state == Question.State.WAITING and q.claimed_by is None
    services.question_claim(actor=world.expert3, question=q)
    q = services.question_release(actor=world.provider_admin, question=q)  # a claim left standing
    assert q.state == Question.State.WAITING
    with pytest.raises(ValidationError):
        services.question_release(actor=world.provider_admin, question=q)


def test_a_question_is_forwarded_once_per_origin(world):
    forward(world, key="discussions.post:7")
    with pytest.raises(ValidationError):
        forward(world, key="discussions.post:7")


def test_the_registered_callbacks_hear_of_the_answer_inside_its_transaction(world, monkeypatch):
    heard = []
    monkeypatch.setattr(services, "_ANSWERED", [])
    services.on_answered(heard.append)
    services.on_answered(heard.append)  # registering twice is once
    q = services.question_answer(actor=world.chief, question=forward(world), answer="答复")
    assert heard == [q]


def test_questions_waiting_too_long_are_flagged(world, settings):
    settings.DUTY_WAIT_WARN_HOURS = 24
    old, fresh = forward(world, key="a", title="旧问题"), forward(world, key="b", title="新问题")
    Question.objects.filter(pk=old.pk).update(forwarded_at=timezone.now() - dt.timedelta(hours=25))
    claimed_old = forward(world, key="c", title="已认领的旧问题")
    Question.objects.filter(pk=claimed_old.pk).update(forwarded_at=timezone.now() - dt.timedelta(hours=30))
    services.question_claim(actor=world.chief, question=claimed_old)
    flags = selectors.flags(unit=selectors.DutyUnit(world.project, world.bnu))
    assert [q.title for q in flags.overdue] == ["已认领的旧问题", "旧问题"]
    assert fresh.pk not in [q.pk for q in flags.overdue] and flags.waiting == 3
    settings.DUTY_WAIT_WARN_HOURS = 48
    assert selectors.flags(unit=selectors.DutyUnit(world.project, world.bnu)).overdue == []


def test_response_times_per_expert_and_per_day(world):
    now = timezone.now()
    q1, q2 = forward(world, key="1"), forward(world, key="2")
    services.question_answer(actor=world.chief, question=q1, answer="一")
    services.question_claim(actor=world.expert2, question=q2)
    Question.objects.filter(pk=q1.pk).update(
        forwarded_at=now - dt.timedelta(hours=5),
        claimed_at=now - dt.timedelta(hours=3),
        answered_at=now - dt.timedelta(hours=1),
    )
    unit = selectors.DutyUnit(world.project, world.bnu)
    by_expert = {r.expert: r for r in selectors.times_by_expert(unit=unit)}
    chief = by_expert[world.chief]
    assert (chief.claimed, chief.answered, chief.open) == (1, 1, 0)
    assert chief.mean_to_claim == pytest.approx(7200) and chief.mean_to_answer == pytest.approx(14400)
    assert chief.mean_claim_to_answer == pytest.approx(7200)
    assert by_expert[world.expert2].open == 1 and by_expert[world.expert2].mean_to_answer is None
    days = selectors.times_by_day(unit=unit)
    assert sum(d.forwarded for d in days) == 2 and sum(d.answered for d in days) == 1
