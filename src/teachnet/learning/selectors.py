"""Reads of the learning app: a learner's workspace (what is required, earned, left and due), the player's
facts, and the records (LRN-3) that the learner and every role above them in scope may query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.http import Http404
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape

from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.accounts.roles import Perm
from teachnet.core.text import duration
from teachnet.courses.models import Course, Resource
from teachnet.courses.selectors import learner_courses, subject_opening
from teachnet.training.models import ClassMembership, Enrollment, Project

from . import deadlines, progress, records
from .access import studyable  # noqa: F401 (the player's check, read from here too)
from .models import (
    CreditInterval,
    JournalEntry,
    PlanItem,
    Reason,
    SelfPick,
    StudyPolicy,
    StudySession,
    StudyTotal,
)
from .services import policy_for, units


@dataclass
class ResourceRow:
    """A resource on the learner's workspace. The learner's progress on it is written as slots (see
    learning.progress), filled with their credited time on every request, so the rest of the page can be
    kept in the cache (core.pagecache) while they study."""

    mark: str  # the learner's (learning.progress.mark)
    project_id: int
    id: int
    kind: str
    title: str
    credit_minutes: int
    due_on: dt.date | None = None
    url: str = ""  # the player's, for a resource of the course's outline
    title_html: str = ""  # the title escaped once per version (templatetags.learning_rows)

    @property
    def progress_cells(self) -> str:
        """Its credited time and, in the next cell, its status."""
        return progress.slot(self.mark, "r", self.project_id, self.id, self.credit_minutes)

    @property
    def percent(self) -> str:
        return progress.slot(self.mark, "p", self.project_id, self.id, self.credit_minutes)

    @property
    def hidden_when_done(self) -> str:
        return progress.slot(self.mark, "h", self.project_id, self.id, self.credit_minutes)

    @property
    def due_state(self) -> str:
        """deadlines.OVERDUE or SOON (shown while the item is not done: its line hides once it is)."""
        return deadlines.due_state(self.due_on, timezone.localdate())

    @property
    def due_note(self) -> str:
        return deadlines.due_note(self.due_on, timezone.localdate())


@dataclass
class ModuleRow:
    title: str
    resources: list[ResourceRow] = field(default_factory=list)


@dataclass
class Workspace:
    mark: str  # the learner's (learning.progress.mark)
    enrollment: Enrollment
    course: Course | None
    open: bool
    reason: str
    required_units: int
    minutes_per_unit: int
    daily_cap_minutes: int
    modules: list[ModuleRow]
    due: list[ResourceRow]  # the plan's items, sorted by due date; each hidden once done
    picked: list[ResourceRow] = field(default_factory=list)

    @property
    def _p(self) -> int:
        return self.enrollment.project_id

    @property
    def earned_units(self) -> str:
        return progress.slot(self.mark, "e", self._p, self.minutes_per_unit)

    @property
    def left_units(self) -> str:
        return progress.slot(self.mark, "l", self._p, self.minutes_per_unit, self.required_units)

    @property
    def percent(self) -> str:
        return progress.slot(self.mark, "w", self._p, self.minutes_per_unit, self.required_units)

    @property
    def today_seconds(self) -> str:
        return progress.slot(self.mark, "t", self._p)

    @property
    def due_hidden(self) -> str:
        """' hidden' on the plan's list once every item in it is done."""
        pairs = (x for r in self.due for x in (r.id, r.credit_minutes))
        return progress.slot(self.mark, "H", self._p, *pairs)


def plan_items_for(*, learner, project) -> dict[int, dt.date]:
    """The due dates of the plans of the learner's classes (the earliest when several plans name a
    resource)."""
    return _due_by_project(learner=learner, project_ids=[project.pk]).get(project.pk, {})


