"""Pages of the courses app (TRN-4): the course workspace of a provider's subject (building, submitting,
answering comments), the reviewer queue and review, the versions, the files, and the learner's view of an
approved course."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import can, get_visible_or_404, has_any
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors
from teachnet.training.selectors import provider_subject_access

from . import selectors, services
from .files import resource_file_response, snapshot_file_response
from .forms import CommentForm, CourseForm, DecisionForm, ModuleForm, ResourceForm
from .models import Course, CourseVersion, Module, Resource, ReviewComment


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _module(request, course: Course, module_id) -> Module:
    return get_object_or_404(Module, pk=module_id, course=course)


def _resource(request, pk, perm: Perm = Perm.COURSE_VIEW) -> Resource:
    return get_visible_or_404(
        actor=request.user,
        model=Resource,
        perm=perm,
        pk=pk,
        queryset=Resource.objects.select_related("course__provider_subject__subject", "module"),
    )


# --- The course workspace -----------------------------------------------------------------------------------


@login_required
def for_provider_subject(request, ps_id):
    """The course of a provider's subject: opened if it exists, started (on POST) by those who build it."""
    provider_subject = provider_subject_access(actor=request.user, pk=ps_id, perm=Perm.COURSE_VIEW)
    course = selectors.provider_subject_course(provider_subject=provider_subject)
    if course is None:
        if request.method != "POST":
            return render(
                request,
                "courses/course_start.html",
                {
                    "ps": provider_subject,
                    "may_start": can(actor=request.user, perm=Perm.COURSE_MANAGE, obj=provider_subject),
                },
            )
        try:
            course = services.course_ensure(actor=request.user, provider_subject=provider_subject)
        except PermissionDenied as exc:
            raise Http404 from exc
    return redirect("courses:course", pk=course.pk)


def _course_page(request, course: Course, *, forms=None, status=200):
    forms = forms or {}
    may_edit = services.may_edit(actor=request.user, course=course)
    editable = may_edit and course.status != Course.Status.IN_REVIEW
    may_review = services.may_review(actor=request.user, course=course)
    reviewing = may_review and course.status == Course.Status.IN_REVIEW
    outline = selectors.course_outline(course=course)
    return render(
        request,
        "courses/course.html",
        {
            "course": course,
            "ps": course.provider_subject,
            "outline": outline,
            "general_comments": selectors.course_comments_general(course=course),
            "totals": services.course_totals(course=course),
            "limits": {"total": services.COURSE_MIN_MINUTES // 60, "video": services.VIDEO_MIN_MINUTES // 60},
            "problems": services.course_problems(course=course) if may_edit else [],
            "may_edit": may_edit,
            "editable": editable,
            "may_review": may_review,
            "reviewing": reviewing,
            "may_reply": may_edit and course.status != Course.Status.APPROVED,
            "course_form": forms.get("course") or CourseForm(instance=course),
            "module_form": forms.get("module") or ModuleForm(),
            "resource_form": forms.get("resource")
            or ResourceForm(modules=outline, initial={"module": outline[-1].pk if outline else None}),
            "decision_form": forms.get("decision") or DecisionForm(),
            "comment_form": CommentForm(),
            "versions": selectors.versions_with_changes(course=course),
            "kinds": Resource.Kind,
        },
        status=status,
    )


@login_required
def course_detail(request, pk):
    return _course_page(request, selectors.course_access(actor=request.user, pk=pk))


@login_required
@require_POST
def course_edit(request, pk):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_MANAGE)
    form = CourseForm(request.POST, instance=Course.objects.get(pk=course.pk))
    if form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("课程信息已保存。"))
            return redirect("courses:course", pk=course.pk)
    return _course_page(request, course, forms={"course": form}, status=400)


