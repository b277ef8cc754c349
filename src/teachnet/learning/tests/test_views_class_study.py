"""The tutor's 班级学习情况 (LRN-3, LRN-4): durations read as hours and minutes, every column sorts, those
behind the plan are found, the table exports to Excel (recorded), and deadlines are marked for the tutor and
for the learner. Each grant with its denial."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from teachnet.core.models import AuditEvent
from teachnet.learning.models import CreditInterval, Plan, PlanItem
from teachnet.learning.services import session_start
from teachnet.training.models import TrainingClass
from teachnet.training.services_classes import classes_build
from teachnet.training.tests.factories_classes import enroll

from .factories import article, enroll_learner, first_video, open_course

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def credit(learner, course, resource, seconds):
    session = session_start(learner=learner, course=course, resource_id=resource.pk).session
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    now = timezone.now()
    CreditInterval.objects.create(
        learner=learner, project=course.provider_subject.project, resource=resource, session=session,
        day=timezone.localdate(), started_at=now - dt.timedelta(seconds=seconds), ended_at=now,
        seconds=seconds, reason="credited",
    )  # fmt: skip


@pytest.fixture
def klass(project, orgs, provider_admin, project_office, learner, gd_province_lead, regions):
    """A Guangzhou class: the learner and three classmates, a tutor, and a plan of two items — the article
    due two days ago (overdue), the first video due tomorrow (due soon)."""
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner, region="440100")
    subject = course.provider_subject.subject
    mates = [e.user for e in enroll(project, subject, "440100", 3)]
    tutor = enroll(project, subject, "440100", 1, role="trainer")[0].user
    classes_build(
        actor=gd_province_lead, project=project, subject=subject, province=regions["440000"], size=100
    )
    k = TrainingClass.objects.get(subject=subject, tutor__isnull=False)
    today = timezone.localdate()
    plan = Plan.objects.create(training_class=k, title="第一周")
    doc, video = article(course), first_video(course)
    PlanItem.objects.create(plan=plan, resource=doc, due_on=today - dt.timedelta(days=2))
    PlanItem.objects.create(plan=plan, resource=video, due_on=today + dt.timedelta(days=1))
    # mates[0] did the article (not behind); the learner studied 5 h 33 min of other things; others nothing
    credit(mates[0], course, doc, doc.credit_minutes * 60)
    credit(learner, course, video, 19980)
    return {"k": k, "tutor": tutor, "course": course, "mates": mates, "doc": doc, "video": video}


def rows(response):
    return [r.name for r in response.context["rows"]]


def test_durations_are_hours_and_minutes_with_the_seconds_kept_for_sorting(klass, learner):
    page = client_for(klass["tutor"]).get(reverse("learning:class", args=[klass["k"].pk])).content.decode()
    assert "5 小时 33 分" in page and 'data-seconds="19980"' in page
    assert ">19980<" not in page and "（秒）" not in page


@pytest.mark.parametrize("column", ["name", "units", "seconds", "plan", "overdue", "journal", "studying"])
def test_every_column_sorts_both_ways(klass, column):
    c = client_for(klass["tutor"])
    url = reverse("learning:class", args=[klass["k"].pk])
    up, down = c.get(url, {"sort": column}), c.get(url, {"sort": f"-{column}"})
    key = {
        "name": lambda r: r.name, "units": lambda r: r.units, "seconds": lambda r: r.seconds,
        "plan": lambda r: r.plan_done, "overdue": lambda r: r.overdue, "journal": lambda r: r.journal,
        "studying": lambda r: r.studying_now,
    }[column]  # fmt: skip
    assert [key(r) for r in up.context["rows"]] == sorted(key(r) for r in up.context["rows"])
    assert [key(r) for r in down.context["rows"]] == sorted(
        (key(r) for r in down.context["rows"]), reverse=True
    )
    # the header says which way it sorts, and its link turns it round
    assert 'aria-sort="ascending"' in up.content.decode() and f"sort=-{column}" in up.content.decode()


def test_the_seconds_column_sorts_by_time_not_by_text(klass, learner):
    response = client_for(klass["tutor"]).get(
        reverse("learning:class", args=[klass["k"].pk]), {"sort": "-seconds"}
    )
    assert (
        response.context["rows"][0].enrollment.user == learner
    )  # 19980 s before 1200 s ("5 小时" < "20 分")


def test_an_unknown_sort_is_by_name(klass):
    response = client_for(klass["tutor"]).get(
        reverse("learning:class", args=[klass["k"].pk]), {"sort": "x; drop"}
    )
    assert response.status_code == 200 and rows(response) == sorted(rows(response))


def test_those_behind_the_plan_are_marked_and_filtered(klass, learner):
    c = client_for(klass["tutor"])
    url = reverse("learning:class", args=[klass["k"].pk])
    everyone = c.get(url)
    assert everyone.context["study"].learners == 4 and everyone.context["study"].behind == 3
    behind = c.get(url, {"behind": "1"})
    assert klass["mates"][0].real_name not in rows(behind) and learner.real_name in rows(behind)
    assert len(rows(behind)) == 3
    page = behind.content.decode()
    assert "逾期 1 项" in page and "1 项即将到期" in page
    # the plan's items say how far the class is with each
    assert "已逾期 2 天" in page and "还剩 1 天到期" in page and "（3 名学员未完成）" in page


def test_the_export_is_the_table_as_shown_and_is_recorded(klass, learner):
    c = client_for(klass["tutor"])
    url = reverse("learning:class_export", args=[klass["k"].pk])
    response = c.get(url, {"behind": "1", "sort": "-seconds"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header, first = values[1], values[2]
    assert header[0] == "学员" and "上网学时" in header
    assert first[0] == learner.real_name and first[3] == "5 小时 33 分" and first[4] == 5.55
    assert len(values) == 2 + 3  # the three behind the plan
    event = AuditEvent.objects.get(verb="learning.class_records_exported")
    assert event.actor == klass["tutor"] and event.data == {
        "rows": 3,
        "sort": "-seconds",
        "behind_only": True,
    }


def test_the_class_table_and_its_export_only_for_those_who_see_the_class(
    klass, learner, sz_city_lead, gz_city_lead
):
    page, export = (reverse(n, args=[klass["k"].pk]) for n in ("learning:class", "learning:class_export"))
    assert client_for(gz_city_lead).get(export).status_code == 200  # the city lead sees their city's classes
    for denied in (learner, sz_city_lead, klass["mates"][0]):
        assert client_for(denied).get(page).status_code == 404
        assert client_for(denied).get(export).status_code == 404
    assert not AuditEvent.objects.filter(verb="learning.class_records_exported", actor=sz_city_lead).exists()


def test_the_learner_sees_which_items_are_overdue_and_which_due_soon(klass, learner):
    page = client_for(learner).get(reverse("learning:workspace")).content.decode()
    assert 'data-due="overdue"' in page and "已逾期 2 天" in page
    assert 'data-due="soon"' in page and "还剩 1 天到期" in page


def _overdue_line(user) -> str:
    page = client_for(user).get(reverse("learning:workspace")).content.decode()
    at = page.index('data-due="overdue"')
    return page[page.rindex("<li", 0, at) : at]


def test_a_done_item_hides_its_overdue_mark(klass, learner):
    assert " hidden" not in _overdue_line(learner)
    assert " hidden" in _overdue_line(klass["mates"][0])  # did the article, due two days ago


def test_the_records_api_gives_durations_beside_the_seconds(klass, learner):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(klass["tutor"])
    body = api.get(f"/api/v1/study/records/{learner.pk}/").json()[0]
    assert body["credited_seconds"] == 19980 and body["credited_display"] == "5 小时 33 分"
    assert body["days"][0]["seconds_display"] == "5 小时 33 分"
    assert body["intervals"][0]["seconds_display"] == "5 小时 33 分"


def test_apps_above_add_their_sections_to_the_record(klass, learner, monkeypatch):
    """An app registers a source (learning.records); its section shows on the record page and in the API,
    for that learner's enrollment only."""
    import datetime as dt

    from rest_framework.test import APIClient

    from teachnet.learning import records

    seen = []

    def homework(enrollment):
        seen.append(enrollment.user_id)
        if enrollment.user_id != learner.pk:
            return None
        when = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
        return records.ActivitySection(
            key="homework", title="作业", summary="提交 1 份，已批改 1 份。", figures={"submitted": 1},
            rows=[records.ActivityRow(when=when, what="第一次作业", detail="已批改 · 良好")],
        )  # fmt: skip

    # Only this source: the apps installed register theirs too (discussions' posts and seminars …).
    monkeypatch.setattr(records, "_SOURCES", {"homework": homework})
    page = client_for(klass["tutor"]).get(reverse("learning:record", args=[learner.pk])).content.decode()
    assert 'data-testid="activity-homework"' in page and "第一次作业" in page and "已批改 · 良好" in page
    api = APIClient()
    api.force_authenticate(klass["tutor"])
    body = api.get(f"/api/v1/study/records/{learner.pk}/").json()[0]
    row = {"when": "2026-12-01T17:30:00+08:00", "what": "第一次作业", "detail": "已批改 · 良好", "url": ""}
    assert body["activities"] == [
        {"key": "homework", "title": "作业", "summary": "提交 1 份，已批改 1 份。",
         "figures": {"submitted": 1}, "rows": [row]}
    ]  # fmt: skip
    mate = klass["mates"][0]
    other = api.get(f"/api/v1/study/records/{mate.pk}/").json()[0]
    assert other["activities"] == []
