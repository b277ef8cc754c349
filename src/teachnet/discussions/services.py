"""Writes of discussions (ACT-1, ACT-2): threads, replies (with a quote and images), moderation (pin, lock,
hide with a reason: every one an event row), forwarding a post to the expert team (duty) and taking the
team's answer back into the thread, and offline seminars.

Concurrency: a reply locks its thread's row, so a reply racing a lock is either in before it or refused
after it (with the text kept in the form); moderation locks the row it changes and tells the second
moderator what the first did; a seminar's record is saved only over the version the editor read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from teachnet.core.media import MediaError, incoming_media
from teachnet.core.richtext import clean_html, plain_text
from teachnet.core.text import one_line
from teachnet.duty import services as duty_services
from teachnet.duty.models import Question
from teachnet.notifications.kinds import Kind
from teachnet.notifications.services import notify
from teachnet.training.models import ProviderSubject, TrainingClass

from . import selectors
from .models import (
    Board,
    Forward,
    Moderation,
    Post,
    PostImage,
    Seminar,
    SeminarAttendance,
    SeminarPhoto,
    Thread,
)
from .selectors import Access

TITLE_MAX = 120
REASON_MAX = 200
IMAGES_MAX = 9  # per post, and per upload of seminar photos
MEDIA_AREA = "discussions"


# --- Images ----------------------------------------------------------------------------------------------


def _checked_images(stack: ExitStack, uploads: Sequence, *, field: str) -> list:
    """Every upload checked as an image before anything is stored; the first that is not one refuses all,
    naming the file."""
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > IMAGES_MAX:
        raise ValidationError({field: _("一次最多上传 %(n)d 张图片。") % {"n": IMAGES_MAX}})
    checked = []
    for upload in uploads:
        try:
            checked.append(stack.enter_context(incoming_media(upload, kinds={"image"})))
        except MediaError as exc:
            name = getattr(upload, "name", "") or _("图片")
            raise ValidationError({field: f"{name}：{exc.message}"}) from exc
    return list(zip(uploads, checked, strict=True))


def _image_fields(upload, media) -> dict:
    width, height = media.image_size or (0, 0)
    return {
        "file": media.store(MEDIA_AREA),
        "mime": media.mime,
        "name": one_line(getattr(upload, "name", ""))[:200],
        "size": media.size,
        "width": width,
        "height": height,
    }


# --- Threads and posts -----------------------------------------------------------------------------------


def _check_write(access: Access) -> None:
    if not access.write:
        raise PermissionDenied(_("您可以阅读这个讨论区，但不能发帖。"))


def _title(title: str) -> str:
    title = one_line(title)
    if not title:
        raise ValidationError({"title": _("请填写标题。")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("标题最多 %(max)d 字，现有 %(n)d 字。") % {"max": TITLE_MAX, "n": len(title)}}
        )
    return title


def thread_create(*, actor, access: Access, title: str, body: str, images: Sequence = ()) -> Thread:
    """A new thread on the board, opened by its first post."""
    _check_write(access)
    title = _title(title)
    body = clean_html(body, field="body")
    with ExitStack() as stack:
        checked = _checked_images(stack, images, field="images")
        with transaction.atomic():
            now = timezone.now()
            thread = Thread.objects.create(board=access.board, title=title, author=actor, last_post_at=now)
            post = Post.objects.create(thread=thread, author=actor, body=body, opening=True)
            for upload, media in checked:
                PostImage.objects.create(post=post, **_image_fields(upload, media))
    return thread


def post_reply(
    *, actor, access: Access, thread: Thread, body: str, quote_id: int | None = None, images: Sequence = ()
) -> Post:
    """A reply in the thread, perhaps quoting one of its posts; refused once the thread is locked."""
    _check_write(access)
    body = clean_html(body, field="body")
    with ExitStack() as stack:
        checked = _checked_images(stack, images, field="images")
        with transaction.atomic():
            locked = Thread.objects.select_for_update().get(pk=thread.pk)
            if locked.locked:
                raise ValidationError(
                    {"body": _("本帖已被锁定，不能再回复。您写的内容没有保存，请复制留存。")}
                )
            quote = None
            if quote_id:
                quote = Post.objects.filter(pk=quote_id, thread=locked).first()
                if quote is None:
                    raise ValidationError({"quote": _("只能引用本帖中的帖子。")})
                if quote.hidden:
                    raise ValidationError({"quote": _("引用的帖子已被隐藏，不能引用。请去掉引用后再发表。")})
            post = Post.objects.create(thread=locked, author=actor, body=body, quote=quote)
            for upload, media in checked:
                PostImage.objects.create(post=post, **_image_fields(upload, media))
            Thread.objects.filter(pk=locked.pk).update(
                last_post_at=post.created_at, replies=F("replies") + 1, updated_at=timezone.now()
            )
    return post


# --- Moderation ------------------------------------------------------------------------------------------


def _check_moderate(access: Access) -> None:
    if not access.moderate:
        raise PermissionDenied(_("只有本班辅导教师或本学科专家可以管理帖子。"))


def _record(*, thread: Thread, action: str, actor, post: Post | None = None, reason: str = "") -> Moderation:
    return Moderation.objects.create(
        board_id=thread.board_id, thread=thread, post=post, action=action, actor=actor, reason=reason
    )


@transaction.atomic
def thread_pin(*, actor, access: Access, thread: Thread, pinned: bool) -> Thread:
    """Pin or unpin; a second moderator doing the same at once changes nothing and records nothing."""
    _check_moderate(access)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.pinned == pinned:
        return thread
    thread.pinned_at = timezone.now() if pinned else None
    thread.save(update_fields=["pinned_at", "updated_at"])
    _record(thread=thread, action=Moderation.Action.PIN if pinned else Moderation.Action.UNPIN, actor=actor)
    return thread


@transaction.atomic
def thread_lock(*, actor, access: Access, thread: Thread, locked: bool, reason: str = "") -> Thread:
    _check_moderate(access)
    reason = _reason(reason, required=False)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.locked == locked:
        return thread
    thread.locked_at = timezone.now() if locked else None
    thread.save(update_fields=["locked_at", "updated_at"])
    action = Moderation.Action.LOCK if locked else Moderation.Action.UNLOCK
    _record(thread=thread, action=action, actor=actor, reason=reason)
    return thread


def _reason(reason: str, *, required: bool) -> str:
    reason = one_line(reason)
    if required and not reason:
        raise ValidationError({"reason": _("请填写隐藏的原因，其他人会看到“已隐藏：原因”。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因最多 %(max)d 字。") % {"max": REASON_MAX}})
    return reason


@transaction.atomic
def post_hide(*, actor, access: Access, post: Post, reason: str) -> Post:
    """Hide a post with a reason: others see "已隐藏：reason", moderators still read it."""
    _check_moderate(access)
    reason = _reason(reason, required=True)
    post = Post.objects.select_for_update().get(pk=post.pk)  # who hid it is read after the lock
    if post.hidden:
        who = post.hidden_by.real_name if post.hidden_by else _("其他管理者")
        raise ValidationError(
            {
                "reason": _("这条帖子已由 %(name)s 隐藏（%(reason)s）。")
                % {"name": who, "reason": post.hidden_reason}
            }
        )
    post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    if not post.opening:
        Thread.objects.filter(pk=post.thread_id, replies__gt=0).update(replies=F("replies") - 1)
    _record(thread=post.thread, action=Moderation.Action.HIDE, actor=actor, post=post, reason=reason)
    return post


@transaction.atomic
def post_unhide(*, actor, access: Access, post: Post) -> Post:
    _check_moderate(access)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.hidden:
        return post
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    if not post.opening:
        Thread.objects.filter(pk=post.thread_id).update(replies=F("replies") + 1)
    _record(thread=post.thread, action=Moderation.Action.UNHIDE, actor=actor, post=post)
    return post


# --- Forwarding to the expert team (ACT-2 → ACT-3) ---------------------------------------------------------


def provider_subject_for(board: Board) -> ProviderSubject | None:
    """The expert team a class's questions go to: the provider that takes the class's subject in the project
    (GP 五.4 gives each subject one provider; should there be several, the first assigned)."""
    return (
        ProviderSubject.objects.filter(project_id=board.project_id, subject_id=board.subject_id)
        .select_related("provider", "project")
        .order_by("pk")
        .first()
    )


def thread_url(thread: Thread, post: Post | None = None) -> str:
    url = reverse("discussions:thread", args=[thread.pk])
    return f"{url}?page={selectors.post_page(post=post)}#post-{post.pk}" if post is not None else url


@transaction.atomic
def post_forward(*, actor, access: Access, post: Post, note: str = "") -> Forward:
    """The tutor forwards a post of their class board to the subject's expert team (GP 四.2(2): 归纳学员疑难
    问题并反馈给学科专家团队): a question in the provider's on-duty queue, linked back to the post."""
    if not access.forward:
        raise PermissionDenied(_("只有本班辅导教师可以把帖子转交给专家团队。"))
    post = Post.objects.select_for_update(of=("self",)).select_related("thread", "author").get(pk=post.pk)
    if post.hidden:
        raise ValidationError({"post": _("已隐藏的帖子不能转交。")})
    if post.expert_answer:
        raise ValidationError({"post": _("这是专家团队的答复，不需要再转交。")})
    if Forward.objects.filter(post=post).exists():
        raise ValidationError({"post": _("这条帖子已经转交给专家团队。")})
    team = provider_subject_for(access.board)
    if team is None:
        raise ValidationError({"post": _("本学科还没有承担单位的专家团队，暂时无法转交。")})
    thread = post.thread
    title = thread.title if post.opening else _("回复：%(title)s") % {"title": thread.title}
    question = duty_services.question_forward(
        actor=actor,
        provider_subject=team,
        title=title,
        body=post.body,
        asker=post.author,
        note=note,
        origin_label=access.board.title,
        origin_url=thread_url(thread, post),
        origin_key=f"discussions.post:{post.pk}",
    )
    try:
        with transaction.atomic():
            forward = Forward.objects.create(post=post, question=question, forwarded_by=actor)
    except IntegrityError as exc:  # a second tutor's forward of the same post, a moment later
        raise ValidationError({"post": _("这条帖子已经转交给专家团队。")}) from exc
    _record(thread=thread, action=Moderation.Action.FORWARD, actor=actor, post=post, reason=question.note)
    return forward


