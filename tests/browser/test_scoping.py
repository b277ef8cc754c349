"""Scopes in the browser (ORG-3): Shenzhen's lead sees nothing of Guangzhou, not even that it exists."""

import pytest

pytestmark = pytest.mark.browser


def test_shenzhen_lead_gets_not_found_for_guangzhou_and_sees_his_own(
    page, live_server, log_in, orgs, sz_city_lead, learner
):
    # Given the Shenzhen city lead, logged in through the form
    log_in("sz_city_lead")
    assert page.url == live_server.url + "/"

    # When he opens a Guangzhou school, then it does not exist for him
    response = page.goto(f"{live_server.url}/orgs/{orgs['gz_school'].pk}/")
    assert response.status == 404
    assert "广州市天河中学" not in page.content()

    # When he opens his own city's school, then he sees it
    response = page.goto(f"{live_server.url}/orgs/{orgs['sz_school'].pk}/")
    assert response.status == 200
    assert page.inner_text("h1").startswith("深圳市南山中学")

    # When he lists organizations, then Shenzhen's are there and Guangzhou's are not
    response = page.goto(live_server.url + "/orgs/")
    assert response.status == 200
    listing = page.inner_text("main")
    assert "深圳市南山中学" in listing
    assert "广州市天河中学" not in listing

    # When he opens a Guangzhou learner's page, then it does not exist for him
    response = page.goto(f"{live_server.url}/accounts/people/{learner.pk}/")
    assert response.status == 404


def test_guangzhou_lead_sees_the_guangzhou_school_and_learner(
    page, live_server, log_in, orgs, gz_city_lead, learner
):
    # Given the Guangzhou city lead, logged in through the form
    log_in("gz_city_lead")

    # When he opens the Guangzhou school, then he sees it
    response = page.goto(f"{live_server.url}/orgs/{orgs['gz_school'].pk}/")
    assert response.status == 200
    assert page.inner_text("h1").startswith("广州市天河中学")

    # And the learner of that school, with her ID number masked
    response = page.goto(f"{live_server.url}/accounts/people/{learner.pk}/")
    assert response.status == 200
    assert page.inner_text("h1").startswith("learner")
    assert "*" in page.inner_text("[data-testid=id-card]")
