"""The live Q&A room in the browser (ACT-5): the learner asks, the chief expert sees the question appear
without reloading and answers it, the learner sees the answer and upvotes; Chinese (and rare characters) on
screen, no console errors."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from teachnet.accounts.tests.factories import persona
from teachnet.qa.services import session_schedule
from teachnet.training.models import ClassMembership, Enrollment, ExpertTeamMember, TrainingClass
from teachnet.training.tests.factories import assign

pytestmark = pytest.mark.browser


def _world(project, orgs, regions, learner):
    ps = assign(project, orgs["bnu"], "初中体育")
    expert = persona("chief", "chief_expert", organization=orgs["bnu"], project=project, home_org=orgs["bnu"])
    expert.real_name = "孙明远"
    expert.save()
    chief = ExpertTeamMember.objects.create(
        provider_subject=ps, name="孙明远", role="chief_expert", user=expert
    )
    e = Enrollment.objects.create(
        project=project, subject=ps.subject, user=learner, role="learner", region=regions["440100"]
    )
    klass = TrainingClass.objects.create(
        project=project, subject=ps.subject, province=regions["440000"], name="广州一班"
    )
    ClassMembership.objects.create(training_class=klass, enrollment=e)
    now = timezone.now()
    session = session_schedule(
        actor=expert, provider_subject=ps, title="专家答疑：体育课堂教学设计",
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2), host_ids=[chief.pk],
        now=now - dt.timedelta(minutes=10),
    )  # fmt: skip
    return session


def _logged_in(browser, live_server, username):
    from tests.browser.conftest import PASSWORD, TIMEOUT_MS

    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return context, page, errors


def test_a_question_asked_reaches_the_expert_and_the_answer_comes_back_without_reloading(
    browser, live_server, project, orgs, regions, learner
):
    session = _world(project, orgs, regions, learner)
    room = f"{live_server.url}/qa/{session.pk}/"
    learner_ctx, learner_page, learner_errors = _logged_in(browser, live_server, "learner")
    expert_ctx, expert_page, expert_errors = _logged_in(browser, live_server, "chief")
    try:
        # Given both in the room, from the menu for the learner
        learner_page.get_by_test_id("nav-qa").click()
        learner_page.get_by_role("link", name="专家答疑：体育课堂教学设计").click()
        expect(learner_page.get_by_test_id("qa-room")).to_contain_text("答疑进行中")
        expert_page.goto(room)
        expect(expert_page.get_by_test_id("qa-end")).to_be_visible()

        # When the learner asks, with a script and rare characters in it
        learner_page.fill("#qa-ask-body", "篮球单元怎么分层教学？<script>alert(1)</script> 𠀀𪚥")
        learner_page.get_by_role("button", name="提问", exact=True).click()

        # Then the expert's room shows it within a few seconds, as text, without reloading
        question = expert_page.get_by_test_id("qa-question").first
        expect(question).to_contain_text("篮球单元怎么分层教学？<script>alert(1)</script> 𠀀𪚥", timeout=4000)
        expect(question).to_contain_text("待解答")

        # When the expert answers
        question.get_by_role("button", name="解答", exact=True).click()
        expert_page.locator(".qa-answer-form textarea").fill("同一练习给出三档难度，让学生自选。")
        expert_page.get_by_role("button", name="发送解答").click()

        # Then the learner reads the answer, marked answered, without reloading, and upvotes the question
        mine = learner_page.get_by_test_id("qa-question").first
        expect(mine.get_by_test_id("qa-answer")).to_contain_text(
            "同一练习给出三档难度，让学生自选。", timeout=4000
        )
        expect(mine).to_contain_text("已解答")
        mine.locator(".qa-vote").click()
        expect(mine.locator(".qa-vote")).to_have_text("已赞同 1")
        expect(question.locator(".qa-vote")).to_have_text("赞同 1", timeout=4000)

        # When the expert ends the session, the learner's room says so and the transcript stays
        expert_page.once("dialog", lambda d: d.accept())
        with expert_page.expect_navigation():
            expert_page.get_by_test_id("qa-end").click()
        expect(expert_page.get_by_test_id("qa-transcript")).to_contain_text("同一练习给出三档难度")
        expect(learner_page.locator("#qa-status")).to_contain_text("答疑已结束", timeout=4000)
        assert learner_errors == [] and expert_errors == []
    finally:
        learner_ctx.close()
        expert_ctx.close()
