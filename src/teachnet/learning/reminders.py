"""The learner's reminder that a plan item is due soon (LRN-4): once per item, when it enters its
DUE_SOON_DAYS window and is not yet done (notifications.periodic runs this)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.notifications.kinds import Kind
from teachnet.notifications.services import notify
from teachnet.training.models import ClassMembership

from .deadlines import DUE_SOON_DAYS, due_note
from .models import PlanItem
from .selectors import plan_progress


def plan_items_due_soon(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    window = today + dt.timedelta(days=DUE_SOON_DAYS)
    classes = {
        item.plan.training_class
        for item in PlanItem.objects.filter(due_on__gte=today, due_on__lte=window).select_related(
            "plan__training_class__project"
        )
    }
    sent = 0
    for training_class in classes:
        members = list(
            ClassMembership.objects.filter(
                training_class=training_class, enrollment__withdrawn_at__isnull=True
            ).values_list("enrollment__user_id", flat=True)
        )
        items, done = plan_progress(training_class=training_class, users=members)
        url = reverse("learning:workspace")
        for item in items:
            if not today <= item.due_on <= window:
                continue
            waiting = [uid for uid in members if item.resource_id not in done.get(uid, set())]
            title = _("学习计划：%(title)s %(note)s") % {
                "title": item.resource.title,
                "note": due_note(item.due_on, today),
            }
            sent += len(
                notify(
                    recipients=waiting,
                    kind=Kind.DEADLINE_SOON,
                    title=title,
                    body=_("完成期限 %(d)s。") % {"d": item.due_on.isoformat()},
                    url=url,
                    subject_key=f"learning.plan_item:{item.pk}",
                )
            )
    return sent
