"""The inbox, the header's unread badge and a person's choice of what they receive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .kinds import Channel, Kind
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(recipient=request.user, in_inbox=True)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": services.unread_count(request.user)},
    )


@login_required
def badge(request):
    """The header's unread count (htmx, on every page and every minute): kept pages stay kept."""
    return render(request, "notifications/_badge.html", {"unread": services.unread_count(request.user)})


@login_required
def open_notice(request, pk: int):
    """Mark the notice read and go where it points (a path on this site only)."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, ids=[notice.pk])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    changed = services.mark_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": changed})
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    if request.method == "POST":
        ticked = {key for key, value in request.POST.items() if value == "on"}
        chosen = {kind: {c for c in Channel.values if f"{kind}:{c}" in ticked} for kind in Kind.values}
        services.preferences_set(user=request.user, chosen=chosen)
        messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:preferences")
    current = services.preferences(request.user)
    rows = [
        {"kind": kind, "label": label, "channels": [(c, c in current[kind]) for c in Channel.values]}
        for kind, label in Kind.choices
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": Channel.choices, "has_phone": bool(request.user.phone_masked)},
    )
