"""Duty's pages (ACT-3): the provider's duty page with its flags and roster, the queue and a question's page
(claim, answer, release), the office's overview, and the flags on the training pages. Each grant with its
denial: another provider, a tutor, a learner, anonymous."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import DutyShift, Question

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def provider_url(world) -> str:
    return reverse("duty:provider", args=[world.project.pk, world.bnu.pk])


def forward(world, **kw) -> Question:
    return services.question_forward(
        actor=world.tutor,
        provider_subject=world.ps,
        title=kw.get("title", "篮球课如何安排比赛？"),
        body="<p>学练赛一体化</p>",
        asker=world.learner,
        origin_url="/discussions/threads/1/",
        origin_label="广州初中体育1班",
        origin_key=kw.get("key", "k1"),
    )


def test_the_provider_sees_its_roster_flags_and_response_times(world):
    page = client_for(world.provider_admin).get(provider_url(world)).content.decode()
    assert "值班表" in page and "每天不少于 3 名专家在线值班" in page
    assert 'data-testid="duty-short-days"' in page  # nobody on duty yet: every day ahead is short
    assert "响应时间：按专家" in page


def test_the_roster_form_saves_a_day_and_warns_when_it_is_short(world):
    day = timezone.localdate() + dt.timedelta(days=1)
    url = reverse("duty:roster_day", args=[world.project.pk, world.bnu.pk, day.isoformat()])
    r = client_for(world.provider_admin).post(
        url, {"experts": [world.chief.pk, world.expert2.pk]}, follow=True
    )
    assert "只有 2 名专家，每天应不少于 3 名" in r.content.decode()
    assert DutyShift.objects.filter(day=day).count() == 2


def test_a_subject_expert_sees_the_roster_but_cannot_change_it(world):
    day = timezone.localdate()
    page = client_for(world.expert2).get(provider_url(world)).content.decode()
    assert "值班表" in page and "调整" not in page
    url = reverse("duty:roster_day", args=[world.project.pk, world.bnu.pk, day.isoformat()])
    assert client_for(world.expert2).post(url, {"experts": [world.expert2.pk]}).status_code == 404
    assert not DutyShift.objects.exists()


@pytest.mark.parametrize("who", ["swu_admin", "swu_expert", "tutor", "learner", "sz_learner"])
def test_others_cannot_see_a_providers_duty(world, who):
    c = client_for(getattr(world, who))
    assert c.get(provider_url(world)).status_code == 404
    assert c.get(reverse("duty:queue", args=[world.project.pk, world.bnu.pk])).status_code == 404


def test_anonymous_is_sent_to_log_in(world):
    r = client_for(None).get(provider_url(world))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_malformed_days_and_missing_units_are_404(world):
    c = client_for(world.provider_admin)
    assert (
        c.post(reverse("duty:roster_day", args=[world.project.pk, world.bnu.pk, "2026-13-45"])).status_code
        == 404
    )
    assert c.get(reverse("duty:provider", args=[world.project.pk, 999999])).status_code == 404


def test_the_expert_on_duty_claims_and_answers_from_the_queue(world):
    services.roster_set(
        actor=world.provider_admin,
        project=world.project,
        provider=world.bnu,
        day=timezone.localdate(),
        experts=[world.chief, world.expert2, world.expert3],
    )
    q = forward(world)
    c = client_for(world.chief)
    queue = c.get(reverse("duty:queue", args=[world.project.pk, world.bnu.pk])).content.decode()
    assert "您今天值班" in queue and "篮球课如何安排比赛？" in queue
    c.post(reverse("duty:claim", args=[q.pk]))
    page = c.get(reverse("duty:question", args=[q.pk])).content.decode()
    assert "已认领" in page and 'data-testid="answer-form"' in page and 'data-testid="release"' in page
    r = c.post(reverse("duty:answer", args=[q.pk]), {"answer": "<p>先学后练再赛。</p>"}, follow=True)
    assert "答复已发布" in r.content.decode()
    assert Question.objects.get(pk=q.pk).state == Question.State.ANSWERED


def test_an_answer_refused_comes_back_with_the_text_kept(world):
    q = forward(world)
    services.question_claim(actor=world.chief, question=q)
    r = client_for(world.expert2).post(reverse("duty:answer", args=[q.pk]), {"answer": "我写了很长的答复"})
    page = r.content.decode()
    assert r.status_code == 400 and "复制留存" in page and "我写了很长的答复" in page
    r = client_for(world.chief).post(reverse("duty:answer", args=[q.pk]), {"answer": ""})
    assert r.status_code == 400 and "请填写正文" in r.content.decode()


def test_the_tutor_follows_their_forwarded_question_but_cannot_claim_it(world):
    q = forward(world)
    c = client_for(world.tutor)
    page = c.get(reverse("duty:question", args=[q.pk])).content.decode()
    assert "篮球课如何安排比赛？" in page and 'data-testid="claim"' not in page
    r = c.post(reverse("duty:claim", args=[q.pk]), follow=True)
    assert "只有本学科专家团队的专家" in r.content.decode()
    assert client_for(world.tutor2).get(reverse("duty:question", args=[q.pk])).status_code == 404
    assert client_for(world.swu_expert).get(reverse("duty:question", args=[q.pk])).status_code == 404


def test_the_office_sees_every_provider_and_the_flags_on_the_project_page(world, settings):
    settings.DUTY_WAIT_WARN_HOURS = 1
    q = forward(world)
    Question.objects.filter(pk=q.pk).update(forwarded_at=timezone.now() - dt.timedelta(hours=2))
    c = client_for(world.office)
    page = c.get(reverse("duty:project", args=[world.project.pk])).content.decode()
    assert 'data-provider="北京师范大学"' in page and 'data-provider="西南大学"' in page
    overview = c.get(reverse("training:project", args=[world.project.pk])).content.decode()
    assert 'data-testid="duty-brief"' in overview and 'data-testid="brief-overdue"' in overview
    # A provider sees only its own in the overview of the project
    own = client_for(world.swu_admin).get(reverse("duty:project", args=[world.project.pk])).content.decode()
    assert "西南大学" in own and 'data-provider="北京师范大学"' not in own


def test_the_providers_workspace_shows_its_duty_flags(world):
    page = client_for(world.provider_admin).get(reverse("training:provider")).content.decode()
    assert 'data-testid="duty-brief"' in page and "北京师范大学" in page
    other = client_for(world.swu_admin).get(reverse("training:provider")).content.decode()
    assert 'data-provider="北京师范大学"' not in other
