"""Reads of discussions (ACT-1, ACT-2): who may read, write and moderate a board (fetched and authorized in
one call, 404 alike for missing and not yours), the boards a person has, threads and posts as a reader sees
them (hidden posts: the reason for others, the text for moderators), seminars, and the study record's
sections (LRN-3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from teachnet.accounts.models import User
from teachnet.accounts.permissions import has_any, visible
from teachnet.accounts.roles import Perm
from teachnet.training.models import ClassMembership, Enrollment, ExpertTeamMember, Subject, TrainingClass

from .models import Board, Post, Seminar, SeminarAttendance, Thread
from .permissions import DiscussionPerm

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 50


# --- Boards ----------------------------------------------------------------------------------------------


def boards_ensure() -> int:
    """A board for every class and every subject that has none yet; returns how many were made. Boards are
    made on first need rather than by training (which knows nothing of discussions); a second caller racing
    the first makes nothing twice (the unique constraints, ignore_conflicts)."""
    classes = TrainingClass.objects.filter(
        ~Exists(Board.objects.filter(kind=Board.Kind.CLASS, training_class=OuterRef("pk")))
    ).values_list("pk", "project_id", "subject_id")
    subjects = Subject.objects.filter(
        ~Exists(Board.objects.filter(kind=Board.Kind.SUBJECT, subject=OuterRef("pk")))
    ).values_list("pk", "project_id")
    rows = [
        Board(kind=Board.Kind.CLASS, training_class_id=pk, project_id=project, subject_id=subject)
        for pk, project, subject in classes
    ] + [Board(kind=Board.Kind.SUBJECT, subject_id=pk, project_id=project) for pk, project in subjects]
    if rows:
        Board.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def board_of_class(*, training_class: TrainingClass) -> Board:
    return _board(kind=Board.Kind.CLASS, training_class=training_class, subject_id=training_class.subject_id,
                  project_id=training_class.project_id)  # fmt: skip


def board_of_subject(*, subject: Subject) -> Board:
    return _board(kind=Board.Kind.SUBJECT, subject_id=subject.pk, project_id=subject.project_id)


def _board(*, kind, training_class=None, subject_id, project_id) -> Board:
    lookup = {"kind": kind, "subject_id": subject_id}
    if training_class is not None:
        lookup = {"kind": kind, "training_class": training_class}
    board = Board.objects.filter(**lookup).first()
    if board is None:
        try:
            with transaction.atomic():
                board = Board.objects.create(
                    kind=kind, training_class=training_class, subject_id=subject_id, project_id=project_id
                )
        except IntegrityError:  # made by a concurrent request
            board = Board.objects.get(**lookup)
    return board


def has_boards(user) -> bool:
    """Whether the person has some board to read (the menu's question): boards are made on first need, so
    this asks the relations a board is read through, not the boards."""
    if has_any(actor=user, perm=DiscussionPerm.READ):
        return True
    # One query, asked once per person while nothing changes (core.menu keeps the answer).
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Exists(Enrollment.objects.filter(user_id=OuterRef("pk"), withdrawn_at__isnull=True))
            | Exists(TrainingClass.objects.filter(tutor_id=OuterRef("pk")))
            | Exists(ExpertTeamMember.objects.filter(user_id=OuterRef("pk")))
        )
        .exists()
    )


def boards_readable(*, actor) -> QuerySet[Board]:
    return visible(actor=actor, model=Board, perm=DiscussionPerm.READ).select_related(
        "project", "subject", "training_class"
    )


@dataclass
class Access:
    """What the actor may do on a board they may read."""

    board: Board
    learner: bool  # a learner of the class (class board) or of the subject (subject board)
    tutor: bool  # the class's tutor, or a tutor of the subject
    expert: bool  # in the subject's expert team

    @property
    def write(self) -> bool:
        return self.learner or self.tutor or self.expert

    @property
    def moderate(self) -> bool:
        # Tutors in their class, experts in the subject (GP 四.2(2): the tutor leads the class's discussion).
        if self.board.kind == Board.Kind.CLASS:
            return self.tutor or self.expert
        return self.expert

    @property
    def forward(self) -> bool:
        return self.board.kind == Board.Kind.CLASS and self.tutor


def access_for(*, actor, board: Board) -> Access:
    """The actor's relations to a board (read access is the caller's to have checked)."""
    expert = ExpertTeamMember.objects.filter(
        provider_subject__subject_id=board.subject_id, user_id=actor.pk
    ).exists()
    if board.kind == Board.Kind.CLASS:
        klass = board.training_class
        learner = ClassMembership.objects.filter(
            training_class=klass, enrollment__user_id=actor.pk, enrollment__withdrawn_at__isnull=True
        ).exists()
        return Access(board, learner=learner, tutor=klass.tutor_id == actor.pk, expert=expert)
    enrolled = Enrollment.objects.filter(
        subject_id=board.subject_id, user_id=actor.pk, withdrawn_at__isnull=True
    )
    learner = enrolled.filter(role=Enrollment.Role.LEARNER).exists()
    tutor = (
        enrolled.filter(role=Enrollment.Role.TRAINER).exists()
        or TrainingClass.objects.filter(subject_id=board.subject_id, tutor_id=actor.pk).exists()
    )
    return Access(board, learner=learner, tutor=tutor, expert=expert)


def board_access(*, actor, board_id) -> Access:
    """A board the actor may read, with what else they may do there; 404 otherwise."""
    try:
        board = boards_readable(actor=actor).get(pk=board_id)
    except (Board.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return access_for(actor=actor, board=board)


def my_boards(*, actor) -> tuple[list[Access], QuerySet[Board]]:
    """The boards the actor takes part in (as learner, tutor or expert), and the others they may read."""
    boards_ensure()
    readable = boards_readable(actor=actor)
    own = readable.filter(
        Q(kind=Board.Kind.CLASS, training_class__memberships__enrollment__user_id=actor.pk)
        | Q(kind=Board.Kind.CLASS, training_class__tutor_id=actor.pk)
        | Q(kind=Board.Kind.SUBJECT, subject__enrollments__user_id=actor.pk)
        | Q(kind=Board.Kind.SUBJECT, subject__classes__tutor_id=actor.pk)
        | Q(subject__provider_subjects__members__user_id=actor.pk)
    ).distinct()
    mine = [
        access_for(actor=actor, board=b) for b in own.order_by("-project__year", "kind", "subject_id", "pk")
    ]
    mine = [a for a in mine if a.write]
    others = readable.exclude(pk__in=[a.board.pk for a in mine]).order_by(
        "-project__year", "project_id", "subject_id", "kind", "training_class__name", "pk"
    )
    return mine, others


# --- Threads and posts -----------------------------------------------------------------------------------


def threads_of(*, board: Board) -> QuerySet[Thread]:
    return board.threads.select_related("author").order_by("-pinned_at", "-last_post_at", "-id")


def thread_access(*, actor, thread_id) -> tuple[Thread, Access]:
    try:
        thread = Thread.objects.select_related(
            "board__training_class", "board__subject", "board__project"
        ).get(pk=thread_id)
    except (Thread.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access = board_access(actor=actor, board_id=thread.board_id)
    thread.board = access.board
    return thread, access


def post_access(*, actor, post_id) -> tuple[Post, Access]:
    try:
        post = Post.objects.select_related("thread").get(pk=post_id)
    except (Post.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    thread, access = thread_access(actor=actor, thread_id=post.thread_id)
    post.thread = thread
    return post, access


def posts_of(*, thread: Thread) -> QuerySet[Post]:
    return (
        thread.posts.select_related("author", "hidden_by", "quote__author", "forward__question__claimed_by")
        .prefetch_related("images")
        .order_by("created_at", "id")
    )


def post_page(*, post: Post, per_page: int = POSTS_PER_PAGE) -> int:
    """The page of its thread the post is on."""
    before = Post.objects.filter(thread_id=post.thread_id).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.id)
    )
    return before.count() // per_page + 1


def post_url(post: Post) -> str:
    return reverse("discussions:post", args=[post.pk])


def record_reader_of(*, actor, post: Post) -> bool:
    """Whether the actor may read this one post as part of its author's study record (LRN-3): an admin who
    sees the author's records, who need not read the whole board."""
    if post.author_id is None:
        return False
    if actor.pk == post.author_id:
        return True
    enrollments = Enrollment.objects.filter(user_id=post.author_id, project_id=post.thread.board.project_id)
    return visible(actor=actor, model=Enrollment, perm=Perm.STUDY_RECORDS_VIEW, queryset=enrollments).exists()


