"""Pages of the accounts app: login, activation with a code, password reset by SMS, people, code export."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from teachnet.core.forms import add_service_errors
from teachnet.core.selectors import task_progress_for_owner
from teachnet.core.services import progress_start, run_in_background

from . import services
from .forms import (
    ActivationCompleteForm,
    ActivationStartForm,
    CodesExportForm,
    LoginForm,
    PersonForm,
    ResetCompleteForm,
    ResetStartForm,
    RoleGrantForm,
    UserSearchForm,
)
from .models import RoleAssignment, User
from .permissions import can, get_visible_or_404, has_any, may_issue_account, visible
from .roles import Perm
from .selectors import issuable_regions, user_list_visible
from .tasks import export_activation_codes


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def activate(request):
    form = ActivationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.activation_start(
                code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The session keeps the code's row id, never the code itself.
            request.session["activation_id"] = record.pk
            request.session["activation_phone"] = record.user.phone_masked
            return redirect("accounts:activate_complete")
    return render(request, "accounts/activate.html", {"form": form})


@require_http_methods(["GET", "POST"])
def activate_complete(request):
    activation_id = request.session.get("activation_id")
    if not activation_id:
        return redirect("accounts:activate")
    form = ActivationCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activation_complete(
                activation_id=activation_id,
                sms_code=form.cleaned_data["sms_code"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop("activation_id", None)
            login(request, user, backend="teachnet.accounts.backends.UsernameOrPhoneBackend")
            messages.success(
                request, _("账号已激活。您的用户名是 %(u)s，也可以用手机号登录。") % {"u": user.username}
            )
            return redirect("core:home")
    return render(
        request,
        "accounts/activate_complete.html",
        {"form": form, "phone_masked": request.session.get("activation_phone", "")},
    )


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = ResetStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_start(phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["reset_phone"] = form.cleaned_data["phone"]
            return redirect("accounts:password_reset_complete")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_complete(request):
    phone = request.session.get("reset_phone")
    if not phone:
        return redirect("accounts:password_reset")
    form = ResetCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                phone=phone, sms_code=form.cleaned_data["sms_code"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop("reset_phone", None)
            messages.success(request, _("密码已重设，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_complete.html", {"form": form})


@login_required
def profile(request):
    return _person_page(request, request.user)


@login_required
def user_list(request):
    if not has_any(actor=request.user, perm=Perm.USER_VIEW):
        raise Http404
    form = UserSearchForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {}) or {}
    qs = user_list_visible(actor=request.user, q=data.get("q", ""), region_prefix=data.get("region", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


def _person_page(request, person, **extra):
    assignments = visible(actor=request.user, model=RoleAssignment, perm=Perm.ROLE_VIEW).filter(user=person)
    context = {
        "person": person,
        "numbers": None,
        "is_self": person.pk == request.user.pk,
        "may_reveal": can(actor=request.user, perm=Perm.USER_VIEW_PII, obj=person),
        "may_issue": person.activated_at is None
        and can(actor=request.user, perm=Perm.ACCOUNT_ISSUE, obj=person),
        "assignments": assignments.select_related("region", "organization", "project"),
        "role_form": RoleGrantForm(actor=request.user)
        if has_any(actor=request.user, perm=Perm.ROLE_ASSIGN)
        else None,
    }
    context.update(extra)
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_detail(request, pk):
    person = get_visible_or_404(actor=request.user, model=User, perm=Perm.USER_VIEW, pk=pk)
    numbers = None
    if request.GET.get("reveal") == "1":
        try:
            numbers = services.personal_data_disclose(
                actor=request.user, person=person, ip_address=request.META.get("REMOTE_ADDR")
            )
        except PermissionDenied:
            numbers = None
    return _person_page(request, person, numbers=numbers)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    if not has_any(actor=request.user, perm=Perm.ACCOUNT_ISSUE):
        raise Http404
    form = PersonForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not may_issue_account(
            actor=request.user, organization=data["organization"], region=data["region"]
        ):
            form.add_error("organization", _("您只能在自己负责的单位或地区开设账号。"))
        else:
            try:
                person = services.user_create(**data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已开设账号：%(name)s。请为其生成激活码。") % {"name": person.real_name}
                )
                return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def user_issue_code(request, pk):
    person = get_visible_or_404(actor=request.user, model=User, perm=Perm.ACCOUNT_ISSUE, pk=pk)
    try:
        issued = services.activation_code_issue_one(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:user_detail", pk=person.pk)
    response = _person_page(request, person, issued_code=services.code_format(issued.code), issued=issued)
    response["Cache-Control"] = "no-store"  # the code is shown once and must not sit in a cache
    return response


@login_required
@require_POST
def role_grant(request, pk):
    person = get_visible_or_404(actor=request.user, model=User, perm=Perm.USER_VIEW, pk=pk)
    form = RoleGrantForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.role_assign(actor=request.user, user=person, **form.scope())
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已授予角色。"))
            return redirect("accounts:user_detail", pk=person.pk)
    return _person_page(request, person, role_form=form)


@login_required
@require_POST
def role_revoke(request, pk, assignment_id):
    person = get_visible_or_404(actor=request.user, model=User, perm=Perm.USER_VIEW, pk=pk)
    assignment = get_visible_or_404(
        actor=request.user,
        model=RoleAssignment,
        perm=Perm.ROLE_VIEW,
        pk=assignment_id,
        queryset=RoleAssignment.objects.filter(user=person),
    )
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤销角色。"))
    return redirect("accounts:user_detail", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def codes_export(request):
    regions = issuable_regions(actor=request.user)
    if not regions.exists():
        raise Http404
    form = CodesExportForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        task = progress_start(
            owner=request.user, kind="activation_codes", title=_("导出激活码：%(r)s") % {"r": region.name}
        )
        run_in_background(
            export_activation_codes,
            str(task.pk),
            request.user.pk,
            region.code,
            request.build_absolute_uri(reverse("accounts:activate")),
            get_language(),
        )
        # Redirect, so that reloading the page cannot re-issue (and so revoke) the codes just exported.
        return redirect(f"{reverse('accounts:codes_export')}?task={task.pk}")
    task = (
        task_progress_for_owner(actor=request.user, progress_id=request.GET["task"])
        if "task" in request.GET
        else None
    )
    return render(request, "accounts/codes_export.html", {"form": form, "task": task})
