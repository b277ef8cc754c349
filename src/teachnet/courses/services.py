"""Writes of the courses app (TRN-4): building a course of modules and resources, submitting it, the review.

The rules a course meets before it is submitted (GP 五.4(2)): at least 50 hours of creditable resources, of
which at least 25 hours video, built by a submitted expert team. A submission freezes the course as a
version; reviewers comment per resource and approve or return it; a change to an approved course takes it
back to editing, to be submitted and reviewed again, while learners keep the approved version.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, ProtectedError, Q, Sum
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm
from teachnet.core.media import MediaError, incoming_media
from teachnet.core.services import audit_record
from teachnet.core.text import one_line
from teachnet.training.models import ProviderSubject

from .models import Course, CourseVersion, Module, Resource, ReviewComment

COURSE_MIN_MINUTES = 50 * 60
VIDEO_MIN_MINUTES = 25 * 60
# A document, an article or a live session counts at most this long; a video at most its own length.
RESOURCE_MAX_MINUTES = 8 * 60
FILE_KINDS = {Resource.Kind.VIDEO: {"video"}, Resource.Kind.DOCUMENT: {"pdf", "office"}}
_TAG = re.compile(r"<[a-zA-Z/!]")
ARTICLE_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}  # no images fetched from elsewhere


@dataclass(frozen=True)
class Totals:
    total_minutes: int
    video_minutes: int

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 1)

    @property
    def video_hours(self) -> float:
        return round(self.video_minutes / 60, 1)


# --- Who may do what ----------------------------------------------------------------------------------------


def may_edit(*, actor, course: Course) -> bool:
    return can(actor=actor, perm=Perm.COURSE_MANAGE, obj=course)


def may_review(*, actor, course: Course) -> bool:
    return can(actor=actor, perm=Perm.COURSE_REVIEW, obj=course)


def _refuse_edit(*, actor, course: Course) -> None:
    """Say why a change is refused: not the builder's course, or in review. An approved course may change:
    the change takes it back to editing (and so back to review)."""
    if not may_edit(actor=actor, course=course):
        raise PermissionDenied(_("只有承担单位的管理员和专家可以编辑课程。"))
    if course.status == Course.Status.IN_REVIEW:
        raise ValidationError(_("课程正在审核中，审核结束（通过或退回）后才能修改。"), code="in_review")


def _check_edit(*, actor, course: Course) -> Course:
    """Lock the course row for a change, judged on the locked row."""
    if not may_edit(actor=actor, course=course):
        raise PermissionDenied(_("只有承担单位的管理员和专家可以编辑课程。"))
    locked = Course.objects.select_for_update().get(pk=course.pk)
    _refuse_edit(actor=actor, course=locked)
    return locked


def _changed(*, actor, course: Course, what: str, data: dict | None = None) -> None:
    if course.status == Course.Status.APPROVED:
        course.status = Course.Status.DRAFT
        audit_record(actor=actor, verb="course.reopened", target=course, data={"by": what})
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb=f"course.{what}", target=course, data=data or {})


# --- The course and its modules -----------------------------------------------------------------------------


@transaction.atomic
def course_ensure(*, actor, provider_subject: ProviderSubject) -> Course:
    """The course of a provider's subject, started (empty, with its first module) when first asked for."""
    existing = Course.objects.filter(provider_subject=provider_subject).first()
    if existing is not None:
        return existing
    if not can(actor=actor, perm=Perm.COURSE_MANAGE, obj=provider_subject):
        raise PermissionDenied(_("只有承担单位的管理员和专家可以创建课程。"))
    course = Course.objects.create(
        provider_subject=provider_subject,
        title=_("%(subject)s远程培训课程") % {"subject": provider_subject.subject.label},
    )
    Module.objects.create(course=course, title=_("模块一"), position=1)
    audit_record(actor=actor, verb="course.created", target=course)
    return course


@transaction.atomic
def course_update(*, actor, course: Course, title: str, description: str = "") -> Course:
    course = _check_edit(actor=actor, course=course)
    title = one_line(title)
    if not title:
        raise ValidationError({"title": _("请填写课程名称。")})
    course.title, course.description = title[:200], (description or "").strip()
    course.save(update_fields=["title", "description", "updated_at"])
    _changed(actor=actor, course=course, what="updated")
    return course