def _due_by_project(*, learner, project_ids) -> dict[int, dict[int, dt.date]]:
    # One filter() call, so both conditions hold for the same membership (a class is of its learners'
    # project: classes_build places a project's learners only).
    items = PlanItem.objects.filter(
        plan__training_class__memberships__enrollment__user=learner,
        plan__training_class__memberships__enrollment__project_id__in=project_ids,
    ).values_list("plan__training_class__project_id", "resource_id", "due_on")
    due: dict[int, dict[int, dt.date]] = {}
    for project_id, resource_id, due_on in items:
        by_resource = due.setdefault(project_id, {})
        by_resource[resource_id] = min(due_on, by_resource.get(resource_id, due_on))
    return due


# The approved version's modules prepared for the workspace, per process: (title, ((id, kind, title,
# escaped title, minutes, player URL), ...)) for each module. A version's snapshot never changes once
# written and the workspace is the page every learner opens (bench/pages.py), so the snapshot is read and
# prepared once, not on each request. The key has the course's updated_at besides the ids, as a test
# database that rolls back reuses ids, and the script prefix the URLs were made with.
_OUTLINES: dict[tuple, tuple] = {}
_OUTLINES_KEPT = 64


def _course_outline(course: Course) -> tuple:
    key = (course.pk, course.approved_version_id, course.updated_at, get_script_prefix())
    outline = _OUTLINES.get(key)
    if outline is None:
        outline = tuple(
            (
                m["title"],
                tuple(
                    (
                        r["id"],
                        r["kind"],
                        r["title"],
                        escape(r["title"]),
                        r["credit_minutes"],
                        reverse("learning:player", args=[course.pk, r["id"]]),
                    )
                    for r in m["resources"]
                ),
            )
            for m in course.approved_version.snapshot["modules"]
        )
        if len(_OUTLINES) >= _OUTLINES_KEPT:
            _OUTLINES.clear()
        _OUTLINES[key] = outline
    return outline


def workspaces(*, learner) -> list[Workspace]:
    """The learner's workspace for each subject they take, their progress left as slots (learning.progress
    fills them): a fixed number of queries whatever the number of subjects, resources, plan items and picks
    (tests/test_views_workspace.py holds it), and no writes."""
    rows = learner_courses(user=learner)
    if not rows:
        return []
    project_ids = {e.project_id for e, _course, _opening in rows}
    policies = {p.project_id: p for p in StudyPolicy.objects.filter(project_id__in=project_ids)}
    due_by_project = _due_by_project(learner=learner, project_ids=project_ids)
    picks = list(
        SelfPick.objects.filter(
            learner=learner, resource__course__provider_subject__project_id__in=project_ids
        ).values_list(
            "resource__course__provider_subject__project_id",
            "resource_id",
            "resource__kind",
            "resource__title",
            "resource__credit_minutes",
        )
    )
    learner_mark = progress.mark(learner.pk)
    out = []
    for enrollment, course, opening in rows:
        project = enrollment.project
        # Read, never created here: a page view writes nothing (the protocol creates the row when it needs
        # one, services.policy_for); a project without one counts by the defaults.
        policy = policies.get(project.pk) or StudyPolicy(project=project)
        due = due_by_project.get(project.pk, {})
        modules: list[ModuleRow] = []
        ids: set[int] = set()
        if course is not None:
            for title, resources in _course_outline(course):
                row = ModuleRow(title=title)
                for rid, kind, resource_title, title_html, minutes, url in resources:
                    row.resources.append(
                        ResourceRow(
                            mark=learner_mark,
                            project_id=project.pk,
                            id=rid,
                            kind=kind,
                            title=resource_title,
                            credit_minutes=minutes,
                            due_on=due.get(rid),
                            url=url,
                            title_html=title_html,
                        )
                    )
                    ids.add(rid)
                modules.append(row)
        picked = [
            ResourceRow(
                mark=learner_mark,
                project_id=project.pk,
                id=rid,
                kind=kind,
                title=title,
                credit_minutes=minutes,
            )
            for project_id, rid, kind, title, minutes in picks
            if project_id == project.pk and rid not in ids
        ]
        out.append(
            Workspace(
                mark=learner_mark,
                enrollment=enrollment,
                course=course,
                open=opening.open,
                reason=opening.reason,
                required_units=policy.required_units,
                minutes_per_unit=policy.minutes_per_unit,
                daily_cap_minutes=policy.daily_cap_minutes,
                modules=modules,
                due=sorted(
                    (r for m in modules for r in m.resources if r.due_on),
                    key=lambda r: (r.due_on, r.title),
                ),
                picked=picked,
            )
        )
    return out


