"""Discussions' sections of a learner's study record (LRN-3): the posts they wrote, the seminars they
attended. Every row links to a page the record's reader may open: a post's own page is open to whoever may
see its author's record (selectors.record_reader_of), a seminar's to whoever may see an attendee's."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.learning.records import ActivityRow, ActivitySection

from .models import Board, Post, Seminar, SeminarAttendance
from .selectors import post_url

RECENT = 10


def posts_section(enrollment) -> ActivitySection:
    posts = Post.objects.filter(
        author_id=enrollment.user_id, thread__board__project_id=enrollment.project_id, expert_answer=False
    )
    threads = posts.filter(opening=True).count()
    replies = posts.filter(opening=False).count()
    hidden = posts.filter(hidden_at__isnull=False).count()
    summary = _("发表主题 %(threads)d 个，回复 %(replies)d 条。") % {"threads": threads, "replies": replies}
    if hidden:
        summary += _("其中 %(n)d 条被隐藏。") % {"n": hidden}
    rows = []
    for post in posts.select_related("thread__board__training_class", "thread__board__subject").order_by(
        "-created_at", "-id"
    )[:RECENT]:
        board = post.thread.board
        where = _("班级讨论区") if board.kind == Board.Kind.CLASS else _("学科讨论区")
        detail = f"{_('主题') if post.opening else _('回复')} · {where}"
        if post.hidden:
            detail += " · " + _("已隐藏：%(reason)s") % {"reason": post.hidden_reason}
        rows.append(
            ActivityRow(when=post.created_at, what=post.thread.title, detail=detail, url=post_url(post))
        )
    return ActivitySection(
        key="posts",
        title=_("论坛发帖"),
        summary=summary,
        figures={"threads": threads, "replies": replies, "hidden": hidden},
        rows=rows,
    )


def seminars_section(enrollment) -> ActivitySection | None:
    attended = SeminarAttendance.objects.filter(enrollment=enrollment).select_related("seminar__organizer")
    held = Seminar.objects.filter(training_class__memberships__enrollment=enrollment).count()
    count = attended.count()
    if not held and not count:
        return ActivitySection(
            key="seminars",
            title=_("线下研讨"),
            summary=_("本班还没有线下研讨记录。"),
            figures={"attended": 0, "held": 0},
        )
    rows = []
    for a in attended.order_by("-seminar__held_on", "-seminar_id")[:RECENT]:
        s = a.seminar
        organizer = s.organizer.real_name if s.organizer else "—"
        rows.append(
            ActivityRow(
                when=timezone.make_aware(dt.datetime.combine(s.held_on, dt.time())),
                what=s.title,
                detail=_("%(place)s · 组织者 %(organizer)s") % {"place": s.place, "organizer": organizer},
                url=reverse("discussions:seminar", args=[s.pk]),
            )
        )
    return ActivitySection(
        key="seminars",
        title=_("线下研讨"),
        summary=_("出席线下研讨 %(n)d 次（本班共记录 %(held)d 次）。") % {"n": count, "held": held},
        figures={"attended": count, "held": held},
        rows=rows,
    )