@transaction.atomic
def module_add(*, actor, course: Course, title: str) -> Module:
    course = _check_edit(actor=actor, course=course)
    title = one_line(title)
    if not title:
        raise ValidationError({"title": _("请填写模块名称。")})
    last = course.modules.aggregate(m=Max("position"))["m"] or 0
    module = Module.objects.create(course=course, title=title[:200], position=last + 1)
    _changed(actor=actor, course=course, what="module_added", data={"module": module.pk, "title": title})
    return module


@transaction.atomic
def module_rename(*, actor, module: Module, title: str) -> Module:
    course = _check_edit(actor=actor, course=module.course)
    title = one_line(title)
    if not title:
        raise ValidationError({"title": _("请填写模块名称。")})
    module.title = title[:200]
    module.save(update_fields=["title"])
    _changed(actor=actor, course=course, what="module_renamed", data={"module": module.pk, "title": title})
    return module


@transaction.atomic
def module_remove(*, actor, module: Module) -> None:
    course = _check_edit(actor=actor, course=module.course)
    if module.resources.exists():
        raise ValidationError(_("模块“%(title)s”中还有资源，请先移走或删除。") % {"title": module.title})
    data = {"module": module.pk, "title": module.title}
    module.delete()
    _changed(actor=actor, course=course, what="module_removed", data=data)


def _swap(queryset, obj, direction: str) -> bool:
    """Move `obj` one place up or down among `queryset` (ordered by position): positions are renumbered
    1..n first, so rows added or removed earlier leave no gaps or ties."""
    rows = list(queryset)
    for i, row in enumerate(rows, start=1):
        if row.position != i:
            type(row).objects.filter(pk=row.pk).update(position=i)
            row.position = i
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return False
    a, b = rows[index], rows[other]
    type(a).objects.filter(pk=a.pk).update(position=b.position)
    type(b).objects.filter(pk=b.pk).update(position=a.position)
    return True


@transaction.atomic
def module_move(*, actor, module: Module, direction: str) -> None:
    course = _check_edit(actor=actor, course=module.course)
    if _swap(course.modules.order_by("position", "id"), module, direction):
        _changed(actor=actor, course=course, what="module_moved", data={"module": module.pk})


# --- Resources ----------------------------------------------------------------------------------------------


def _credit(value, *, cap: int, cap_message: str) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"credit_minutes": _("请填写计学时长（整数分钟）。")}) from None
    if minutes < 1:
        raise ValidationError({"credit_minutes": _("计学时长至少 1 分钟。")})
    if minutes > cap:
        raise ValidationError({"credit_minutes": cap_message % {"cap": cap}})
    return minutes


def video_minutes_cap(duration_seconds: float) -> int:
    """A video credits at most its own length, in whole minutes rounded up (a 44:10 video: 45)."""
    return max(1, math.ceil(duration_seconds / 60))


def _article_body(body: str) -> str:
    body = (body or "").strip()
    if not _TAG.search(body):
        body = linebreaks(body, autoescape=True)  # plain text: paragraphs, escaped
    clean = nh3.clean(body, tags=ARTICLE_TAGS, link_rel="noopener noreferrer").strip()
    if not nh3.clean(clean, tags=set()).strip():
        raise ValidationError({"body": _("请填写文章正文。")})
    return clean


def _live_fields(url: str, starts_at: dt.datetime | None) -> tuple[str, dt.datetime]:
    url = (url or "").strip()
    errors = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = _("请填写以 http:// 或 https:// 开头的直播链接。")
    if starts_at is None:
        errors["starts_at"] = _("请填写直播开始时间。")
    if errors:
        raise ValidationError(errors)
    return url, starts_at


def _store_upload(upload, kind: str) -> dict:
    """Check an uploaded file by its content and store it; the facts to keep on the resource. Nothing is
    kept of a file that is refused."""
    if upload is None:
        field = _("视频") if kind == Resource.Kind.VIDEO else _("文档")
        raise ValidationError({"upload": _("请选择要上传的%(what)s文件。") % {"what": field}})
    try:
        with incoming_media(upload, kinds=FILE_KINDS[kind]) as media:
            path = media.store("courses")
            return {
                "file": path,
                "file_name": Path(upload.name or "").name[:255],
                "mime": media.mime,
                "size": media.size,
                "sha256": media.sha256,
                "duration_seconds": media.video.duration_seconds if media.video else None,
            }
    except MediaError as exc:
        raise ValidationError({"upload": str(exc)}) from exc


