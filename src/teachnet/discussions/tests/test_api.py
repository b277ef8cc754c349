"""The discussions API (ACT-1, ACT-2), scoped as the pages: boards, threads and replies (JSON and
multipart with images), moderation, forwarding, images and seminars; 404 for what the caller may not
read, 403 for what they may not do, 400 for what breaks the schema, 422 naming the field for what the
services refuse."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from teachnet.duty import services as duty_services

from .. import selectors
from ..models import Thread
from .helpers import pdf_named_png, png

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def board_id(world, klass=None) -> int:
    return selectors.board_of_class(training_class=klass or world.gz_class).pk


def test_boards_are_listed_for_their_readers(world):
    ids = {b["id"] for b in api(world.learner).get("/api/v1/discussion-boards/").json()["results"]}
    assert board_id(world) in ids and board_id(world, world.sz_class) not in ids
    detail = api(world.tutor).get(f"/api/v1/discussion-boards/{board_id(world)}/").json()
    assert detail["access"]["moderate"] and detail["access"]["forward"]
    assert api(world.sz_learner).get(f"/api/v1/discussion-boards/{board_id(world)}/").status_code == 404
    assert api(world.learner).get(f"/api/v1/discussion-boards/for-class/{world.gz_class.pk}/").json()[
        "id"
    ] == board_id(world)
    assert (
        api(world.sz_learner).get(f"/api/v1/discussion-boards/for-class/{world.gz_class.pk}/").status_code
        == 404
    )


def test_a_thread_and_a_reply_through_the_api_with_an_image(world):
    url = f"/api/v1/discussion-boards/{board_id(world)}/threads/"
    r = api(world.learner).post(
        url,
        {"title": "耐久跑 𠀀", "body": "<p>怎么教</p><script>x</script>", "images": [png()]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    thread = r.json()["id"]
    posts = api(world.mates[0]).get(f"/api/v1/discussion-threads/{thread}/posts/").json()["results"]
    assert posts[0]["body"] == "<p>怎么教</p>" and posts[0]["images"][0]["mime"] == "image/png"
    image = api(world.mates[0]).get(posts[0]["images"][0]["file_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert api(world.sz_learner).get(posts[0]["images"][0]["file_url"]).status_code == 404
    reply = api(world.mates[0]).post(
        f"/api/v1/discussion-threads/{thread}/posts/",
        {"body": "定时跑", "quote": posts[0]["id"]},
        format="json",
    )
    assert reply.status_code == 201 and reply.json()["quote_excerpt"] == "怎么教"


def test_bad_input_is_refused_naming_the_field(world):
    url = f"/api/v1/discussion-boards/{board_id(world)}/threads/"
    r = api(world.learner).post(
        url, {"title": "照片", "body": "见图", "images": [pdf_named_png()]}, format="multipart"
    )
    assert r.status_code == 422 and "照片.png" in r.json()["images"][0]
    r = api(world.learner).post(url, {"title": "", "body": "x"}, format="json")
    assert r.status_code == 422 and "title" in r.json()
    assert not Thread.objects.exists()
    assert api(world.office).post(url, {"title": "a", "body": "b"}, format="json").status_code == 403


def test_moderation_and_forward_through_the_api(world):
    url = f"/api/v1/discussion-boards/{board_id(world)}/threads/"
    thread = (
        api(world.learner).post(url, {"title": "过程性评价", "body": "怎么做"}, format="json").json()["id"]
    )
    post = api(world.learner).get(f"/api/v1/discussion-threads/{thread}/posts/").json()["results"][0]["id"]
    assert api(world.learner).post(f"/api/v1/discussion-threads/{thread}/pin/").status_code == 403
    assert api(world.tutor).post(f"/api/v1/discussion-threads/{thread}/pin/").json()["pinned"] is True
    f = api(world.tutor).post(f"/api/v1/discussion-posts/{post}/forward/", {"note": "请专家"}, format="json")
    assert f.status_code == 201 and f.json()["state"] == "waiting"
    assert (
        api(world.tutor).post(f"/api/v1/discussion-posts/{post}/forward/", {}, format="json").status_code
        == 422
    )
    assert (
        api(world.chief).post(f"/api/v1/discussion-posts/{post}/forward/", {}, format="json").status_code
        == 403
    )
    duty_services.question_answer(
        actor=world.chief, question=selectors.Post.objects.get(pk=post).forward.question, answer="分组轮评"
    )
    posts = api(world.learner).get(f"/api/v1/discussion-threads/{thread}/posts/").json()["results"]
    assert posts[-1]["expert_answer"] and posts[0]["forward"]["state"] == "answered"
    assert (
        api(world.tutor)
        .post(f"/api/v1/discussion-threads/{thread}/lock/", {"reason": "结束"}, format="json")
        .json()["locked"]
    )
    late = api(world.learner).post(
        f"/api/v1/discussion-threads/{thread}/posts/", {"body": "晚了"}, format="json"
    )
    assert late.status_code == 422 and "body" in late.json()


def test_a_hidden_post_through_the_api(world):
    url = f"/api/v1/discussion-boards/{board_id(world)}/threads/"
    thread = api(world.learner).post(url, {"title": "题", "body": "广告内容"}, format="json").json()["id"]
    post = api(world.learner).get(f"/api/v1/discussion-threads/{thread}/posts/").json()["results"][0]["id"]
    assert (
        api(world.tutor)
        .post(f"/api/v1/discussion-posts/{post}/hide/", {"reason": ""}, format="json")
        .status_code
        == 422
    )
    hidden = (
        api(world.tutor)
        .post(f"/api/v1/discussion-posts/{post}/hide/", {"reason": "广告"}, format="json")
        .json()
    )
    assert hidden["hidden"] and hidden["body"] == "<p>广告内容</p>"  # the moderator still reads it
    seen = api(world.mates[0]).get(f"/api/v1/discussion-posts/{post}/").json()
    assert seen["body"] == "" and seen["hidden_reason"] == "广告"
    assert api(world.sz_learner).get(f"/api/v1/discussion-posts/{post}/").status_code == 404
    assert api(world.learner).get("/api/v1/discussion-posts/999999/").status_code == 404


def seminar_data(world, *, attendees) -> dict:
    """A seminar of the Guangzhou class yesterday, organized by its tutor, as the API takes it."""
    return {
        "training_class": world.gz_class.pk,
        "title": "研讨",
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "place": "天河",
        "organizer": world.tutor.pk,
        "attendees": attendees,
        "minutes": "<p>纪要</p>",
    }


def test_seminars_through_the_api(world):
    learners = list(selectors.class_learners(training_class=world.gz_class))
    data = seminar_data(world, attendees=[learners[0].pk])
    r = api(world.tutor).post("/api/v1/seminars/", data, format="json")
    assert r.status_code == 201 and r.json()["attendees"][0]["enrollment"] == learners[0].pk
    seminar = r.json()["id"]
    assert api(world.learner).post("/api/v1/seminars/", data, format="json").status_code == 403
    # A class the caller cannot see, named in the body: refused as the data (422), like one that is not there.
    unseen = api(world.sz_learner).post("/api/v1/seminars/", data, format="json")
    assert unseen.status_code == 422 and "training_class" in unseen.json()
    missing = api(world.tutor).post("/api/v1/seminars/", {**data, "training_class": 999999}, format="json")
    assert missing.status_code == 422 and missing.json() == unseen.json()
    listed = api(world.learner).get(f"/api/v1/seminars/for-class/{world.gz_class.pk}/").json()
    assert listed["count"] == 1
    photo = api(world.tutor).post(
        f"/api/v1/seminars/{seminar}/photos/", {"photos": [png()]}, format="multipart"
    )
    assert photo.status_code == 200 and len(photo.json()["photos"]) == 1
    stale = api(world.tutor).patch(
        f"/api/v1/seminars/{seminar}/", {**data, "read_at": "2000-01-01T00:00:00Z"}, format="json"
    )
    assert stale.status_code == 422 and "minutes" in stale.json()
    assert api(world.sz_learner).get(f"/api/v1/seminars/{seminar}/").status_code == 404


def test_a_patch_changes_what_it_sends_and_keeps_the_rest(world):
    learners = list(selectors.class_learners(training_class=world.gz_class))
    data = seminar_data(world, attendees=[learners[0].pk, learners[1].pk])
    seminar = api(world.tutor).post("/api/v1/seminars/", data, format="json").json()["id"]
    r = api(world.tutor).patch(f"/api/v1/seminars/{seminar}/", {"minutes": "<p>补记</p>"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["minutes"] == "<p>补记</p>" and body["title"] == "研讨" and body["place"] == "天河"
    assert {a["enrollment"] for a in body["attendees"]} == {learners[0].pk, learners[1].pk}
    # Photos come with the fields as multipart; they are added to what is there.
    r = api(world.tutor).patch(
        f"/api/v1/seminars/{seminar}/", {"place": "越秀", "photos": [png()]}, format="multipart"
    )
    assert r.status_code == 200 and r.json()["place"] == "越秀" and len(r.json()["photos"]) == 1
    assert r.json()["minutes"] == "<p>补记</p>"


def test_what_breaks_the_schema_is_a_400_and_a_json_body_carries_no_files(world):
    url = f"/api/v1/discussion-boards/{board_id(world)}/threads/"
    # A number is not text; an id is at least 1.
    assert api(world.learner).post(url, {"title": 7, "body": "x"}, format="json").status_code == 400
    thread = api(world.learner).post(url, {"title": "问", "body": "x"}, format="json").json()["id"]
    posts = f"/api/v1/discussion-threads/{thread}/posts/"
    assert api(world.learner).post(posts, {"body": "y", "quote": 0}, format="json").status_code == 400
    # A JSON body's "images" is not a field of its schema: not read, not an error.
    r = api(world.learner).post(posts, {"body": "y", "images": [""]}, format="json")
    assert r.status_code == 201 and r.json()["images"] == []
    # As form data, the quote is read as in JSON.
    opening = api(world.learner).get(posts).json()["results"][0]["id"]
    r = api(world.mates[0]).post(posts, {"body": "引用", "quote": str(opening)}, format="multipart")
    assert r.status_code == 201 and r.json()["quote"] == opening
    r = api(world.mates[0]).post(posts, {"body": "不引用", "quote": ""}, format="multipart")
    assert r.status_code == 201 and r.json()["quote"] is None
    assert api(world.learner).get("/api/v1/discussion-boards/?kind=class").status_code == 200
    assert api(world.learner).get("/api/v1/discussion-boards/?kind=nope").status_code == 400
    seminar = {"title": "x", "held_on": None, "place": "", "organizer": world.tutor.pk}
    r = api(world.tutor).post("/api/v1/seminars/", seminar, format="json")
    assert r.status_code == 400 and "training_class" in r.json()
