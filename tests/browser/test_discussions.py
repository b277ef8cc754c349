"""ACT-1 … ACT-3 in a real browser: a learner starts a thread in the class board with the rich-text editor
and an image, the tutor forwards it to the expert team, the expert on duty claims it in the queue and
answers, and the answer appears in the thread for everyone, marked as the expert team's, with a notice in
the learner's inbox. Chinese text throughout (生僻字 included), and no console errors."""

import io

import pytest
from django.utils import timezone

from teachnet.duty import services as duty_services
from teachnet.duty.tests.factories import build_world

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
RARE = "𠀀𪚥"


@pytest.fixture
def world(project, orgs, chief_expert, provider_admin, tutor, learner, sz_learner, project_office):
    w = build_world(
        project=project, orgs=orgs, chief_expert=chief_expert, provider_admin=provider_admin, tutor=tutor,
        learner=learner, sz_learner=sz_learner, project_office=project_office,
    )  # fmt: skip
    duty_services.roster_set(
        actor=provider_admin, project=project, provider=orgs["bnu"], day=timezone.localdate(),
        experts=[w.chief, w.expert2, w.expert3],
    )  # fmt: skip
    return w


def _png(tmp_path):
    from PIL import Image

    path = tmp_path / "场地示意图.png"
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 130, 70)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def _watch(page, problems: list[str]):
    def console(message):
        # The browser asks for /favicon.ico on its own; the site has none, which is no error of the page.
        if message.type == "error" and "favicon.ico" not in (message.location or {}).get("url", ""):
            problems.append(f"console: {message.text} ({message.location})")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))


def _login(browser, live_server, username, problems):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _watch(page, problems)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return page


def _type_rich(page, testid: str, text: str):
    editor = page.locator(f"[data-testid={testid}-editor] .ql-editor")
    editor.click()
    page.keyboard.type(text)


def test_a_question_goes_from_the_class_board_to_the_expert_on_duty_and_back(
    browser, live_server, world, tmp_path
):
    problems: list[str] = []

    # The learner starts a thread from the menu, with the editor and an image
    learner = _login(browser, live_server, "learner", problems)
    learner.get_by_test_id("nav-discussions").click()
    learner.get_by_role("link", name="广州初中体育1班 · 班级讨论区").click()
    learner.fill("input[name=title]", f"体育课上如何做过程性评价？{RARE}")
    _type_rich(learner, "body", f"一个班四十多人，技能评价很难做到每人每课都有记录。{RARE}")
    learner.get_by_test_id("images-input").set_input_files(str(_png(tmp_path)))
    with learner.expect_navigation():
        learner.get_by_test_id("thread-submit").click()
    assert "主题已发表" in learner.inner_text("main")
    assert f"体育课上如何做过程性评价？{RARE}" in learner.inner_text("h1")
    image = learner.locator(".post-images img").first
    image.wait_for()
    loaded = learner.wait_for_function("img => img.complete && img.naturalWidth", arg=image.element_handle())
    assert loaded.json_value() == 120  # served through the access-checked view, decoded by the browser
    thread_url = learner.url

    # The tutor forwards it to the expert team
    tutor = _login(browser, live_server, "tutor", problems)
    tutor.goto(thread_url)
    tutor.get_by_test_id("forward-open").click()
    tutor.fill("input[name=note]", "本班多位学员有同样的困惑")
    with tutor.expect_navigation():
        tutor.get_by_test_id("forward-submit").click()
    assert "已转交专家团队" in tutor.inner_text("main")
    assert "待认领" in tutor.get_by_test_id("forwarded-tag").inner_text()

    # The expert on duty finds it in the queue, claims and answers
    expert = _login(browser, live_server, "chief_expert", problems)
    expert.get_by_test_id("nav-duty").click()
    assert "值班表" in expert.inner_text("main") and "今天" in expert.inner_text("main")
    expert.get_by_test_id("queue-link").click()
    assert "您今天值班" in expert.inner_text("main")
    expert.get_by_role("link", name=f"体育课上如何做过程性评价？{RARE}").click()
    assert "本班多位学员有同样的困惑" in expert.inner_text("main")
    with expert.expect_navigation():
        expert.get_by_test_id("claim").click()
    assert "已认领" in expert.get_by_test_id("question-state").inner_text()
    _type_rich(expert, "answer", "建议分组轮评：每节课重点观察一两个小组，一个单元覆盖全班。")
    with expert.expect_navigation():
        expert.get_by_test_id("answer-submit").click()
    assert "答复已发布" in expert.inner_text("main")
    expert.goto(live_server.url + "/duty/")
    expert.screenshot(path="/tmp/teachnet-duty.png", full_page=True)

    # Everyone sees the answer in the thread, as the expert team's; the learner has a notice
    learner.goto(thread_url)
    answer = learner.locator("article[data-expert-answer]")
    assert "专家团队答复" in answer.inner_text()
    assert "建议分组轮评" in answer.inner_text() and "引用 learner 的帖子" in answer.inner_text()
    learner.screenshot(path="/tmp/teachnet-discussions-thread.png", full_page=True)
    learner.goto(live_server.url + "/inbox/")
    assert "专家团队已答复" in learner.inner_text("main")
    learner.screenshot(path="/tmp/teachnet-discussions-inbox.png", full_page=True)

    assert problems == []
