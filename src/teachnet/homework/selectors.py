"""Reads of homework, and who reaches what (ACT-6).

Pages and the API ask the same questions here: which assignments a person reaches and in which part (as a
learner of a class, as the tutor of some of its classes, as a member of the subject's expert team, or as an
overseer through the permission layer), and each access helper answers 404 alike for "missing" and "not
yours".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from teachnet.accounts.permissions import visible
from teachnet.accounts.roles import Perm
from teachnet.training.models import (
    ClassMembership,
    Enrollment,
    ExpertTeamMember,
    ProviderSubject,
    TrainingClass,
)

from .models import Assignment, GradingEvent, Rubric, SimilarityPair, SpotCheck, Submission
from .permissions import HomeworkPerm

EXPERT_ROLES = (ExpertTeamMember.Role.CHIEF_EXPERT, ExpertTeamMember.Role.EXPERT)


@dataclass
class Reach:
    """A person's relations to classes and teams, asked once per request."""

    learner_classes: dict[int, TrainingClass] = field(default_factory=dict)  # project id -> their class
    tutor_classes: list[TrainingClass] = field(default_factory=list)
    expert_ps_ids: set[int] = field(default_factory=set)


def reach(actor) -> Reach:
    cached = getattr(actor, "_homework_reach", None)
    if cached is not None:
        return cached
    found = Reach()
    if actor.is_authenticated:
        for m in ClassMembership.objects.filter(
            enrollment__user=actor,
            enrollment__role=Enrollment.Role.LEARNER,
            enrollment__withdrawn_at__isnull=True,
        ).select_related("training_class"):
            found.learner_classes[m.training_class.project_id] = m.training_class
        found.tutor_classes = list(TrainingClass.objects.filter(tutor=actor))
        found.expert_ps_ids = set(
            ExpertTeamMember.objects.filter(user=actor, role__in=EXPERT_ROLES).values_list(
                "provider_subject_id", flat=True
            )
        )
    actor._homework_reach = found
    return found


def _classes_q(classes) -> Q:
    """Assignments reaching these classes: set for the class, or for its subject in its project."""
    q = Q(pk__in=[])
    for c in classes:
        q |= Q(training_class_id=c.pk) | Q(
            provider_subject__project_id=c.project_id, provider_subject__subject_id=c.subject_id
        )
    return q


def assignments_reached(actor) -> QuerySet[Assignment]:
    r = reach(actor)
    q = _classes_q(list(r.learner_classes.values()) + r.tutor_classes) | Q(
        provider_subject_id__in=r.expert_ps_ids
    )
    mine = Assignment.objects.filter(q)
    overseen = visible(actor=actor, model=Assignment, perm=HomeworkPerm.VIEW)
    return Assignment.objects.filter(Q(pk__in=mine.values("pk")) | Q(pk__in=overseen.values("pk")))


@dataclass
class Part:
    """What a person is to one assignment."""

    assignment: Assignment
    learner_class: TrainingClass | None
    tutor_classes: list[TrainingClass]
    expert: bool
    overseer: bool

    @property
    def any(self) -> bool:
        return bool(self.learner_class or self.tutor_classes or self.expert or self.overseer)

    @property
    def staff(self) -> bool:
        return bool(self.tutor_classes or self.expert or self.overseer)


def part_in(*, actor, assignment: Assignment) -> Part:
    r = reach(actor)
    reached = assignment_classes(assignment=assignment)
    ids = {c.pk for c in reached}
    learner_class = r.learner_classes.get(assignment.project_id)
    if learner_class is not None and learner_class.pk not in ids:
        learner_class = None
    tutor_classes = [c for c in r.tutor_classes if c.pk in ids]
    expert = assignment.provider_subject_id is not None and assignment.provider_subject_id in r.expert_ps_ids
    overseer = (
        visible(actor=actor, model=Assignment, perm=HomeworkPerm.VIEW).filter(pk=assignment.pk).exists()
    )
    return Part(assignment, learner_class, tutor_classes, expert, overseer)


def assignment_access(*, actor, pk) -> Part:
    try:
        assignment = Assignment.objects.select_related(
            "provider_subject__provider", "subject", "training_class", "project"
        ).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    part = part_in(actor=actor, assignment=assignment)
    if not part.any:
        raise Http404
    return part