def _resource_fields(
    *,
    kind: str,
    credit_minutes,
    upload=None,
    body: str = "",
    url: str = "",
    starts_at: dt.datetime | None = None,
    current: Resource | None = None,
) -> dict:
    """Validated fields for a resource of `kind`: a new file when one is uploaded (a video's credit then
    defaults to its length), otherwise the current resource's."""
    fields: dict = {}
    if kind in FILE_KINDS:
        if upload is not None or current is None:
            fields.update(_store_upload(upload, kind))
        if kind == Resource.Kind.VIDEO:
            duration = fields.get("duration_seconds") or current.duration_seconds
            cap = video_minutes_cap(duration)
            if credit_minutes in (None, ""):
                credit_minutes = cap
            fields["credit_minutes"] = _credit(
                credit_minutes, cap=cap, cap_message=_("视频计学时长不能超过视频本身的长度（%(cap)d 分钟）。")
            )
            return fields
    elif kind == Resource.Kind.ARTICLE:
        fields["body"] = _article_body(body)
    elif kind == Resource.Kind.LIVE:
        fields["url"], fields["starts_at"] = _live_fields(url, starts_at)
    else:
        raise ValidationError({"kind": _("请选择资源类型。")})
    fields["credit_minutes"] = _credit(
        credit_minutes, cap=RESOURCE_MAX_MINUTES, cap_message=_("单个资源的计学时长不能超过 %(cap)d 分钟。")
    )
    return fields


def _title(title: str, fallback: str = "") -> str:
    title = one_line(title) or one_line(Path(fallback).stem)
    if not title:
        raise ValidationError({"title": _("请填写资源标题。")})
    return title[:200]


def resource_add(
    *,
    actor,
    module: Module,
    kind: str,
    title: str = "",
    credit_minutes=None,
    upload=None,
    body: str = "",
    url: str = "",
    starts_at: dt.datetime | None = None,
) -> Resource:
    """Add a resource at the end of a module. A file is checked (and a video probed) before the course is
    locked, so a long upload check holds no lock; a refused file leaves nothing behind."""
    _refuse_edit(actor=actor, course=module.course)  # before the file check; judged again under the lock
    if kind not in Resource.Kind.values:
        raise ValidationError({"kind": _("请选择资源类型。")})
    title = _title(title, fallback=getattr(upload, "name", "") or "")
    fields = _resource_fields(
        kind=kind, credit_minutes=credit_minutes, upload=upload, body=body, url=url, starts_at=starts_at
    )
    with transaction.atomic():
        course = _check_edit(actor=actor, course=module.course)
        last = module.resources.aggregate(m=Max("position"))["m"] or 0
        resource = Resource.objects.create(
            course=course, module=module, kind=kind, title=title, position=last + 1, **fields
        )
        _changed(
            actor=actor,
            course=course,
            what="resource_added",
            data={"resource": resource.pk, "kind": kind, "title": resource.title, "sha256": resource.sha256},
        )
    return resource


def resource_update(
    *,
    actor,
    resource: Resource,
    title: str,
    credit_minutes=None,
    upload=None,
    body: str = "",
    url: str = "",
    starts_at: dt.datetime | None = None,
    module: Module | None = None,
) -> Resource:
    """Change a resource (a new file replaces the old one; the old stays on disk for the versions that
    name it)."""
    _refuse_edit(actor=actor, course=resource.course)
    if module is not None and module.course_id != resource.course_id:
        raise ValidationError({"module": _("只能移到本课程的模块。")})
    title = _title(title, fallback=getattr(upload, "name", "") or resource.title)
    if resource.kind == Resource.Kind.ARTICLE and not body:
        body = resource.body
    if resource.kind == Resource.Kind.LIVE:
        url, starts_at = url or resource.url, starts_at or resource.starts_at
    fields = _resource_fields(
        kind=resource.kind,
        credit_minutes=credit_minutes,
        upload=upload,
        body=body,
        url=url,
        starts_at=starts_at,
        current=resource,
    )
    with transaction.atomic():
        course = _check_edit(actor=actor, course=resource.course)
        before = {
            "title": resource.title,
            "credit_minutes": resource.credit_minutes,
            "sha256": resource.sha256,
        }
        resource.title = title
        for name, value in fields.items():
            setattr(resource, name, value)
        if module is not None and module.pk != resource.module_id:
            resource.module = module
            resource.position = (module.resources.aggregate(m=Max("position"))["m"] or 0) + 1
        resource.save()
        _changed(
            actor=actor,
            course=course,
            what="resource_changed",
            data={"resource": resource.pk, "before": before, "sha256": resource.sha256},
        )
    return resource


