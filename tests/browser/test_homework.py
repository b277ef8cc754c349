"""ACT-6 in a real browser: the learner writes in the editor (rare characters, a script that must not run),
saves a draft and submits; the tutor grades the class from the keyboard (levels by number keys, the comment,
Ctrl+Enter saves and opens the next, k goes back); the expert scores a spot check blind, then sees both."""

import re

import pytest

from teachnet.homework.models import Submission
from teachnet.homework.tests.factories import (
    HONEST1,
    HONEST2,
    assignment_make,
    forget,
    submitted,
    world_build,
)

pytestmark = pytest.mark.django_db(transaction=True)


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


def _errors(page) -> list[str]:
    errors: list[str] = []
    # The site has no favicon yet: the browser's own request for it is not this page's error.
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} {m.location}")
            if m.type == "error" and "favicon" not in m.location.get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


def test_write_submit_grade_by_keyboard_and_spot_check(
    page, live_server, log_in, w, chief_expert, tutor, learner
):
    a = assignment_make(w, chief_expert)
    submitted(w.classmates_a[0], a, HONEST1)
    submitted(w.classmates_a[1], a, HONEST2)
    errors = _errors(page)

    # The learner writes in the editor and saves a draft, then submits.
    log_in("learner")
    page.goto(f"{live_server.url}/homework/a/{a.pk}/")
    editor = page.locator(".ql-editor")
    editor.click()
    page.keyboard.type("本节课的内容是立定跳远，𠀀𪚥。<script>alert(1)</script>")
    with page.expect_navigation():
        page.get_by_test_id("save-draft").click()
    assert page.get_by_test_id("draft-saved").is_visible()
    assert "𠀀𪚥" in page.locator(".ql-editor").inner_text()
    page.locator(".ql-editor").click()
    page.keyboard.press("End")
    page.keyboard.type("学生两人一组练习，教师巡视纠正。" * 3)
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    assert "作业已提交" in page.content()
    assert "立定跳远" in page.get_by_test_id("submitted-body").inner_text()
    mine = Submission.objects.get(learner=learner)
    assert mine.state == "submitted" and "<script" not in mine.body and "𠀀𪚥" in mine.body

    # The tutor grades the whole class from the keyboard.
    page.context.clear_cookies()
    log_in("tutor")
    page.goto(f"{live_server.url}/homework/a/{a.pk}/grade/{w.class_a.pk}/")
    assert "键盘" in page.get_by_test_id("keys").inner_text()
    names = page.get_by_test_id("queue-item").all_inner_texts()
    assert len(names) == 3
    for n in range(3):
        current = page.get_by_test_id("current-learner").inner_text()
        assert names[n] in current
        page.locator("body").press("1")  # 教学目标: 优秀
        page.locator("body").press("2")  # 教学过程: 良好
        page.locator("body").press("1")  # 评价方式: 优秀
        page.locator("body").press("c")
        page.keyboard.type(f"第{n + 1}份：目标清楚，过程可再紧凑。")
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
    graded = Submission.objects.filter(assignment=a, state="graded")
    assert graded.count() == 3 and set(graded.values_list("score", flat=True)) == {34}
    with page.expect_navigation():
        page.locator("body").press("k")
    assert names[1] in page.get_by_test_id("current-learner").inner_text()
    assert page.get_by_test_id("score").inner_text() == "34"

    # The expert draws the sample and scores one blind, then sees the tutor's grade beside theirs.
    page.context.clear_cookies()
    forget(chief_expert)
    log_in("chief_expert")
    page.goto(f"{live_server.url}/homework/a/{a.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("spot-draw").click()
    with page.expect_navigation():
        page.get_by_test_id("spot-link").first.click()
    assert page.get_by_test_id("blind").is_visible()
    assert "目标清楚" not in page.content()
    for key in ("c1", "c2", "c3"):
        page.get_by_test_id(f"level-{key}-l1").check()
    with page.expect_navigation():
        page.get_by_test_id("spot-save").click()
    assert page.get_by_test_id("tutor-score").inner_text() == "34"
    assert page.get_by_test_id("expert-score").inner_text() == "40"
    assert re.search("目标清楚", page.content())
    assert errors == [], errors
