"""The project office sets its project's study rules and presence questions in the browser (LRN-1, LRN-2):
from the project overview, a mistake named on its field, then saved; a question added to the bank and
removed."""

import pytest

from teachnet.learning.models import Question, StudyPolicy

pytestmark = pytest.mark.browser


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_the_office_sets_the_study_rules_and_the_question_bank(
    page, live_server, log_in, project_office, project
):
    log_in("project_office")
    page.goto(f"{live_server.url}/training/projects/{project.pk}/")
    click_and_wait(page, "[data-testid=study-rules]")
    assert "默认值" in page.inner_text("[data-testid=policy]")
    assert page.input_value("input[name=heartbeat_seconds]") == "30"

    # A heartbeat every 60 s with the session ending after 45 s of silence: refused, by name.
    page.fill("input[name=heartbeat_seconds]", "60")
    page.fill("input[name=idle_end_seconds]", "45")
    click_and_wait(page, "[data-testid=save-policy]")
    assert "应大于心跳间隔加宽限（65 秒）" in page.inner_text("[data-testid=policy-form]")
    assert page.input_value("input[name=heartbeat_seconds]") == "60"  # what was typed stays
    assert not StudyPolicy.objects.exists()

    page.fill("input[name=idle_end_seconds]", "180")
    page.select_option("select[name=second_device]", "refuse")
    click_and_wait(page, "[data-testid=save-policy]")
    assert "已保存学时规则" in page.inner_text(".messages")
    policy = StudyPolicy.objects.get(project=project)
    assert (policy.heartbeat_seconds, policy.idle_end_seconds, policy.second_device) == (60, 180, "refuse")

    # The bank: a question added, then removed.
    page.fill("[data-testid=question-form] input[name=prompt]", "本项目应修多少学时？")
    page.fill("[data-testid=question-form] input[name=answer]", "50")
    click_and_wait(page, "[data-testid=add-question]")
    assert page.locator("[data-testid=question]").count() == 1
    click_and_wait(page, "[data-testid=question] button")
    assert page.locator("[data-testid=question]").count() == 0
    assert not Question.objects.exists()