def on_question_answered(question: Question) -> None:
    """Duty's callback: the expert team's answer goes into the thread for everyone, marked as the team's,
    quoting the forwarded post; the asker and the tutor who forwarded it are told (QUESTION_ANSWERED)."""
    forward = (
        Forward.objects.select_related("post__thread__board__training_class")
        .filter(question=question)
        .first()
    )
    if forward is None or forward.answer_post_id is not None:
        return
    thread = Thread.objects.select_for_update().get(pk=forward.post.thread_id)
    answer = Post.objects.create(
        thread=thread,
        author=question.answered_by,
        body=question.answer,
        quote=forward.post,
        expert_answer=True,
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_post_at=answer.created_at, replies=F("replies") + 1, updated_at=timezone.now()
    )
    forward.answer_post = answer
    forward.save(update_fields=["answer_post"])
    notify(
        recipients=[forward.post.author_id, forward.forwarded_by_id],
        kind=Kind.QUESTION_ANSWERED,
        title=_("专家团队已答复：%(title)s") % {"title": thread.title},
        body=plain_text(question.answer)[:200],
        url=thread_url(thread, answer),
        subject_key=f"discussions.forward:{forward.pk}",
    )


def move_qa_question(*, question, actor) -> str:
    """Q&A's mover (qa.board): a question a live session left unanswered becomes a thread of the subject's
    board, in the asker's name, saying where it came from and who moved it, so the subject's learners,
    tutors and experts can take it up. Runs inside qa's transaction; returns the thread's address."""
    session = question.session
    ps = session.provider_subject
    board = selectors.board_of_subject(subject=ps.subject)
    if not question.body.strip():
        raise ValidationError(_("这个问题没有内容，不能转入讨论区。"))
    asked = timezone.localtime(question.created_at)
    origin = _("来自在线答疑「%(title)s」（%(when)s），%(asker)s 提问，%(mover)s 转入学科讨论区。") % {
        "title": session.title,
        "when": asked.strftime("%Y-%m-%d %H:%M"),
        "asker": question.author_name,
        "mover": actor.get_full_name() or actor.get_username(),
    }
    # The room's text is plain: escaped as it stands (a "<b>" typed there is shown, not obeyed).
    body = clean_html(linebreaks(question.body, autoescape=True) + linebreaks(origin, autoescape=True))
    title = _("答疑：%(q)s") % {"q": one_line(question.body)}
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    thread = Thread.objects.create(
        board=board, title=title, author=question.author, last_post_at=timezone.now()
    )
    Post.objects.create(thread=thread, author=question.author, body=body, opening=True)
    return thread_url(thread)


