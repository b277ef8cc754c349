"""Discussions' writes (ACT-1, ACT-2): threads and replies with quotes and checked images, moderation with
its records, the tutor's forward to the expert team and the answer coming back, and offline seminars — with
the bad input of the issue: script, files that are not images, huge pastes, rare characters, a locked
thread, another class's people, two moderators at once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from teachnet.duty import services as duty_services
from teachnet.duty.models import Question
from teachnet.notifications.models import Notification

from .. import selectors, services
from ..models import Board, Moderation, Post, PostImage, SeminarAttendance, Thread
from .helpers import cut_png, pdf_named_png, png

pytestmark = pytest.mark.django_db
RARE = "𠀀𪚥𰻞 biáng 面"


def board(world, klass=None):
    return selectors.board_of_class(training_class=klass or world.gz_class)


def acc(user, b):
    return selectors.access_for(actor=user, board=b)


def thread_by(world, user, title="耐久跑怎么教？", body="<p>学生兴趣不高</p>", b=None):
    b = b or board(world)
    return services.thread_create(actor=user, access=acc(user, b), title=title, body=body)


# --- Who may do what -------------------------------------------------------------------------------------


def test_a_class_board_is_read_and_written_by_its_learners_tutor_and_the_subjects_experts(world):
    b = board(world)
    for user in (world.learner, world.mates[0], world.tutor, world.chief, world.expert2):
        a = selectors.board_access(actor=user, board_id=b.pk)
        assert a.write
    assert (
        acc(world.tutor, b).moderate and acc(world.chief, b).moderate and not acc(world.learner, b).moderate
    )
    assert acc(world.tutor, b).forward and not acc(world.chief, b).forward


def test_admins_above_read_a_class_board_but_do_not_write(world, gd_province_lead, gz_city_lead):
    b = board(world)
    for admin in (world.office, gd_province_lead, gz_city_lead, world.provider_admin):
        a = selectors.board_access(actor=admin, board_id=b.pk)
        assert not a.write and not a.moderate
        with pytest.raises(PermissionDenied):
            thread_by(world, admin, b=b)


@pytest.mark.parametrize("who", ["sz_learner", "tutor2", "swu_expert", "swu_admin"])
def test_another_classs_people_and_another_provider_cannot_read_the_class_board(world, who):
    with pytest.raises(Http404):
        selectors.board_access(actor=getattr(world, who), board_id=board(world).pk)


def test_the_shenzhen_city_lead_does_not_read_the_guangzhou_class(world, sz_city_lead):
    with pytest.raises(Http404):
        selectors.board_access(actor=sz_city_lead, board_id=board(world).pk)
    assert selectors.board_access(actor=sz_city_lead, board_id=board(world, world.sz_class).pk)


def test_the_subject_board_is_every_learner_tutor_and_expert_of_the_subject(world):
    b = selectors.board_of_subject(subject=world.gz_class.subject)
    for user in (world.learner, world.sz_learner, world.tutor, world.tutor2, world.chief):
        assert selectors.board_access(actor=user, board_id=b.pk).write
    assert acc(world.chief, b).moderate and not acc(world.tutor, b).moderate
    with pytest.raises(Http404):
        selectors.board_access(actor=world.swu_expert, board_id=b.pk)


def test_boards_are_made_once_whoever_asks_first(world):
    assert selectors.boards_ensure() > 0
    assert selectors.boards_ensure() == 0
    assert Board.objects.filter(kind="class", training_class=world.gz_class).count() == 1


# --- Threads and replies ---------------------------------------------------------------------------------


def test_a_thread_and_a_reply_quoting_it_with_an_image(world):
    t = thread_by(world, world.learner)
    opening = t.posts.get()
    reply = services.post_reply(
        actor=world.mates[0],
        access=acc(world.mates[0], board(world)),
        thread=t,
        body="试试定时跑",
        quote_id=opening.pk,
        images=[png()],
    )
    assert reply.quote == opening and reply.body == "<p>试试定时跑</p>"
    image = PostImage.objects.get(post=reply)
    assert image.mime == "image/png" and (image.width, image.height) == (40, 30) and image.name == "场地.png"
    t.refresh_from_db()
    assert t.replies == 1 and t.last_post_at == reply.created_at


def test_script_is_removed_and_rare_characters_survive(world):
    t = thread_by(
        world,
        world.learner,
        title=f"生僻字 {RARE}",
        body=f'<p onclick="x()">{RARE}</p><script>alert(1)</script>',
    )
    t = Thread.objects.get(pk=t.pk)
    body = t.posts.get().body
    assert t.title == f"生僻字 {RARE}" and RARE in body
    assert "script" not in body and "onclick" not in body and "alert" not in body


def test_an_empty_title_a_huge_paste_and_an_empty_body_are_refused_naming_the_field(world):
    for title, body, field in (
        ("", "正文", "title"),
        ("题" * 121, "正文", "title"),
        ("题目", "字" * 50_001, "body"),
        ("题目", "<p></p>", "body"),
    ):
        with pytest.raises(ValidationError) as exc:
            thread_by(world, world.learner, title=title, body=body)
        assert field in exc.value.message_dict
    assert not Thread.objects.exists()


@pytest.mark.parametrize("upload", [pdf_named_png, cut_png])
def test_a_file_that_is_not_an_image_is_refused_naming_it_and_nothing_is_kept(world, upload):
    with pytest.raises(ValidationError) as exc:
        services.thread_create(
            actor=world.learner,
            access=acc(world.learner, board(world)),
            title="照片",
            body="见图",
            images=[png("好的.png"), upload()],
        )
    message = exc.value.message_dict["images"][0]
    assert upload().name in message
    assert not Thread.objects.exists() and not PostImage.objects.exists()


def test_a_locked_thread_refuses_replies_with_a_message_that_keeps_the_text(world):
    t = thread_by(world, world.learner)
    services.thread_lock(actor=world.tutor, access=acc(world.tutor, board(world)), thread=t, locked=True)
    with pytest.raises(ValidationError) as exc:
        services.post_reply(
            actor=world.mates[0], access=acc(world.mates[0], board(world)), thread=t, body="晚了"
        )
    assert "锁定" in exc.value.message_dict["body"][0]
    assert t.posts.count() == 1


def test_a_quote_must_be_of_the_thread_and_not_hidden(world):
    b = board(world)
    t1, t2 = thread_by(world, world.learner, "一"), thread_by(world, world.mates[0], "二")
    with pytest.raises(ValidationError) as exc:
        services.post_reply(
            actor=world.learner,
            access=acc(world.learner, b),
            thread=t1,
            body="引",
            quote_id=t2.posts.get().pk,
        )
    assert "quote" in exc.value.message_dict
    hidden = t1.posts.get()
    services.post_hide(actor=world.tutor, access=acc(world.tutor, b), post=hidden, reason="不当内容")
    with pytest.raises(ValidationError):
        services.post_reply(
            actor=world.mates[0], access=acc(world.mates[0], b), thread=t1, body="引", quote_id=hidden.pk
        )


# --- Moderation ------------------------------------------------------------------------------------------


def test_pin_lock_and_hide_are_recorded_and_a_second_moderator_changes_nothing(world):
    b = board(world)
    t = thread_by(world, world.learner)
    services.thread_pin(actor=world.tutor, access=acc(world.tutor, b), thread=t, pinned=True)
    services.thread_pin(actor=world.chief, access=acc(world.chief, b), thread=t, pinned=True)  # at once
    services.thread_lock(
        actor=world.tutor, access=acc(world.tutor, b), thread=t, locked=True, reason="已总结"
    )
    reply = Post.objects.create(thread=t, author=world.mates[0], body="<p>广告</p>")
    services.post_hide(actor=world.tutor, access=acc(world.tutor, b), post=reply, reason="广告")
    with pytest.raises(ValidationError) as exc:
        services.post_hide(actor=world.chief, access=acc(world.chief, b), post=reply, reason="重复")
    assert "tutor" in str(exc.value) and "广告" in str(exc.value)  # who hid it, and why
    actions = list(
        Moderation.objects.order_by("created_at", "id").values_list("action", "actor__username", "reason")
    )
    assert actions == [("pin", "tutor", ""), ("lock", "tutor", "已总结"), ("hide", "tutor", "广告")]
    services.post_unhide(actor=world.chief, access=acc(world.chief, b), post=reply)
    assert Moderation.objects.filter(action="unhide", actor=world.chief).exists()


def test_hiding_needs_a_reason_and_a_moderator(world):
    b = board(world)
    post = thread_by(world, world.learner).posts.get()
    with pytest.raises(ValidationError) as exc:
        services.post_hide(actor=world.tutor, access=acc(world.tutor, b), post=post, reason="  ")
    assert "reason" in exc.value.message_dict
    for not_a_moderator in (world.mates[0], world.learner):
        with pytest.raises(PermissionDenied):
            services.post_hide(actor=not_a_moderator, access=acc(not_a_moderator, b), post=post, reason="x")
        with pytest.raises(PermissionDenied):
            services.thread_pin(
                actor=not_a_moderator, access=acc(not_a_moderator, b), thread=post.thread, pinned=True
            )
    assert not Post.objects.get(pk=post.pk).hidden


def test_a_tutor_does_not_moderate_the_subject_board(world):
    b = selectors.board_of_subject(subject=world.gz_class.subject)
    t = thread_by(world, world.learner, b=b)
    with pytest.raises(PermissionDenied):
        services.thread_pin(actor=world.tutor, access=acc(world.tutor, b), thread=t, pinned=True)
    services.thread_pin(actor=world.chief, access=acc(world.chief, b), thread=t, pinned=True)


# --- Forwarding to the expert team -----------------------------------------------------------------------


def test_the_tutor_forwards_a_post_and_the_answer_comes_back_into_the_thread_and_is_notified(world):
    b = board(world)
    t = thread_by(world, world.learner, title="过程性评价怎么做？")
    post = t.posts.get()
    forward = services.post_forward(actor=world.tutor, access=acc(world.tutor, b), post=post, note="多人困惑")
    q = forward.question
    assert (q.state, q.asker, q.forwarded_by, q.provider_subject) == (
        "waiting",
        world.learner,
        world.tutor,
        world.ps,
    )
    assert q.origin_url.endswith(f"#post-{post.pk}") and q.title == "过程性评价怎么做？"
    assert Moderation.objects.filter(action="forward", post=post, reason="多人困惑").exists()

    duty_services.question_claim(actor=world.chief, question=q)
    duty_services.question_answer(actor=world.chief, question=q, answer="<p>分组轮评。</p>")

    forward.refresh_from_db()
    answer = forward.answer_post
    assert answer.expert_answer and answer.author == world.chief and answer.quote == post
    assert answer.body == "<p>分组轮评。</p>" and answer.thread == t
    notes = Notification.objects.filter(kind="question_answered")
    assert {n.recipient for n in notes} == {world.learner, world.tutor}
    assert all(n.url.endswith(f"#post-{answer.pk}") for n in notes)
    assert Thread.objects.get(pk=t.pk).replies == 1


def test_the_answer_is_posted_even_into_a_locked_thread(world):
    b = board(world)
    t = thread_by(world, world.learner)
    forward = services.post_forward(actor=world.tutor, access=acc(world.tutor, b), post=t.posts.get())
    services.thread_lock(actor=world.tutor, access=acc(world.tutor, b), thread=t, locked=True)
    duty_services.question_answer(actor=world.expert2, question=forward.question, answer="答")
    assert t.posts.filter(expert_answer=True).count() == 1


def test_only_the_classs_tutor_forwards_and_only_once(world):
    b = board(world)
    post = thread_by(world, world.learner).posts.get()
    for other in (world.chief, world.learner, world.mates[0]):
        with pytest.raises(PermissionDenied):
            services.post_forward(actor=other, access=acc(other, b), post=post)
    services.post_forward(actor=world.tutor, access=acc(world.tutor, b), post=post)
    with pytest.raises(ValidationError):
        services.post_forward(actor=world.tutor, access=acc(world.tutor, b), post=post)
    assert Question.objects.count() == 1


def test_a_hidden_post_is_not_forwarded(world):
    b = board(world)
    post = thread_by(world, world.learner).posts.get()
    services.post_hide(actor=world.tutor, access=acc(world.tutor, b), post=post, reason="重复")
    with pytest.raises(ValidationError):
        services.post_forward(actor=world.tutor, access=acc(world.tutor, b), post=post)


# --- Offline seminars ------------------------------------------------------------------------------------


def seminar_fields(world, **kw):
    learners = list(selectors.class_learners(training_class=world.gz_class))
    fields = {
        "title": "耐久跑教学研讨",
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "place": "天河体育中心",
        "organizer_id": world.tutor.pk,
        "attendee_ids": [e.pk for e in learners[:2]],
        "minutes": "<p>纪要</p>",
    }
    fields.update(kw)
    return fields


def test_the_tutor_records_a_seminar_with_attendees_minutes_and_photos(world):
    s = services.seminar_create(
        actor=world.tutor, training_class=world.gz_class, photos=[png("合影.png")], **seminar_fields(world)
    )
    assert s.attendance.count() == 2 and s.photos.get().name == "合影.png" and s.minutes == "<p>纪要</p>"


def test_seminar_input_is_checked_naming_each_field(world):
    sz = selectors.class_learners(training_class=world.sz_class).first()
    with pytest.raises(ValidationError) as exc:
        services.seminar_create(
            actor=world.tutor,
            training_class=world.gz_class,
            **seminar_fields(
                world,
                title="",
                place="",
                held_on=timezone.localdate() + dt.timedelta(days=1),
                organizer_id=world.sz_learner.pk,
                attendee_ids=[sz.pk],
                minutes="字" * 50_001,
            ),
        )
    assert set(exc.value.message_dict) == {"title", "place", "held_on", "organizer", "attendees", "minutes"}
    with pytest.raises(PermissionDenied):
        services.seminar_create(actor=world.tutor2, training_class=world.gz_class, **seminar_fields(world))
    with pytest.raises(ValidationError) as exc:
        services.seminar_create(
            actor=world.tutor,
            training_class=world.gz_class,
            photos=[pdf_named_png()],
            **seminar_fields(world),
        )
    assert "photos" in exc.value.message_dict
    assert not SeminarAttendance.objects.exists()


def test_a_seminar_edited_by_someone_else_meanwhile_is_not_overwritten(world):
    s = services.seminar_create(actor=world.tutor, training_class=world.gz_class, **seminar_fields(world))
    read_at = s.updated_at
    services.seminar_update(
        actor=world.tutor, seminar=s, read_at=read_at, **seminar_fields(world, minutes="第一版")
    )
    with pytest.raises(ValidationError) as exc:
        services.seminar_update(
            actor=world.tutor, seminar=s, read_at=read_at, **seminar_fields(world, minutes="第二版")
        )
    assert "minutes" in exc.value.message_dict
    s.refresh_from_db()
    assert s.minutes == "<p>第一版</p>"