@login_required
@require_POST
def module_add(request, pk):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_MANAGE)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            services.module_add(actor=request.user, course=course, title=form.cleaned_data["title"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加模块。"))
            return redirect("courses:course", pk=course.pk)
    return _course_page(request, course, forms={"module": form}, status=400)


@login_required
@require_POST
def module_action(request, pk, module_id, action):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_MANAGE)
    module = _module(request, course, module_id)
    try:
        if action in ("up", "down"):
            services.module_move(actor=request.user, module=module, direction=action)
        elif action == "rename":
            services.module_rename(actor=request.user, module=module, title=request.POST.get("title", ""))
        elif action == "remove":
            services.module_remove(actor=request.user, module=module)
            messages.success(request, _("已删除模块。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect(f"{course_url(course)}#module-{module.pk}")


def course_url(course: Course) -> str:
    return reverse("courses:course", kwargs={"pk": course.pk})


@login_required
@require_POST
def resource_add(request, pk):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_MANAGE)
    form = ResourceForm(request.POST, request.FILES, modules=course.modules.order_by("position", "id"))
    if form.is_valid():
        data = form.cleaned_data
        module = _module(request, course, data["module"])
        try:
            resource = services.resource_add(
                actor=request.user,
                module=module,
                kind=data["kind"],
                title=data["title"],
                credit_minutes=data["credit_minutes"],
                upload=data["upload"],
                body=data["body"],
                url=data["url"],
                starts_at=data["starts_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已添加“%(title)s”，计 %(minutes)d 分钟。")
                % {"title": resource.title, "minutes": resource.credit_minutes},
            )
            return redirect(f"{course_url(course)}#module-{module.pk}")
    return _course_page(request, course, forms={"resource": form}, status=400)


@login_required
def resource_detail(request, resource_id):
    """A resource's preview, its comments, and (for those who build the course) its edit form."""
    resource = _resource(request, resource_id)
    course = selectors.course_access(actor=request.user, pk=resource.course_id)
    editable = (
        services.may_edit(actor=request.user, course=course) and course.status != Course.Status.IN_REVIEW
    )
    form = None
    status = 200
    modules = list(course.modules.order_by("position", "id"))
    if editable:
        initial = {
            "module": resource.module_id,
            "kind": resource.kind,
            "title": resource.title,
            "credit_minutes": resource.credit_minutes,
            "body": resource.body,
            "url": resource.url,
            "starts_at": resource.starts_at,
        }
        if request.method == "POST":
            form = ResourceForm(request.POST, request.FILES, modules=modules, kind_fixed=resource.kind)
            if form.is_valid():
                data = form.cleaned_data
                module = _module(request, course, data["module"])
                try:
                    services.resource_update(
                        actor=request.user,
                        resource=resource,
                        title=data["title"],
                        credit_minutes=data["credit_minutes"],
                        upload=data["upload"],
                        body=data["body"],
                        url=data["url"],
                        starts_at=data["starts_at"],
                        module=module,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("已保存“%(title)s”。") % {"title": resource.title})
                    return redirect("courses:resource", resource_id=resource.pk)
            status = 400
        else:
            form = ResourceForm(initial=initial, modules=modules, kind_fixed=resource.kind)
    elif request.method == "POST":
        raise PermissionDenied(_("课程正在审核中，审核结束（通过或退回）后才能修改。"))
    return render(
        request,
        "courses/resource.html",
        {
            "course": course,
            "resource": resource,
            "form": form,
            "file_url": _file_url(resource) if resource.file else "",
            "comments": resource.comments.select_related("author").order_by("created_at", "id"),
            "reviewing": services.may_review(actor=request.user, course=course)
            and course.status == Course.Status.IN_REVIEW,
            "may_reply": services.may_edit(actor=request.user, course=course)
            and course.status != Course.Status.APPROVED,
            "comment_form": CommentForm(),
        },
        status=status,
    )


def _file_url(resource: Resource) -> str:
    return reverse("courses:resource_file", kwargs={"resource_id": resource.pk})


@login_required
@require_POST
def resource_action(request, resource_id, action):
    resource = _resource(request, resource_id, Perm.COURSE_MANAGE)
    course = resource.course
    try:
        if action in ("up", "down"):
            services.resource_move(actor=request.user, resource=resource, direction=action)
        elif action == "remove":
            services.resource_remove(actor=request.user, resource=resource)
            messages.success(request, _("已删除“%(title)s”。") % {"title": resource.title})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect(f"{course_url(course)}#module-{resource.module_id}")


@login_required
def resource_file(request, resource_id):
    """The current file of a resource, for those who build or review the course (range requests work, so a
    video can be sought)."""
    resource = _resource(request, resource_id)
    if not resource.file:
        raise Http404
    return resource_file_response(
        request, file=resource.file, kind=resource.kind, mime=resource.mime, file_name=resource.file_name
    )


# --- Submission and review ----------------------------------------------------------------------------------


@login_required
@require_POST
def course_submit(request, pk):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_MANAGE)
    try:
        version = services.course_submit(actor=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    else:
        messages.success(request, _("已提交第 %(n)d 版，等待项目办审核。") % {"n": version.number})
    return redirect("courses:course", pk=course.pk)


@login_required
@require_POST
def comment_add(request, pk):
    course = selectors.course_access(actor=request.user, pk=pk)
    form = CommentForm(request.POST)
    resource = reply_to = None
    if request.POST.get("resource"):
        resource = get_object_or_404(Resource, pk=request.POST["resource"], course=course)
    if request.POST.get("reply_to"):
        reply_to = get_object_or_404(ReviewComment, pk=request.POST["reply_to"], course=course)
    if not form.is_valid():
        messages.error(request, _("请填写意见内容。"))
    else:
        try:
            services.comment_add(
                actor=request.user,
                course=course,
                body=form.cleaned_data["body"],
                resource=resource,
                reply_to=reply_to,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages(exc))
        else:
            messages.success(request, _("意见已发表。"))
    back = request.POST.get("back")
    if back == "resource" and resource is not None:
        return redirect("courses:resource", resource_id=resource.pk)
    anchor = f"#resource-{resource.pk}" if resource else "#review"
    return redirect(f"{course_url(course)}{anchor}")


@login_required
@require_POST
def course_decide(request, pk, decision):
    course = selectors.course_access(actor=request.user, pk=pk, perm=Perm.COURSE_REVIEW)
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if decision == "approve":
            version = services.course_approve(actor=request.user, course=course, note=note)
            messages.success(request, _("已通过第 %(n)d 版。") % {"n": version.number})
        elif decision == "return":
            version = services.course_return(actor=request.user, course=course, note=note)
            messages.success(request, _("已退回第 %(n)d 版，等待承担单位修改。") % {"n": version.number})
        else:
            raise Http404
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _course_page(request, course, forms={"decision": form}, status=400)
    return redirect("courses:review_queue")


@login_required
def review_queue(request):
    if not has_any(actor=request.user, perm=Perm.COURSE_REVIEW):
        raise Http404
    queue = list(selectors.review_queue(actor=request.user))
    for course in queue:
        course.totals = services.course_totals(course=course)
    return render(
        request,
        "courses/review_queue.html",
        {"queue": queue, "decided": selectors.recently_decided(actor=request.user)},
    )


@login_required
def version_detail(request, pk, number):
    course = selectors.course_access(actor=request.user, pk=pk)
    version = get_object_or_404(CourseVersion, course=course, number=number)
    return render(
        request,
        "courses/version.html",
        {
            "course": course,
            "version": version,
            "snapshot": version.snapshot,
            "file_view": "courses:version_file",
        },
    )


@login_required
def version_file(request, pk, number, resource_id):
    """A file as a version named it: reviewers and builders for any version, a learner for the approved
    version of a course they study."""
    course = get_object_or_404(Course.objects.select_related("provider_subject__subject"), pk=pk)
    version = get_object_or_404(CourseVersion, course=course, number=number)
    allowed = can(actor=request.user, perm=Perm.COURSE_VIEW, obj=course) or (
        course.approved_version_id == version.pk
        and selectors.learner_may_study(user=request.user, course=course)
    )
    entry = selectors.snapshot_resource(version=version, resource_id=resource_id)
    if not allowed or entry is None or not entry.get("file"):
        raise Http404
    return snapshot_file_response(request, entry)


# --- Learners -----------------------------------------------------------------------------------------------


@login_required
def learner_courses(request):
    """Learners study from their workspace (the learning app), which lists these courses with their hours."""
    return redirect("learning:workspace")


@login_required
def course_study(request, pk):
    """The approved version of a course, for a learner whose training is open (TRN-4: never before the
    course is approved)."""
    course = get_object_or_404(Course.objects.select_related("provider_subject__subject"), pk=pk)
    if not selectors.learner_may_study(user=request.user, course=course):
        raise Http404
    version = course.approved_version
    return render(
        request,
        "courses/version.html",
        {
            "course": course,
            "version": version,
            "snapshot": version.snapshot,
            "file_view": "courses:version_file",
            "learner": True,
        },
    )
