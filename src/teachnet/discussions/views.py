"""Pages of discussions (ACT-1, ACT-2): the boards a person has, a board's threads, a thread with its posts
and reply form, moderation, forwarding to the expert team, images, and offline seminars.

Every board, thread, post and seminar is fetched through the selectors' access helpers: what the actor may
not read is a 404, whether it exists or not; what they may read but not do is refused with a message.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.core.forms import add_service_errors
from teachnet.core.http import serve_private_file
from teachnet.training.models import ExpertTeamMember, TrainingClass

from . import selectors, services
from .forms import ForwardForm, HideForm, ReplyForm, SeminarForm, ThreadForm
from .models import Moderation, Post, PostImage, SeminarPhoto
from .selectors import Access


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def index(request):
    mine, others = selectors.my_boards(actor=request.user)
    if not mine and not others.exists():
        raise Http404
    return render(
        request,
        "discussions/index.html",
        {"mine": mine, "others": Paginator(others, 50).get_page(request.GET.get("page"))},
    )


@login_required
def class_board(request, class_id):
    """A class's board, from the class (its tutor's pages, a learner's workspace)."""
    klass = _readable_class(request, class_id)
    return redirect("discussions:board", pk=selectors.board_of_class(training_class=klass).pk)


def _readable_class(request, class_id):
    klass = get_object_or_404(TrainingClass, pk=class_id)
    board = selectors.board_of_class(training_class=klass)
    selectors.board_access(actor=request.user, board_id=board.pk)  # 404 unless readable
    return klass


# --- A board ---------------------------------------------------------------------------------------------


def _board_page(request, access: Access, *, form=None, status=200):
    board = access.board
    threads = Paginator(selectors.threads_of(board=board), selectors.THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "discussions/board.html",
        {
            "access": access,
            "board": board,
            "threads": threads,
            "form": form or ThreadForm(),
            "max_images": services.IMAGES_MAX,
        },
        status=status,
    )


@login_required
def board(request, pk):
    return _board_page(request, selectors.board_access(actor=request.user, board_id=pk))


