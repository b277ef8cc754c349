"""Discussions in the study record (LRN-3): the posts a learner wrote and the seminars they attended, for
the learner, the tutor and the admins above, each row linking to a page the reader may open."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from .. import selectors, services

pytestmark = pytest.mark.django_db


def setup_activity(world):
    b = selectors.board_of_class(training_class=world.gz_class)
    acc = selectors.access_for(actor=world.learner, board=b)
    t = services.thread_create(actor=world.learner, access=acc, title="我的主题", body="内容")
    services.post_reply(actor=world.learner, access=acc, thread=t, body="补充")
    hidden = services.post_reply(actor=world.learner, access=acc, thread=t, body="跑题")
    services.post_hide(
        actor=world.tutor, access=selectors.access_for(actor=world.tutor, board=b), post=hidden, reason="跑题"
    )
    learners = list(selectors.class_learners(training_class=world.gz_class))
    mine = next(e for e in learners if e.user_id == world.learner.pk)
    services.seminar_create(
        actor=world.tutor,
        training_class=world.gz_class,
        title="线下研讨一",
        held_on=timezone.localdate() - dt.timedelta(days=2),
        place="天河",
        organizer_id=world.tutor.pk,
        attendee_ids=[mine.pk],
    )
    services.seminar_create(
        actor=world.tutor,
        training_class=world.gz_class,
        title="线下研讨二",
        held_on=timezone.localdate(),
        place="越秀",
        organizer_id=world.tutor.pk,
        attendee_ids=[],
    )
    return t


def test_the_record_counts_posts_and_seminars(world):
    setup_activity(world)
    c = Client()
    c.force_login(world.tutor)
    page = c.get(reverse("learning:record", args=[world.learner.pk])).content.decode()
    assert 'data-testid="activity-posts"' in page and "发表主题 1 个，回复 2 条。其中 1 条被隐藏。" in page
    assert 'data-testid="activity-seminars"' in page and "出席线下研讨 1 次（本班共记录 2 次）" in page
    assert "已隐藏：跑题" in page


def test_the_records_api_carries_the_figures(world, project_office):
    setup_activity(world)
    c = APIClient()
    c.force_authenticate(project_office)
    data = c.get(f"/api/v1/study/records/{world.learner.pk}/").json()
    sections = (
        {s["key"]: s for record in data for s in record["activities"]}
        if isinstance(data, list)
        else {s["key"]: s for s in data["records"][0]["activities"]}
    )
    assert sections["posts"]["figures"] == {"threads": 1, "replies": 2, "hidden": 1}
    assert sections["seminars"]["figures"] == {"attended": 1, "held": 2}


def test_every_record_row_opens_for_the_records_readers(world, gz_city_lead, orgs):
    from teachnet.accounts.tests.factories import persona

    setup_activity(world)
    school_admin = persona(
        "school_admin", "school_admin", organization=orgs["gz_school"], project=world.project
    )
    for reader in (world.learner, world.tutor, world.office, gz_city_lead, school_admin):
        c = Client()
        c.force_login(reader)
        record = c.get(reverse("learning:record", args=[world.learner.pk]))
        assert record.status_code == 200, reader
        rows = [s for rec in record.context["records"] for s in rec[0].activities]
        for section in rows:
            for row in section.rows:
                assert c.get(row.url, follow=True).status_code == 200, (reader, row.url)
