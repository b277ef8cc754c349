"""Discussions' pages (ACT-1, ACT-2): the boards a person has, a board, a thread as each reader sees it
(hidden posts, the expert team's answer, quotes), moderation and forwarding from the page, images behind an
access check, seminars, a post's own address for a record reader. Each grant with its denial."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teachnet.accounts.tests.factories import UserFactory, persona
from teachnet.duty import services as duty_services

from .. import selectors, services
from ..models import Post, Seminar, Thread
from .helpers import pdf_named_png, png

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def class_board(world):
    return selectors.board_of_class(training_class=world.gz_class)


def a_thread(world, user=None, title="耐久跑怎么教？", images=()):
    user = user or world.learner
    b = class_board(world)
    return services.thread_create(
        actor=user,
        access=selectors.access_for(actor=user, board=b),
        title=title,
        body="<p>求助</p>",
        images=images,
    )


def test_the_menu_and_index_offer_the_boards_a_person_has(world):
    page = client_for(world.learner).get(reverse("discussions:index")).content.decode()
    assert 'data-testid="nav-discussions"' in page
    assert "广州初中体育1班 · 班级讨论区" in page and "初中体育 · 学科讨论区" in page
    assert "深圳初中体育1班" not in page
    other = client_for(world.swu_admin).get(reverse("discussions:index")).content.decode()
    assert "初中物理 · 学科讨论区" in other and "广州初中体育1班" not in other
    assert client_for(UserFactory()).get(reverse("discussions:index")).status_code == 404


def test_a_learner_starts_a_thread_with_an_image_and_classmates_see_it_inline(world):
    b = class_board(world)
    r = client_for(world.learner).post(
        reverse("discussions:thread_create", args=[b.pk]),
        {"title": "场地示意图 𠀀", "body": "<p>见图</p>", "images": [png()]},
    )
    thread = Thread.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("discussions:thread", args=[thread.pk])
    page = client_for(world.mates[0]).get(r["Location"]).content.decode()
    image = thread.posts.get().images.get()
    assert "场地示意图 𠀀" in page and reverse("discussions:image", args=[image.pk]) in page
    shown = client_for(world.mates[0]).get(reverse("discussions:image", args=[image.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert client_for(world.sz_learner).get(reverse("discussions:image", args=[image.pk])).status_code == 404


def test_a_refused_thread_comes_back_with_what_was_typed(world):
    b = class_board(world)
    r = client_for(world.learner).post(
        reverse("discussions:thread_create", args=[b.pk]),
        {"title": "我的标题", "body": "<p>我写了很多内容</p>", "images": [pdf_named_png()]},
    )
    page = r.content.decode()
    assert r.status_code == 400 and "照片.png" in page and "我写了很多内容" in page and "我的标题" in page
    assert not Thread.objects.exists()


def test_readers_only_see_no_forms_and_posting_is_refused(world, gz_city_lead):
    b = class_board(world)
    page = client_for(gz_city_lead).get(reverse("discussions:board", args=[b.pk])).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="new-thread"' not in page
    r = client_for(gz_city_lead).post(
        reverse("discussions:thread_create", args=[b.pk]), {"title": "x", "body": "y"}
    )
    assert r.status_code == 400 and not Thread.objects.exists()


@pytest.mark.parametrize("who", ["sz_learner", "tutor2", "swu_expert"])
def test_another_classs_people_get_404_everywhere(world, who):
    t = a_thread(world)
    post = t.posts.get()
    c = client_for(getattr(world, who))
    for url in (
        reverse("discussions:board", args=[t.board_id]),
        reverse("discussions:thread", args=[t.pk]),
        reverse("discussions:post", args=[post.pk]),
        reverse("discussions:class_board", args=[world.gz_class.pk]),
        reverse("discussions:seminars", args=[world.gz_class.pk]),
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("discussions:reply", args=[t.pk]), {"body": "x"}).status_code == 404
    assert c.post(reverse("discussions:post_hide", args=[post.pk]), {"reason": "x"}).status_code == 404


def test_anonymous_is_sent_to_log_in(world):
    t = a_thread(world)
    r = client_for(None).get(reverse("discussions:thread", args=[t.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_a_hidden_post_shows_its_reason_to_others_and_its_text_to_moderators(world):
    t = a_thread(world)
    reply = services.post_reply(
        actor=world.mates[0],
        access=selectors.access_for(actor=world.mates[0], board=t.board),
        thread=t,
        body="卖球拍",
        images=[png()],
    )
    r = client_for(world.tutor).post(
        reverse("discussions:post_hide", args=[reply.pk]), {"reason": "广告"}, follow=True
    )
    assert "其他人将看到隐藏原因" in r.content.decode()
    learner_page = client_for(world.learner).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    assert "已隐藏：广告" in learner_page and "卖球拍" not in learner_page
    image = reply.images.get()
    assert client_for(world.learner).get(reverse("discussions:image", args=[image.pk])).status_code == 404
    tutor_page = client_for(world.tutor).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    assert "已隐藏：广告" in tutor_page and "卖球拍" in tutor_page
    assert client_for(world.tutor).get(reverse("discussions:image", args=[image.pk])).status_code == 200


def test_a_learner_cannot_moderate_from_the_page(world):
    t = a_thread(world)
    c = client_for(world.mates[0])
    r = c.post(reverse("discussions:thread_action", args=[t.pk, "pin"]), follow=True)
    assert "只有本班辅导教师或本学科专家" in r.content.decode()
    assert not Thread.objects.get(pk=t.pk).pinned
    assert c.post(reverse("discussions:thread_action", args=[t.pk, "explode"])).status_code == 404


def test_the_tutor_pins_and_locks_and_a_locked_reply_keeps_its_text(world):
    t = a_thread(world)
    c = client_for(world.tutor)
    c.post(reverse("discussions:thread_action", args=[t.pk, "pin"]))
    c.post(reverse("discussions:thread_action", args=[t.pk, "lock"]))
    t.refresh_from_db()
    assert t.pinned and t.locked
    board_page = (
        client_for(world.learner).get(reverse("discussions:board", args=[t.board_id])).content.decode()
    )
    assert 'data-pinned="1"' in board_page
    page = client_for(world.learner).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    assert 'data-testid="locked-note"' in page and 'data-testid="reply"' not in page
    r = client_for(world.learner).post(reverse("discussions:reply", args=[t.pk]), {"body": "我的观点很长"})
    assert r.status_code == 400 and "锁定" in r.content.decode()


def test_quote_link_fills_the_reply_form(world):
    t = a_thread(world)
    post = t.posts.get()
    page = client_for(world.mates[0]).get(reverse("discussions:thread", args=[t.pk]) + f"?quote={post.pk}")
    text = page.content.decode()
    assert 'data-testid="reply-quote"' in text and f'name="quote" value="{post.pk}"' in text
    r = client_for(world.mates[0]).post(
        reverse("discussions:reply", args=[t.pk]), {"body": "同意", "quote": post.pk}
    )
    assert r.status_code == 302
    assert Post.objects.get(body="<p>同意</p>").quote == post
    # a quote id from nowhere is ignored on the page
    assert (
        client_for(world.mates[0]).get(reverse("discussions:thread", args=[t.pk]) + "?quote=abc").status_code
        == 200
    )


def test_forward_from_the_page_then_the_answer_shows_as_the_expert_teams(world):
    t = a_thread(world, title="学练赛如何落实？")
    post = t.posts.get()
    assert (
        'data-testid="forward-open"'
        in client_for(world.tutor).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    )
    assert (
        'data-testid="forward-open"'
        not in client_for(world.learner).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    )
    r = client_for(world.tutor).post(
        reverse("discussions:post_forward", args=[post.pk]), {"note": "请专家"}, follow=True
    )
    assert "已转交专家团队" in r.content.decode()
    question = post.forward.question
    duty_services.question_answer(actor=world.chief, question=question, answer="<p>先学后赛。</p>")
    page = client_for(world.mates[1]).get(reverse("discussions:thread", args=[t.pk])).content.decode()
    assert 'data-testid="expert-answer-tag"' in page and "先学后赛。" in page and "已答复" in page
    # the learner forwarding is refused
    other = a_thread(world, title="另一个")
    r = client_for(world.learner).post(
        reverse("discussions:post_forward", args=[other.posts.get().pk]), follow=True
    )
    assert "只有本班辅导教师" in r.content.decode()


def test_a_post_opened_from_a_study_record_by_an_admin_who_does_not_read_the_board(world, orgs):
    t = a_thread(world)
    post = t.posts.get()
    school_admin = persona(
        "school_admin", "school_admin", organization=orgs["gz_school"], project=world.project
    )
    r = client_for(school_admin).get(reverse("discussions:post", args=[post.pk]))
    assert (
        r.status_code == 200
        and "求助" in r.content.decode()
        and 'data-testid="post-alone"' in r.content.decode()
    )
    assert client_for(school_admin).get(reverse("discussions:thread", args=[t.pk])).status_code == 404
    # the board's readers are sent into the thread
    r = client_for(world.mates[0]).get(reverse("discussions:post", args=[post.pk]))
    assert r.status_code == 302 and r["Location"].endswith(f"#post-{post.pk}")


def test_the_tutor_records_a_seminar_and_learners_read_it(world):
    learners = list(selectors.class_learners(training_class=world.gz_class))
    url = reverse("discussions:seminars", args=[world.gz_class.pk])
    data = {
        "title": "篮球教学研讨",
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "place": "天河",
        "organizer": world.tutor.pk,
        "attendees": [learners[0].pk, learners[1].pk],
        "minutes": "<p>纪要 𪚥</p>",
        "photos": [png("合影.png")],
    }
    r = client_for(world.tutor).post(url, data)
    seminar = Seminar.objects.get()
    assert r.status_code == 302 and seminar.attendance.count() == 2
    page = client_for(world.learner).get(reverse("discussions:seminar", args=[seminar.pk])).content.decode()
    assert "篮球教学研讨" in page and "纪要 𪚥" in page and 'data-testid="seminar-form"' not in page
    photo = seminar.photos.get()
    assert (
        client_for(world.learner).get(reverse("discussions:seminar_photo", args=[photo.pk])).status_code
        == 200
    )
    assert (
        client_for(world.sz_learner).get(reverse("discussions:seminar_photo", args=[photo.pk])).status_code
        == 404
    )
    # a learner's post of the form is refused
    assert client_for(world.learner).post(url, data).status_code == 404


def test_a_bad_seminar_comes_back_with_the_fields_named(world):
    url = reverse("discussions:seminars", args=[world.gz_class.pk])
    r = client_for(world.tutor).post(
        url,
        {
            "title": "",
            "held_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "place": "",
            "organizer": world.tutor.pk,
            "minutes": "<p>保留我</p>",
        },
    )
    page = r.content.decode()
    assert (
        r.status_code == 400 and "请填写研讨主题" in page and "日期不能晚于今天" in page and "保留我" in page
    )


def test_a_stale_seminar_edit_is_refused_with_the_text_kept(world):
    learners = list(selectors.class_learners(training_class=world.gz_class))
    seminar = services.seminar_create(
        actor=world.tutor,
        training_class=world.gz_class,
        title="研讨",
        held_on=timezone.localdate(),
        place="天河",
        organizer_id=world.tutor.pk,
        attendee_ids=[learners[0].pk],
        minutes="<p>原纪要</p>",
    )
    stale = seminar.updated_at.isoformat()
    Seminar.objects.filter(pk=seminar.pk).update(minutes="<p>别人改的</p>", updated_at=timezone.now())
    r = client_for(world.tutor).post(
        reverse("discussions:seminar", args=[seminar.pk]),
        {
            "title": "研讨",
            "held_on": timezone.localdate().isoformat(),
            "place": "天河",
            "organizer": world.tutor.pk,
            "attendees": [learners[0].pk],
            "minutes": "<p>我的新纪要</p>",
            "read_at": stale,
        },
    )
    assert r.status_code == 400 and "我的新纪要" in r.content.decode() and "已被修改" in r.content.decode()
    assert Seminar.objects.get(pk=seminar.pk).minutes == "<p>别人改的</p>"
