"""The shell in the browser: Chinese by default, a language switch, static files, and login lock-out."""

import pytest

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_by_default_and_switches_to_english(page, live_server):
    # Given a visitor whose browser asks for zh-CN
    responses = {}
    page.on("response", lambda r: responses.__setitem__(r.url.removeprefix(live_server.url), r.status))

    # When she opens the login page
    page.goto(live_server.url + "/accounts/login/", wait_until="load")

    # Then it speaks Chinese, and its script and style sheet load
    assert page.get_attribute("html", "lang") == "zh-hans"
    main = page.inner_text("main")
    assert "登录" in main and "用户名或手机号" in main
    assert responses.get("/static/vendor/htmx/htmx.min.js") == 200
    assert responses.get("/static/teachnet/teachnet.css") == 200
    assert page.evaluate("typeof window.htmx") == "object"

    # When she clicks the language button, then the same page is in English
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.url == live_server.url + "/accounts/login/"
    assert page.get_attribute("html", "lang") == "en"
    main = page.inner_text("main")
    assert "Log in" in main and "Username or mobile number" in main
    assert "用户名或手机号" not in main
    assert page.locator("[data-testid=lang-zh-hans]").is_visible()  # and the way back


def test_static_files_are_served(page, live_server):
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/teachnet/teachnet.css"):
        response = page.request.get(live_server.url + path)
        assert response.status == 200, path
        assert len(response.body()) > 100, path


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    page, live_server, log_in, gz_city_lead
):
    # Given five wrong passwords for one account
    for attempt in range(1, 6):
        log_in("gz_city_lead", "not the password")
        if attempt < 5:
            assert "用户名/手机号或密码不正确" in page.inner_text("[data-testid=form-errors]")

    # When the right password is typed the sixth time
    log_in("gz_city_lead")

    # Then the lock-out page is shown and nobody is logged in
    assert page.locator("[data-testid=locked-out]").is_visible()
    assert "登录失败次数过多" in page.inner_text("main")
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/accounts/login/")