# --- The player ---------------------------------------------------------------------------------------------


def catalog(*, learner) -> list[tuple[Course, list[dict]]]:
    """Approved, open courses of the learner's projects outside their own subject, to pick from (LRN-4)."""
    projects = Enrollment.objects.filter(
        user=learner, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
    )
    own_subjects = projects.values("subject_id")
    courses = (
        Course.objects.filter(
            provider_subject__project__in=projects.values("project_id"), approved_version__isnull=False
        )
        .exclude(provider_subject__subject__in=own_subjects)
        .select_related("approved_version", "provider_subject__subject", "provider_subject__provider")
    )
    out = []
    for course in courses:
        if not subject_opening(subject=course.provider_subject.subject, course=course).open:
            continue
        entries = [r for m in course.approved_version.snapshot["modules"] for r in m["resources"]]
        out.append((course, entries))
    return out


# --- Records (LRN-3) ----------------------------------------------------------------------------------------


def record_access(*, actor, learner_id: int, project: Project | None = None) -> list[Enrollment]:
    """The learner's enrollments the actor may see the records of: their own, or those in the actor's
    scope (an admin above them, their class's tutor). 404 when none: nobody learns whom they cannot see."""
    qs = Enrollment.objects.filter(user_id=learner_id, role=Enrollment.Role.LEARNER).select_related(
        "project", "subject", "user", "region"
    )
    if project is not None:
        qs = qs.filter(project=project)
    if actor.pk != learner_id:
        qs = visible(actor=actor, model=Enrollment, perm=Perm.STUDY_RECORDS_VIEW, queryset=qs)
    rows = list(qs)
    if not rows:
        raise Http404
    return rows


@dataclass
class Record:
    enrollment: Enrollment
    credited_seconds: int
    units: float
    required_units: int
    sessions: int
    journal_entries: int
    by_reason: dict[str, tuple[int, int]]  # reason: (seconds not credited, how many times)
    intervals: list[CreditInterval]
    days: list[tuple[dt.date, int]]
    activities: list = field(default_factory=list)  # records.ActivitySection of the apps above


def record(*, enrollment: Enrollment, limit: int = 500) -> Record:
    learner, project = enrollment.user, enrollment.project
    policy = policy_for(project)
    credited = (
        StudyTotal.objects.filter(learner=learner, project=project).aggregate(s=Sum("seconds"))["s"] or 0
    )
    ledger = CreditInterval.objects.filter(learner=learner, project=project)
    by_reason = {
        reason: (seconds, times)
        for reason, seconds, times in ledger.exclude(reason=Reason.CREDITED)
        .values("reason")
        .annotate(s=Sum("uncredited_seconds"), n=Count("id"))
        .values_list("reason", "s", "n")
    }
    days = list(
        StudyTotal.objects.filter(learner=learner, project=project)
        .values("day")
        .annotate(s=Sum("seconds"))
        .order_by("-day")
        .values_list("day", "s")
    )
    return Record(
        enrollment=enrollment,
        credited_seconds=credited,
        units=units(credited, policy.minutes_per_unit),
        required_units=policy.required_units,
        sessions=StudySession.objects.filter(learner=learner, project=project).count(),
        journal_entries=JournalEntry.objects.filter(learner=learner, project=project).count(),
        by_reason=by_reason,
        intervals=list(ledger.select_related("resource").order_by("-started_at", "-id")[:limit]),
        days=days,
        activities=records.activity(enrollment),
    )


