"""Plan items due soon remind the learners who have not done them, once per item (notifications.periodic)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from teachnet.learning.models import PlanItem
from teachnet.notifications import periodic
from teachnet.notifications.models import Notification

from .test_views_class_study import klass  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_due_soon_reminds_those_not_done_once(klass, learner):  # noqa: F811
    # The fixture's plan: the article overdue (two days ago), the first video due tomorrow, done by the
    # learner (5 h 33 min of it) and by none of the three classmates.
    video_item = PlanItem.objects.get(plan__training_class=klass["k"], due_on__gt=timezone.localdate())
    first = periodic.run_due(names=["learning.plan_due_soon"])
    notices = Notification.objects.filter(kind="deadline_soon")
    people = {m.pk for m in klass["mates"]}
    assert set(notices.values_list("recipient_id", flat=True)) == people
    assert first == {"learning.plan_due_soon": len(people)}
    assert all(n.subject_key == f"learning.plan_item:{video_item.pk}" for n in notices)
    assert "还剩 1 天到期" in notices.first().title
    # A second run sends nothing new; the tutor is not a learner of the class.
    assert periodic.run_due(names=["learning.plan_due_soon"]) == {"learning.plan_due_soon": 0}
    assert not Notification.objects.filter(recipient=klass["tutor"]).exists()


def test_nothing_is_due_far_ahead_and_the_command_reports(klass, capsys):  # noqa: F811
    PlanItem.objects.filter(plan__training_class=klass["k"]).update(
        due_on=timezone.localdate() + dt.timedelta(days=30)
    )
    call_command("reminders", "--job", "learning.plan_due_soon")
    assert "learning.plan_due_soon: 0 sent" in capsys.readouterr().out
    assert not Notification.objects.exists()


def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(periodic._JOBS, "broken", broken)
    monkeypatch.setitem(periodic._JOBS, "fine", lambda now: 2)
    assert periodic.run_due(names=["broken", "fine"]) == {"broken": -1, "fine": 2}