# --- Seminars --------------------------------------------------------------------------------------------


def seminars_of(*, training_class: TrainingClass) -> QuerySet[Seminar]:
    return training_class.seminars.select_related("organizer").prefetch_related("photos")


def seminar_fields(seminar: Seminar) -> dict:
    """The record's fields as they are: the edit form's initial values, and what an API PATCH keeps."""
    return {
        "title": seminar.title,
        "held_on": seminar.held_on,
        "place": seminar.place,
        "organizer": seminar.organizer_id,
        "attendees": list(seminar.attendance.values_list("enrollment_id", flat=True)),
        "minutes": seminar.minutes,
    }


def seminar_access(*, actor, seminar_id) -> tuple[Seminar, Access | None]:
    """A seminar: for the readers of its class's board (with what they may do), or for an admin who sees an
    attendee's study record (read only, Access None)."""
    try:
        seminar = Seminar.objects.select_related(
            "training_class__subject", "training_class__project", "organizer"
        ).get(pk=seminar_id)
    except (Seminar.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    board = board_of_class(training_class=seminar.training_class)
    if boards_readable(actor=actor).filter(pk=board.pk).exists():
        return seminar, access_for(actor=actor, board=board)
    attendees = Enrollment.objects.filter(pk__in=seminar.attendance.values("enrollment_id"))
    if visible(actor=actor, model=Enrollment, perm=Perm.STUDY_RECORDS_VIEW, queryset=attendees).exists():
        return seminar, None
    raise Http404


def class_learners(*, training_class: TrainingClass) -> QuerySet[Enrollment]:
    """The class's learners still in training: who can attend its seminars."""
    return (
        Enrollment.objects.filter(
            pk__in=ClassMembership.objects.filter(training_class=training_class).values("enrollment_id"),
            withdrawn_at__isnull=True,
        )
        .select_related("user")
        .order_by("user__real_name", "pk")
    )


def attendance_of(*, seminar: Seminar) -> QuerySet[SeminarAttendance]:
    return seminar.attendance.select_related("enrollment__user").order_by("enrollment__user__real_name", "pk")