# --- Offline seminars (线下研讨) ---------------------------------------------------------------------------


def _check_seminar(actor, training_class: TrainingClass) -> None:
    if training_class.tutor_id != actor.pk:
        raise PermissionDenied(_("只有本班辅导教师可以记录线下研讨。"))


def _seminar_fields(
    *, training_class: TrainingClass, title: str, held_on, place: str, organizer_id,
    attendee_ids: Iterable[int],
    minutes: str,
) -> dict:  # fmt: skip
    errors = {}
    title = one_line(title)
    if not title:
        errors["title"] = _("请填写研讨主题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("研讨主题最多 %(max)d 字。") % {"max": TITLE_MAX}
    place = one_line(place)
    if not place:
        errors["place"] = _("请填写研讨地点。")
    elif len(place) > 120:
        errors["place"] = _("地点最多 120 字。")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = _("请填写研讨日期。")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("研讨记录的是已经举行的研讨，日期不能晚于今天。")
    learners = {e.pk: e for e in selectors.class_learners(training_class=training_class)}
    people = {e.user_id for e in learners.values()} | {training_class.tutor_id}
    if organizer_id not in people:
        errors["organizer"] = _("组织者应是本班辅导教师或学员。")
    attendees = set(attendee_ids or [])
    if attendees - set(learners):
        errors["attendees"] = _("出席学员只能从本班学员中选择。")
    try:
        minutes = clean_html(minutes, field="minutes", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {"title": title, "held_on": held_on, "place": place, "organizer_id": organizer_id,
            "minutes": minutes, "attendees": attendees}  # fmt: skip


def _attendance_set(seminar: Seminar, attendees: set[int]) -> None:
    seminar.attendance.exclude(enrollment_id__in=attendees).delete()
    have = set(seminar.attendance.values_list("enrollment_id", flat=True))
    SeminarAttendance.objects.bulk_create(
        [SeminarAttendance(seminar=seminar, enrollment_id=pk) for pk in sorted(attendees - have)],
        ignore_conflicts=True,
    )


def _photos_add(seminar: Seminar, actor, checked) -> None:
    for upload, media in checked:
        SeminarPhoto.objects.create(seminar=seminar, uploaded_by=actor, **_image_fields(upload, media))


def seminar_create(
    *, actor, training_class: TrainingClass, title: str, held_on, place: str, organizer_id: int,
    attendee_ids: Iterable[int] = (), minutes: str = "", photos: Sequence = (),
) -> Seminar:  # fmt: skip
    _check_seminar(actor, training_class)
    fields = _seminar_fields(
        training_class=training_class, title=title, held_on=held_on, place=place, organizer_id=organizer_id,
        attendee_ids=attendee_ids, minutes=minutes,
    )  # fmt: skip
    attendees = fields.pop("attendees")
    with ExitStack() as stack:
        checked = _checked_images(stack, photos, field="photos")
        with transaction.atomic():
            seminar = Seminar.objects.create(training_class=training_class, created_by=actor, **fields)
            _attendance_set(seminar, attendees)
            _photos_add(seminar, actor, checked)
    return seminar


def seminar_update(
    *, actor, seminar: Seminar, title: str, held_on, place: str, organizer_id: int,
    attendee_ids: Iterable[int],
    minutes: str, photos: Sequence = (), read_at: dt.datetime | None = None,
) -> Seminar:  # fmt: skip
    """Save the record over the version the editor read (read_at: its updated_at then); a save by someone
    else in between refuses this one, so neither loses what they wrote unknowingly."""
    _check_seminar(actor, seminar.training_class)
    fields = _seminar_fields(
        training_class=seminar.training_class, title=title, held_on=held_on, place=place,
        organizer_id=organizer_id, attendee_ids=attendee_ids, minutes=minutes,
    )  # fmt: skip
    attendees = fields.pop("attendees")
    with ExitStack() as stack:
        checked = _checked_images(stack, photos, field="photos")
        with transaction.atomic():
            current = Seminar.objects.select_for_update().get(pk=seminar.pk)
            if read_at is not None and abs((current.updated_at - read_at).total_seconds()) > 0.000001:
                raise ValidationError(
                    {
                        "minutes": _(
                            "这条研讨记录在您编辑期间已被修改。您的修改没有保存：请复制留存，刷新后再改。"
                        )
                    }
                )
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            _attendance_set(current, attendees)
            _photos_add(current, actor, checked)
    return current


def seminar_photos_add(*, actor, seminar: Seminar, photos: Sequence) -> list[SeminarPhoto]:
    _check_seminar(actor, seminar.training_class)
    if not [p for p in photos or [] if p]:
        raise ValidationError({"photos": _("请选择要上传的照片。")})
    with ExitStack() as stack:
        checked = _checked_images(stack, photos, field="photos")
        with transaction.atomic():
            before = set(seminar.photos.values_list("pk", flat=True))
            _photos_add(seminar, actor, checked)
            Seminar.objects.filter(pk=seminar.pk).update(updated_at=timezone.now())
    return list(seminar.photos.exclude(pk__in=before))


def image_max_bytes() -> int:
    return settings.MEDIA_MAX_BYTES["image"]