@login_required
@require_POST
def thread_create(request, pk):
    access = selectors.board_access(actor=request.user, board_id=pk)
    form = ThreadForm(request.POST)
    form.is_valid()
    try:
        thread = services.thread_create(
            actor=request.user,
            access=access,
            title=form.cleaned_data.get("title", ""),
            body=form.cleaned_data.get("body", ""),
            images=request.FILES.getlist("images"),
        )
    except PermissionDenied as exc:
        form.add_error(None, _errors(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
    else:
        messages.success(request, _("主题已发表。"))
        return redirect("discussions:thread", pk=thread.pk)
    return _board_page(request, access, form=form, status=400)


@login_required
def moderation_log(request, pk):
    access = selectors.board_access(actor=request.user, board_id=pk)
    if not access.moderate:
        raise Http404
    events = Moderation.objects.filter(board=access.board).select_related("actor", "thread", "post")
    return render(
        request,
        "discussions/moderation.html",
        {
            "access": access,
            "board": access.board,
            "events": Paginator(events, 100).get_page(request.GET.get("page")),
        },
    )


# --- A thread --------------------------------------------------------------------------------------------


def _thread_page(request, thread, access: Access, *, reply_form=None, status=200):
    board = access.board
    posts = Paginator(selectors.posts_of(thread=thread), selectors.POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    quote = None
    quote_id = reply_form["quote"].value() if reply_form is not None else request.GET.get("quote")
    if quote_id:
        quote = thread.posts.filter(
            pk=quote_id if str(quote_id).isdigit() else None, hidden_at__isnull=True
        ).first()
    reply_form = reply_form or ReplyForm(initial={"quote": quote.pk if quote else None})
    experts = set(
        ExpertTeamMember.objects.filter(
            provider_subject__subject_id=board.subject_id, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "discussions/thread.html",
        {
            "access": access,
            "board": board,
            "thread": thread,
            "posts": posts,
            "reply_form": reply_form,
            "quote": quote,
            "experts": experts,
            "tutor_id": board.training_class.tutor_id if board.training_class else None,
            "hide_form": HideForm(),
            "forward_form": ForwardForm(),
            "max_images": services.IMAGES_MAX,
        },
        status=status,
    )


@login_required
def thread(request, pk):
    thread, access = selectors.thread_access(actor=request.user, thread_id=pk)
    return _thread_page(request, thread, access)


@login_required
@require_POST
def reply(request, pk):
    thread, access = selectors.thread_access(actor=request.user, thread_id=pk)
    form = ReplyForm(request.POST)
    form.is_valid()
    try:
        post = services.post_reply(
            actor=request.user,
            access=access,
            thread=thread,
            body=form.cleaned_data.get("body", ""),
            quote_id=form.cleaned_data.get("quote"),
            images=request.FILES.getlist("images"),
        )
    except PermissionDenied as exc:
        form.add_error(None, _errors(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
    else:
        messages.success(request, _("回复已发表。"))
        return redirect(services.thread_url(thread, post))
    thread.refresh_from_db()
    return _thread_page(request, thread, access, reply_form=form, status=400)


_THREAD_ACTIONS = {
    "pin": (services.thread_pin, {"pinned": True}, _("已置顶。")),
    "unpin": (services.thread_pin, {"pinned": False}, _("已取消置顶。")),
    "lock": (services.thread_lock, {"locked": True}, _("已锁定，学员不能再回复。")),
    "unlock": (services.thread_lock, {"locked": False}, _("已解除锁定。")),
}


@login_required
@require_POST
def thread_action(request, pk, action):
    thread, access = selectors.thread_access(actor=request.user, thread_id=pk)
    if action not in _THREAD_ACTIONS:
        raise Http404
    service, kwargs, done = _THREAD_ACTIONS[action]
    if action == "lock":
        kwargs = {**kwargs, "reason": request.POST.get("reason", "")}
    try:
        service(actor=request.user, access=access, thread=thread, **kwargs)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, str(done))
    return redirect("discussions:thread", pk=thread.pk)


# --- A post ----------------------------------------------------------------------------------------------


@login_required
def post(request, pk):
    """A post's own address (from a study record, a notification): in its thread for the board's readers;
    alone, read only, for an admin who sees its author's study record."""
    try:
        found, _access = selectors.post_access(actor=request.user, post_id=pk)
    except Http404:
        found = get_object_or_404(
            Post.objects.select_related("thread__board__training_class", "thread__board__subject", "author"),
            pk=pk,
        )
        if not selectors.record_reader_of(actor=request.user, post=found):
            raise
        return render(request, "discussions/post_alone.html", {"post": found, "board": found.thread.board})
    return redirect(services.thread_url(found.thread, found))


@login_required
@require_POST
def post_hide(request, pk):
    found, access = selectors.post_access(actor=request.user, post_id=pk)
    form = HideForm(request.POST)
    form.is_valid()
    try:
        services.post_hide(
            actor=request.user, access=access, post=found, reason=form.cleaned_data.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("帖子已隐藏，其他人将看到隐藏原因。"))
    return redirect(services.thread_url(found.thread, found))


@login_required
@require_POST
def post_unhide(request, pk):
    found, access = selectors.post_access(actor=request.user, post_id=pk)
    try:
        services.post_unhide(actor=request.user, access=access, post=found)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已取消隐藏。"))
    return redirect(services.thread_url(found.thread, found))


@login_required
@require_POST
def post_forward(request, pk):
    found, access = selectors.post_access(actor=request.user, post_id=pk)
    form = ForwardForm(request.POST)
    form.is_valid()
    try:
        services.post_forward(
            actor=request.user, access=access, post=found, note=form.cleaned_data.get("note", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已转交专家团队，值班专家答复后将发布在本帖中。"))
    return redirect(services.thread_url(found.thread, found))


@login_required
def image(request, pk):
    """A post's image, for the board's readers (a hidden post's only for its moderators)."""
    img = get_object_or_404(PostImage.objects.select_related("post"), pk=pk)
    _found, access = selectors.post_access(actor=request.user, post_id=img.post_id)
    if img.post.hidden and not access.moderate:
        raise Http404
    return serve_private_file(request, img.file, content_type=img.mime, filename=img.name or None)


# --- Offline seminars (线下研讨) ---------------------------------------------------------------------------


def _class_and_access(request, class_id):
    klass = _readable_class(request, class_id)
    board = selectors.board_of_class(training_class=klass)
    return klass, selectors.access_for(actor=request.user, board=board)


def _seminar_form(klass, data=None, files=None, **kwargs):
    learners = list(selectors.class_learners(training_class=klass))
    return SeminarForm(data, files, training_class=klass, learners=learners, **kwargs)


def _seminar_values(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data.get("title", ""),
        "held_on": data.get("held_on"),
        "place": data.get("place", ""),
        "organizer_id": data.get("organizer"),
        "attendee_ids": data.get("attendees") or [],
        "minutes": data.get("minutes", ""),
    }


def _seminar_form_errors(form) -> None:
    # A date the browser could not send as one, an organizer not offered: the field's own message stays.
    form.is_valid()


def _seminars_page(request, klass, access, *, form=None, status=200):
    return render(
        request,
        "discussions/seminars.html",
        {
            "klass": klass,
            "access": access,
            "board": access.board,
            "seminars": selectors.seminars_of(training_class=klass).prefetch_related("attendance"),
            "may_record": klass.tutor_id == request.user.pk,
            "form": form or _seminar_form(klass, initial={"organizer": klass.tutor_id}),
            "max_images": services.IMAGES_MAX,
        },
        status=status,
    )


@login_required
def seminars(request, class_id):
    klass, access = _class_and_access(request, class_id)
    if request.method != "POST":
        return _seminars_page(request, klass, access)
    form = _seminar_form(klass, request.POST)
    _seminar_form_errors(form)
    try:
        seminar = services.seminar_create(
            actor=request.user,
            training_class=klass,
            photos=request.FILES.getlist("photos"),
            **_seminar_values(form),
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _seminars_page(request, klass, access, form=form, status=400)
    messages.success(request, _("已记录线下研讨。"))
    return redirect("discussions:seminar", pk=seminar.pk)


def _seminar_page(request, seminar, access, *, form=None, status=200):
    klass = seminar.training_class
    may_edit = klass.tutor_id == request.user.pk
    if may_edit and form is None:
        form = _seminar_form(
            klass,
            initial={**selectors.seminar_fields(seminar), "read_at": seminar.updated_at.isoformat()},
        )
    return render(
        request,
        "discussions/seminar.html",
        {
            "seminar": seminar,
            "klass": klass,
            "access": access,
            "attendance": selectors.attendance_of(seminar=seminar),
            "photos": seminar.photos.all(),
            "may_edit": may_edit,
            "form": form,
            "max_images": services.IMAGES_MAX,
        },
        status=status,
    )


@login_required
def seminar(request, pk):
    found, access = selectors.seminar_access(actor=request.user, seminar_id=pk)
    if request.method != "POST":
        return _seminar_page(request, found, access)
    form = _seminar_form(found.training_class, request.POST)
    _seminar_form_errors(form)
    read_at = None
    try:
        read_at = dt.datetime.fromisoformat(form.cleaned_data.get("read_at") or "")
    except ValueError:
        read_at = None
    try:
        services.seminar_update(
            actor=request.user, seminar=found, photos=request.FILES.getlist("photos"), read_at=read_at,
            **_seminar_values(form),
        )  # fmt: skip
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _seminar_page(request, found, access, form=form, status=400)
    messages.success(request, _("研讨记录已保存。"))
    return redirect("discussions:seminar", pk=found.pk)


@login_required
def seminar_photo(request, pk):
    photo = get_object_or_404(SeminarPhoto, pk=pk)
    selectors.seminar_access(actor=request.user, seminar_id=photo.seminar_id)
    return serve_private_file(request, photo.file, content_type=photo.mime, filename=photo.name or None)