@transaction.atomic
def resource_remove(*, actor, resource: Resource) -> None:
    course = _check_edit(actor=actor, course=resource.course)
    data = {"resource": resource.pk, "kind": resource.kind, "title": resource.title}
    try:
        with transaction.atomic():
            resource.delete()  # the file stays: the versions that name it can still be opened
    except ProtectedError as exc:  # learners' study records name it (LRN-1)
        raise ValidationError(
            _("已有学员学习了“%(title)s”，它不能删除（可以修改或替换文件）。") % {"title": resource.title},
            code="studied",
        ) from exc
    _changed(actor=actor, course=course, what="resource_removed", data=data)


@transaction.atomic
def resource_move(*, actor, resource: Resource, direction: str) -> None:
    course = _check_edit(actor=actor, course=resource.course)
    siblings = Resource.objects.filter(module_id=resource.module_id).order_by("position", "id")
    if _swap(siblings, resource, direction):
        _changed(actor=actor, course=course, what="resource_moved", data={"resource": resource.pk})


# --- Totals, the submission check, versions -----------------------------------------------------------------


def course_totals(*, course: Course) -> Totals:
    sums = course.resources.aggregate(
        total=Sum("credit_minutes"),
        video=Sum("credit_minutes", filter=Q(kind=Resource.Kind.VIDEO)),
    )
    return Totals(total_minutes=sums["total"] or 0, video_minutes=sums["video"] or 0)


