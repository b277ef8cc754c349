"""Organization pages (ORG-2): lists and forms scoped by the permission layer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from teachnet.accounts.permissions import can, get_visible_or_404, has_any, visible
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors

from . import services
from .forms import OrganizationFilterForm, OrganizationForm
from .models import Organization
from .selectors import (
    organization_list_visible,
    organization_may_change_standing,
    organization_may_place,
    organization_regions_for,
)


@login_required
def organization_list(request):
    if not has_any(actor=request.user, perm=Perm.ORG_VIEW) and not request.user.organization_id:
        raise Http404
    form = OrganizationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = organization_list_visible(
        actor=request.user,
        q=data.get("q", ""),
        type=data.get("type", ""),
        region_prefix=data.get("region", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/organization_list.html",
        {"form": form, "page": page, "may_create": has_any(actor=request.user, perm=Perm.ORG_MANAGE)},
    )


@login_required
def organization_detail(request, pk):
    org = get_visible_or_404(actor=request.user, model=Organization, perm=Perm.ORG_VIEW, pk=pk)
    children = visible(actor=request.user, model=Organization, perm=Perm.ORG_VIEW).filter(parent=org)
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "org": org,
            "children": children,
            "may_edit": can(actor=request.user, perm=Perm.ORG_MANAGE, obj=org),
        },
    )


def _form(request, instance=None):
    parents = visible(actor=request.user, model=Organization, perm=Perm.ORG_MANAGE)
    if instance is not None:
        parents = parents.exclude(pk=instance.pk)
    return OrganizationForm(
        request.POST or None,
        instance=instance,
        regions=organization_regions_for(actor=request.user),
        parents=parents,
    )


def _save(request, form, instance=None):
    data = form.cleaned_data
    # The ModelForm has already copied the posted values onto its instance: compare with the saved row.
    saved = Organization.objects.get(pk=instance.pk) if instance is not None else None
    moved = saved is None or (data["region"], data["parent"]) != (saved.region, saved.parent)
    # Editing in place needs only the right to manage the organization; a move is a new placement.
    if moved and not organization_may_place(actor=request.user, region=data["region"], parent=data["parent"]):
        form.add_error("region", _("您只能在自己管理的地区或机构下登记机构。"))
        return None
    if (
        saved is not None
        and data["type"] != saved.type
        and not organization_may_change_standing(actor=request.user, organization=saved)
    ):
        form.add_error("type", _("机构类型由其所在地区的主管部门修改。"))
        return None
    fields = {
        k: data[k] for k in ("name", "short_name", "type", "region", "parent", "credit_code", "website")
    }
    try:
        if instance is None:
            return services.organization_create(**fields)
        return services.organization_update(organization=instance, **fields)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    if not has_any(actor=request.user, perm=Perm.ORG_MANAGE):
        raise Http404
    form = _form(request)
    if request.method == "POST" and form.is_valid() and (org := _save(request, form)):
        messages.success(request, _("已登记机构：%(name)s") % {"name": org.name})
        return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/organization_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk):
    org = get_visible_or_404(actor=request.user, model=Organization, perm=Perm.ORG_MANAGE, pk=pk)
    form = _form(request, instance=org)
    if request.method == "POST" and form.is_valid() and _save(request, form, instance=org):
        messages.success(request, _("已保存。"))
        return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/organization_form.html", {"form": form, "org": org})