@dataclass
class ClassRow:
    """One learner of a class as the tutor reads them (班级学习情况)."""

    enrollment: Enrollment
    seconds: int  # 上网学时: credited online time
    units: float
    required: int
    journal: int
    studying_now: bool
    plan_total: int  # items of the class's plans
    plan_done: int
    overdue: int  # items past their day and not done
    due_soon: int  # items due within deadlines.DUE_SOON_DAYS and not done

    @property
    def name(self) -> str:
        return self.enrollment.user.real_name

    @property
    def seconds_display(self) -> str:
        return duration(self.seconds)

    @property
    def behind(self) -> bool:
        """Behind the plan: an item past its day is not done."""
        return self.overdue > 0


@dataclass
class PlanItemRow:
    """A plan item for the tutor: its deadline and how many of the class have not done it."""

    item: PlanItem
    state: str  # deadlines.OVERDUE, SOON or ""
    note: str
    not_done: int


# The columns the class table sorts by: ?sort=<key>, "-<key>" for descending.
CLASS_SORTS = {
    "name": lambda r: (r.name, r.enrollment.pk),
    "units": lambda r: (r.units, r.seconds),
    "seconds": lambda r: r.seconds,
    "plan": lambda r: (r.plan_done, -r.overdue),
    "overdue": lambda r: (r.overdue, r.due_soon),
    "journal": lambda r: r.journal,
    "studying": lambda r: r.studying_now,
}


@dataclass
class ClassStudy:
    rows: list[ClassRow]  # sorted, and only those behind the plan when asked
    items: dict[int, PlanItemRow]  # by plan item id
    learners: int  # the class's learners the actor may see, before any filter
    behind: int  # of them, behind the plan


