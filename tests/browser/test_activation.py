"""Activation in the browser (ORG-4): code + phone → SMS code + own password → home; then log in by phone."""

import re

import pytest

from teachnet.accounts import services
from teachnet.accounts.models import RoleAssignment, SmsMessage
from teachnet.accounts.tests.factories import make_id_card

pytestmark = pytest.mark.browser

PHONE = "13800138000"
NEW_PASSWORD = "Mianyang-River-2011!"


def issue_li_na(*, orgs, regions) -> services.IssuedCode:
    return services.accounts_issue(
        people=[
            services.NewPerson(
                real_name="李娜",
                phone=PHONE,
                id_card=make_id_card(seq=321),
                organization_id=orgs["gz_school"].pk,
                region_id=regions["440106"].code,
            )
        ],
        issued_by=None,
    )[0]


def sms_code() -> str:
    return re.search(r"\b\d{6}\b", SmsMessage.objects.order_by("-pk").first().body).group(0)


def test_a_teacher_activates_with_code_and_sms_then_logs_in_by_phone(
    page, live_server, orgs, regions, project
):
    # Given an issued, unactivated account for 李娜 who will be a learner at her school
    issued = issue_li_na(orgs=orgs, regions=regions)
    RoleAssignment.objects.create(
        user=issued.user, role="learner", organization=orgs["gz_school"], project=project
    )
    typed_code = services.code_format(issued.code).lower()  # as people type it: lower case, with dashes

    # When she types her code and phone number (with spaces) on the activation page
    page.goto(live_server.url + "/accounts/activate/")
    page.fill("input[name=code]", typed_code)
    page.fill("input[name=phone]", "138 0013 8000")
    with page.expect_navigation():
        page.get_by_role("button", name="发送短信验证码").click()

    # Then an SMS goes to her phone and step 2 names the masked number
    assert page.url == live_server.url + "/accounts/activate/complete/"
    assert "138****8000" in page.inner_text("main")
    assert SmsMessage.objects.count() == 1

    # When she types the SMS code and her own password twice
    page.fill("input[name=sms_code]", sms_code())
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="激活并登录").click()

    # Then she is logged in on the home page, greeted by name, with her learner role
    assert page.url == live_server.url + "/"
    main = page.inner_text("main")
    assert "您好，李娜" in main
    assert "账号已激活" in main
    assert "参训学员" in page.inner_text("[data-testid=scope]")
    assert "广州市天河中学" in page.inner_text("[data-testid=scope]")
    assert page.inner_text("header .who") == "李娜"
    page.screenshot(path="/tmp/teachnet-home.png", full_page=True)

    # When she logs out with the button in the top bar
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="退出").click()
    assert page.url.startswith(live_server.url + "/accounts/login/")
    assert page.locator("header .who").count() == 0

    # And logs in again by phone number with her new password
    page.fill("input[name=username]", PHONE)
    page.fill("input[name=password]", NEW_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="登录").click()

    # Then she is home again
    assert page.url == live_server.url + "/"
    assert "您好，李娜" in page.inner_text("main")


def test_a_wrong_phone_is_refused_on_the_page_and_sends_no_sms(page, live_server, orgs, regions):
    # Given an issued account for 李娜
    issued = issue_li_na(orgs=orgs, regions=regions)

    # When someone types her code with another phone number
    page.goto(live_server.url + "/accounts/activate/")
    page.fill("input[name=code]", services.code_format(issued.code))
    page.fill("input[name=phone]", "13800138001")
    with page.expect_navigation():
        page.get_by_role("button", name="发送短信验证码").click()

    # Then the page says code and phone do not match, stays on step 1, and no SMS was sent
    assert page.url == live_server.url + "/accounts/activate/"
    assert "不匹配" in page.inner_text("[data-testid=form-errors]")
    assert SmsMessage.objects.count() == 0
    issued.user.refresh_from_db()
    assert issued.user.activated_at is None