def grading_generation_key(assignment_id, class_id) -> str:
    return f"teachnet:homework:grading:{assignment_id}:{class_id}"


def grading_generation(assignment_id, class_id) -> str:
    """A token that changes whenever anything the class's grading page shows changes (services delete it on
    every such write): the kept grading pages (core.pagecache) are keyed by it. A token lost from the cache
    comes back as a new one, never an old one, so no page kept under an earlier token is served again."""
    key = grading_generation_key(assignment_id, class_id)
    token = cache.get(key)
    if token is None:
        fresh = secrets.token_hex(8)
        cache.add(key, fresh, None)
        token = cache.get(key) or fresh
    return token


def grading_access(*, actor, pk, class_id) -> tuple[Assignment, TrainingClass]:
    """The assignment and the class the actor tutors, for the grading page: two queries, since the page is
    asked for on every step through a class (404 unless the assignment reaches that class and the actor is
    its tutor)."""
    try:
        assignment = Assignment.objects.select_related("provider_subject").get(pk=pk)
        klass = TrainingClass.objects.get(pk=class_id, tutor_id=actor.pk)
    except (Assignment.DoesNotExist, TrainingClass.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if assignment.training_class_id is not None:
        reached = assignment.training_class_id == klass.pk
    else:
        ps = assignment.provider_subject
        reached = (ps.project_id, ps.subject_id) == (klass.project_id, klass.subject_id)
    if not reached:
        raise Http404
    return assignment, klass


def assignment_classes(*, assignment: Assignment) -> list[TrainingClass]:
    if assignment.training_class_id is not None:
        return [assignment.training_class]
    cached = getattr(assignment, "_classes", None)
    if cached is None:
        cached = list(
            TrainingClass.objects.filter(
                project_id=assignment.provider_subject.project_id,
                subject_id=assignment.provider_subject.subject_id,
            ).select_related("tutor")
        )
        assignment._classes = cached
    return cached


def expert_provider_subjects(*, actor) -> QuerySet[ProviderSubject]:
    return ProviderSubject.objects.filter(pk__in=reach(actor).expert_ps_ids).select_related(
        "provider", "subject", "project"
    )


def provider_subject_for_expert(*, actor, pk) -> ProviderSubject:
    """A provider's subject whose expert team the actor belongs to (chief or subject expert), else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if pk not in reach(actor).expert_ps_ids:
        raise Http404
    return ProviderSubject.objects.select_related("provider", "subject", "project").get(pk=pk)


def provider_subject_showcase_access(*, actor, pk) -> ProviderSubject:
    """The showcase of a subject is for its learners, its classes' tutors, its experts and overseers."""
    try:
        ps = ProviderSubject.objects.select_related("provider", "subject", "project").get(pk=pk)
    except (ProviderSubject.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    r = reach(actor)
    mine = [c for c in [*r.learner_classes.values(), *r.tutor_classes] if c.project_id == ps.project_id]
    if (
        ps.pk in r.expert_ps_ids
        or any(c.subject_id == ps.subject_id for c in mine)
        or visible(actor=actor, model=ProviderSubject, perm=Perm.TEAM_VIEW).filter(pk=ps.pk).exists()
        or visible(actor=actor, model=Assignment, perm=HomeworkPerm.VIEW)
        .filter(provider_subject_id=ps.pk)
        .exists()
    ):
        return ps
    raise Http404


def rubric_access(*, actor, pk) -> Rubric:
    try:
        rubric = Rubric.objects.select_related("provider_subject").get(pk=pk)
    except (Rubric.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if rubric.provider_subject_id not in reach(actor).expert_ps_ids:
        raise Http404
    return rubric


# --- Submissions --------------------------------------------------------------------------------------------


@dataclass
class SubmissionPart:
    submission: Submission
    own: bool  # the learner's own
    grader: bool  # the tutor of its class
    expert: bool  # the subject's expert team
    overseer: bool


def submission_access(*, actor, pk, queryset: QuerySet | None = None) -> SubmissionPart:
    qs = queryset if queryset is not None else Submission.objects.all()
    try:
        s = qs.select_related("assignment__provider_subject", "training_class", "learner").get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    r = reach(actor)
    own = s.learner_id == actor.pk
    grader = any(c.pk == s.training_class_id for c in r.tutor_classes)
    expert = s.assignment.provider_subject_id in r.expert_ps_ids
    overseer = False
    if not (own or grader or expert):
        overseer = (
            visible(actor=actor, model=Assignment, perm=HomeworkPerm.VIEW).filter(pk=s.assignment_id).exists()
        )
    # A draft is the learner's own until it is submitted.
    if not own and s.state == Submission.State.DRAFT:
        raise Http404
    if not (own or grader or expert or overseer):
        raise Http404
    return SubmissionPart(s, own, grader, expert, overseer)


@dataclass(frozen=True)
class QueueItem:
    """One line of the grading page's list: no text, no dates, only what the list shows."""

    pk: int
    name: str
    state: str
    late: bool
    recommended: bool
    flagged: bool


def grading_queue(*, assignment: Assignment, training_class: TrainingClass) -> list[QueueItem]:
    """Every submission of the class the tutor may grade, in a fixed order (the learner's name): what
    next/previous walks through. Drafts are the learners' own and are not shown. One query of narrow rows:
    the page asks for it on every step through a class of a hundred."""
    flagged = SimilarityPair.objects.filter(Q(first=OuterRef("pk")) | Q(second=OuterRef("pk")))
    rows = (
        Submission.objects.filter(assignment=assignment, training_class=training_class)
        .exclude(state=Submission.State.DRAFT)
        .annotate(flagged=Exists(flagged))
        .order_by("learner__real_name", "pk")
        .values_list("pk", "learner__real_name", "state", "late", "recommended", "flagged")
    )
    return [QueueItem(*row) for row in rows]


def submission_events(*, submission: Submission) -> list[GradingEvent]:
    """The submission's grading trail, each event with `what`: the criterion and level by their names."""
    criteria = {c["key"]: c for c in submission.assignment.criteria}
    events = list(submission.events.select_related("actor").order_by("id"))
    for e in events:
        c = criteria.get(e.data.get("criterion"))
        if e.kind == GradingEvent.Kind.LEVEL and c is not None:
            level = next((lv for lv in c["levels"] if lv["key"] == e.data.get("level")), None)
            e.what = f"{c['title']} → {level['label'] if level else '?'}"
        else:
            e.what = ""
    return events


def pairs_of(*, submission: Submission) -> QuerySet[SimilarityPair]:
    return SimilarityPair.objects.filter(Q(first=submission) | Q(second=submission)).select_related(
        "first__learner", "second__learner", "first__training_class", "second__training_class"
    )


def pairs_visible(*, actor, assignment: Assignment, part: Part) -> QuerySet[SimilarityPair]:
    qs = SimilarityPair.objects.filter(assignment=assignment).select_related(
        "first__learner", "second__learner", "first__training_class", "second__training_class"
    )
    if part.expert or part.overseer:
        return qs
    ids = [c.pk for c in part.tutor_classes]
    return qs.filter(Q(first__training_class_id__in=ids) | Q(second__training_class_id__in=ids))


def pair_access(*, actor, pk) -> SimilarityPair:
    """A flagged pair, for the tutor of either submission's class or the subject's experts."""
    try:
        pair = SimilarityPair.objects.select_related(
            "assignment__provider_subject", "first__learner", "second__learner", "first__training_class",
            "second__training_class",
        ).get(pk=pk)  # fmt: skip
    except (SimilarityPair.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    part = part_in(actor=actor, assignment=pair.assignment)
    tutor_ids = {c.pk for c in part.tutor_classes}
    if (
        part.expert
        or part.overseer
        or tutor_ids & {pair.first.training_class_id, pair.second.training_class_id}
    ):
        return pair
    raise Http404


# --- Progress (per class, tutor and subject) ----------------------------------------------------------------


@dataclass
class ProgressRow:
    training_class: TrainingClass
    members: int
    submitted: int
    graded: int
    returned: int
    recommended: int
    late: int
    drafts: int
    awaiting_revision: int = 0  # returned and not yet sent again

    @property
    def ungraded(self) -> int:
        return self.submitted - self.graded - self.awaiting_revision

    @property
    def not_submitted(self) -> int:
        return max(0, self.members - self.submitted)


def progress_by_class(
    *, assignment: Assignment, classes: list[TrainingClass] | None = None
) -> list[ProgressRow]:
    classes = classes if classes is not None else assignment_classes(assignment=assignment)
    ids = [c.pk for c in classes]
    S = Submission.State
    counts = {
        row["training_class_id"]: row
        for row in Submission.objects.filter(assignment=assignment, training_class_id__in=ids)
        .values("training_class_id")
        .annotate(
            submitted=Count("pk", filter=~Q(state=S.DRAFT)),
            graded=Count("pk", filter=Q(state=S.GRADED)),
            returned=Count("pk", filter=Q(revision__gt=1)),  # ever returned for revision
            awaiting_revision=Count("pk", filter=Q(state=S.RETURNED)),
            recommended=Count("pk", filter=Q(recommended=True)),
            late=Count("pk", filter=Q(late=True) & ~Q(state=S.DRAFT)),
            drafts=Count("pk", filter=Q(state=S.DRAFT)),
        )
    }
    members = dict(
        ClassMembership.objects.filter(training_class_id__in=ids, enrollment__withdrawn_at__isnull=True)
        .values("training_class_id")
        .annotate(n=Count("pk"))
        .values_list("training_class_id", "n")
    )
    rows = []
    for c in classes:
        got = counts.get(c.pk, {})
        rows.append(
            ProgressRow(
                c,
                members.get(c.pk, 0),
                *(
                    got.get(k, 0)
                    for k in ("submitted", "graded", "returned", "recommended", "late", "drafts")
                ),
                awaiting_revision=got.get("awaiting_revision", 0),
            )
        )
    return rows


def progress_total(rows: list[ProgressRow]) -> dict[str, int]:
    keys = ("members", "submitted", "graded", "returned", "recommended", "late", "drafts")
    return {k: sum(getattr(r, k) for r in rows) for k in keys}


def progress_by_tutor(rows: list[ProgressRow]) -> list[dict]:
    by: dict[int | None, dict] = {}
    for r in rows:
        tutor = r.training_class.tutor
        entry = by.setdefault(
            tutor.pk if tutor else None, {"tutor": tutor, "classes": 0, **dict.fromkeys(
                ("members", "submitted", "graded", "returned", "recommended", "late"), 0)}
        )  # fmt: skip
        entry["classes"] += 1
        for k in ("members", "submitted", "graded", "returned", "recommended", "late"):
            entry[k] += getattr(r, k)
    return list(by.values())


def showcase(*, provider_subject: ProviderSubject) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(assignment__provider_subject=provider_subject, recommended=True)
        .select_related("assignment", "learner", "training_class")
        .order_by("-recommended_at", "pk")
    )


def spot_checks_for(*, assignment: Assignment) -> QuerySet[SpotCheck]:
    return assignment.spot_checks.select_related("submission__learner", "submission__training_class", "tutor")


def spot_check_access(*, actor, pk) -> SpotCheck:
    try:
        spot = SpotCheck.objects.select_related(
            "assignment__provider_subject", "submission__learner", "submission__training_class", "tutor"
        ).get(pk=pk)
    except (SpotCheck.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if spot.assignment.provider_subject_id not in reach(actor).expert_ps_ids:
        raise Http404
    return spot


def agreement(*, assignment: Assignment) -> list[dict]:
    """For each criterion, how often the expert's level matched the tutor's among scored spot checks."""
    scored = list(assignment.spot_checks.filter(scored_at__isnull=False).values("levels", "tutor_levels"))
    out = []
    for c in assignment.criteria:
        both = [(s["levels"].get(c["key"]), s["tutor_levels"].get(c["key"])) for s in scored]
        both = [(e, t) for e, t in both if e and t]
        same = sum(1 for e, t in both if e == t)
        out.append(
            {
                "key": c["key"],
                "title": c["title"],
                "compared": len(both),
                "same": same,
                "share": (same / len(both)) if both else None,
            }
        )
    return out


def learner_open_assignments(*, actor) -> list[tuple[Assignment, Submission | None]]:
    """The assignments of the learner's classes, with their submission if they started one."""
    r = reach(actor)
    qs = Assignment.objects.filter(_classes_q(list(r.learner_classes.values()))).select_related("subject")
    mine = {s.assignment_id: s for s in Submission.objects.filter(learner=actor, assignment__in=qs)}
    return [(a, mine.get(a.pk)) for a in qs.order_by("deadline", "pk")]