def class_records(*, actor, training_class, sort: str = "", behind_only: bool = False) -> ClassStudy:
    """Per learner of a class: credited time and 学时, journal entries, whether studying now, and how they
    stand with the class's plans (the tutor's view), sorted by a CLASS_SORTS key (unknown keys: by name);
    and per plan item, how many have not done it."""
    members = ClassMembership.objects.filter(training_class=training_class).values("enrollment_id")
    enrollments = list(
        visible(
            actor=actor,
            model=Enrollment,
            perm=Perm.STUDY_RECORDS_VIEW,
            queryset=Enrollment.objects.filter(pk__in=members).select_related("user"),
        )
    )
    project = training_class.project
    policy = policy_for(project)
    users = [e.user_id for e in enrollments]
    credited = dict(
        StudyTotal.objects.filter(project=project, learner_id__in=users)
        .values("learner_id")
        .annotate(s=Sum("seconds"))
        .values_list("learner_id", "s")
    )
    journals = dict(
        JournalEntry.objects.filter(project=project, learner_id__in=users)
        .values("learner_id")
        .annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    studying = set(
        StudySession.objects.filter(project=project, learner_id__in=users, ended_at__isnull=True).values_list(
            "learner_id", flat=True
        )
    )
    items, done = plan_progress(training_class=training_class, users=users)
    today = timezone.localdate()
    rows = []
    for e in enrollments:
        mine = done.get(e.user_id, set())
        open_items = [i for i in items if i.resource_id not in mine]
        rows.append(
            ClassRow(
                enrollment=e,
                seconds=credited.get(e.user_id, 0) or 0,
                units=units(credited.get(e.user_id, 0) or 0, policy.minutes_per_unit),
                required=policy.required_units,
                journal=journals.get(e.user_id, 0),
                studying_now=e.user_id in studying,
                plan_total=len(items),
                plan_done=len(items) - len(open_items),
                overdue=sum(deadlines.due_state(i.due_on, today) == deadlines.OVERDUE for i in open_items),
                due_soon=sum(deadlines.due_state(i.due_on, today) == deadlines.SOON for i in open_items),
            )
        )
    plan_items = {}
    for item in PlanItem.objects.filter(plan__training_class=training_class).select_related("resource"):
        not_done = sum(1 for u in users if item.resource_id not in done.get(u, set()))
        plan_items[item.pk] = PlanItemRow(
            item=item,
            state=deadlines.due_state(item.due_on, today) if not_done else "",
            note=deadlines.due_note(item.due_on, today) if not_done else "",
            not_done=not_done,
        )
    everyone = len(rows)
    behind = sum(r.behind for r in rows)
    if behind_only:
        rows = [r for r in rows if r.behind]
    key = sort.lstrip("-")
    descending = sort.startswith("-") and key in CLASS_SORTS
    rows.sort(key=CLASS_SORTS.get(key, CLASS_SORTS["name"]), reverse=descending)
    return ClassStudy(rows=rows, items=plan_items, learners=everyone, behind=behind)


def plan_progress(*, training_class, users: list[int]) -> tuple[list[PlanItem], dict[int, set[int]]]:
    """The class's plan items (one per resource, the earliest deadline) and, per learner, the resources of
    them they have done (credited their creditable minutes)."""
    items: dict[int, PlanItem] = {}
    for item in PlanItem.objects.filter(plan__training_class=training_class).select_related("resource"):
        if item.resource_id not in items or item.due_on < items[item.resource_id].due_on:
            items[item.resource_id] = item
    need = {rid: i.resource.credit_minutes * 60 for rid, i in items.items()}
    done: dict[int, set[int]] = {}
    totals = (
        StudyTotal.objects.filter(project=training_class.project, learner_id__in=users, resource_id__in=need)
        .values("learner_id", "resource_id")
        .annotate(s=Sum("seconds"))
        .values_list("learner_id", "resource_id", "s")
    )
    for learner_id, resource_id, seconds in totals:
        if seconds >= need[resource_id]:
            done.setdefault(learner_id, set()).add(resource_id)
    return sorted(items.values(), key=lambda i: (i.due_on, i.pk)), done


def resource_title(resource_id: int) -> str:
    return Resource.objects.filter(pk=resource_id).values_list("title", flat=True).first() or ""


def journal_visible(*, actor, learner_id: int, project: Project):
    record_access(actor=actor, learner_id=learner_id, project=project)
    return JournalEntry.objects.filter(learner_id=learner_id, project=project).select_related("resource")


def get_enrollment_or_404(*, actor, pk):
    return get_visible_or_404(actor=actor, model=Enrollment, perm=Perm.STUDY_RECORDS_VIEW, pk=pk)


@dataclass
class ClassStudySummary:
    """A class's study in figures (for briefings and reports above learning): its learners, how many have
    started, their credited time and how many have reached the required 学时."""

    learners: int = 0
    started: int = 0
    seconds: int = 0
    reached: int = 0
    minutes_per_unit: int = 45
    required_units: int = 50

    @property
    def average_units(self) -> float:
        return units(self.seconds // self.learners, self.minutes_per_unit) if self.learners else 0.0


def class_study_summaries(*, project: Project, class_ids) -> dict[int, ClassStudySummary]:
    """Per class of the project (by id): the study of its current learners (withdrawn ones left out). Three
    queries whatever the number of classes."""
    policy = policy_for(project)
    members = list(
        ClassMembership.objects.filter(
            training_class_id__in=list(class_ids),
            training_class__project=project,
            enrollment__withdrawn_at__isnull=True,
        ).values_list("training_class_id", "enrollment__user_id")
    )
    credited = dict(
        StudyTotal.objects.filter(project=project, learner_id__in={u for _c, u in members})
        .values("learner_id")
        .annotate(s=Sum("seconds"))
        .values_list("learner_id", "s")
    )
    required_seconds = policy.required_units * policy.minutes_per_unit * 60
    out = {
        class_id: ClassStudySummary(
            minutes_per_unit=policy.minutes_per_unit, required_units=policy.required_units
        )
        for class_id in class_ids
    }
    for class_id, user_id in members:
        row = out[class_id]
        seconds = credited.get(user_id) or 0
        row.learners += 1
        row.started += seconds > 0
        row.seconds += seconds
        row.reached += seconds >= required_seconds
    return out