def course_problems(*, course: Course) -> list[str]:
    """What keeps the course from being submitted (empty when nothing does)."""
    problems = []
    # The row is asked, not the caller's copy, which may predate the team's submission.
    if not ProviderSubject.objects.filter(pk=course.provider_subject_id, submitted_at__isnull=False).exists():
        problems.append(_("请先组建并提交本学科的专家团队。"))
    totals = course_totals(course=course)
    if totals.total_minutes < COURSE_MIN_MINUTES:
        problems.append(
            _("课程资源应不少于 %(min)d 学时，现有 %(have)s 学时。")
            % {"min": COURSE_MIN_MINUTES // 60, "have": totals.total_hours}
        )
    if totals.video_minutes < VIDEO_MIN_MINUTES:
        problems.append(
            _("视频课程应不少于 %(min)d 学时，现有 %(have)s 学时。")
            % {"min": VIDEO_MIN_MINUTES // 60, "have": totals.video_hours}
        )
    return problems


def course_snapshot(*, course: Course) -> dict:
    """The course as it stands, in the form a version keeps (files are named by their stored path, which
    never changes content: paths are content hashes)."""
    modules = []
    resources_by_module: dict[int, list[dict]] = {}
    for r in course.resources.order_by("position", "id"):
        resources_by_module.setdefault(r.module_id, []).append(
            {
                "id": r.pk,
                "kind": r.kind,
                "title": r.title,
                "credit_minutes": r.credit_minutes,
                "file": r.file,
                "file_name": r.file_name,
                "mime": r.mime,
                "size": r.size,
                "sha256": r.sha256,
                "duration_seconds": r.duration_seconds,
                "body": r.body,
                "url": r.url,
                "starts_at": r.starts_at.isoformat() if r.starts_at else None,
            }
        )
    for m in course.modules.order_by("position", "id"):
        modules.append({"id": m.pk, "title": m.title, "resources": resources_by_module.get(m.pk, [])})
    return {"title": course.title, "description": course.description, "modules": modules}


@transaction.atomic
def course_submit(*, actor, course: Course) -> CourseVersion:
    course = _check_edit(actor=actor, course=course)
    if course.status == Course.Status.APPROVED:
        raise ValidationError(_("课程已通过审核，没有需要提交的修改。"), code="approved")
    problems = course_problems(course=course)
    if problems:
        raise ValidationError(problems, code="course_incomplete")
    totals = course_totals(course=course)
    course.version += 1
    version = CourseVersion.objects.create(
        course=course,
        number=course.version,
        snapshot=course_snapshot(course=course),
        total_minutes=totals.total_minutes,
        video_minutes=totals.video_minutes,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    course.status = Course.Status.IN_REVIEW
    course.save(update_fields=["version", "status", "updated_at"])
    audit_record(
        actor=actor,
        verb="course.submitted",
        target=course,
        data={"version": version.number, "minutes": totals.total_minutes, "video": totals.video_minutes},
    )
    return version


# --- Review -------------------------------------------------------------------------------------------------


def _check_review(*, actor, course: Course) -> Course:
    if not may_review(actor=actor, course=course):
        raise PermissionDenied(_("只有项目办的审核专家可以审核课程。"))
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.status != Course.Status.IN_REVIEW:
        raise ValidationError(_("课程不在审核中。"), code="not_in_review")
    return locked


@transaction.atomic
def comment_add(
    *,
    actor,
    course: Course,
    body: str,
    resource: Resource | None = None,
    reply_to: ReviewComment | None = None,
) -> ReviewComment:
    """A reviewer comments while the course is in review; the provider answers a comment (any time the
    course is not approved). Both sides see the whole thread."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写意见内容。")})
    if resource is not None and resource.course_id != course.pk:
        raise ValidationError({"resource": _("资源不属于这门课程。")})
    if reply_to is not None:
        if reply_to.course_id != course.pk:
            raise ValidationError({"reply_to": _("意见不属于这门课程。")})
        resource = reply_to.resource
    by_reviewer = may_review(actor=actor, course=course)
    if by_reviewer:
        course = _check_review(actor=actor, course=course)
    elif may_edit(actor=actor, course=course):
        if reply_to is None:
            raise ValidationError({"reply_to": _("承担单位只能回复审核意见。")})
        course = Course.objects.get(pk=course.pk)
    else:
        raise PermissionDenied(_("只有审核专家和承担单位可以发表意见。"))
    comment = ReviewComment.objects.create(
        course=course,
        version=course.version,
        resource=resource,
        resource_title=resource.title if resource else "",
        reply_to=reply_to,
        author=actor,
        by_reviewer=by_reviewer,
        body=body,
    )
    audit_record(actor=actor, verb="course.commented", target=course, data={"comment": comment.pk})
    return comment


def _decide(*, actor, course: Course, decision: str, note: str) -> CourseVersion:
    version = course.versions.get(number=course.version)
    version.decision = decision
    version.decided_by = actor
    version.decided_at = timezone.now()
    version.decision_note = note
    version.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    return version


@transaction.atomic
def course_return(*, actor, course: Course, note: str) -> CourseVersion:
    course = _check_review(actor=actor, course=course)
    note = (note or "").strip()
    has_comments = course.comments.filter(version=course.version, by_reviewer=True).exists()
    if not note and not has_comments:
        raise ValidationError({"note": _("退回时请写明修改意见（或先对资源提出意见）。")})
    version = _decide(actor=actor, course=course, decision=CourseVersion.Decision.RETURNED, note=note)
    course.status = Course.Status.RETURNED
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="course.returned", target=course, data={"version": version.number})
    return version


@transaction.atomic
def course_approve(*, actor, course: Course, note: str = "") -> CourseVersion:
    course = _check_review(actor=actor, course=course)
    version = _decide(
        actor=actor, course=course, decision=CourseVersion.Decision.APPROVED, note=(note or "").strip()
    )
    course.status = Course.Status.APPROVED
    course.approved_version = version
    course.save(update_fields=["status", "approved_version", "updated_at"])
    audit_record(actor=actor, verb="course.approved", target=course, data={"version": version.number})
    return version
