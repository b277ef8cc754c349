"""LRN-1, LRN-2 in a real browser: the player counts while the learner is there, stops when they idle, hands
over to a second tab, stops for a presence question and ends when it is ignored, refuses a seek ahead on a
first viewing; the ledger matches what the page showed."""

import shutil
import subprocess
import time

import pytest
from django.core.files import File
from django.db.models import Sum
from django.utils import timezone

from teachnet.core.text import duration
from teachnet.courses import services as course_services
from teachnet.courses.models import Resource
from teachnet.learning.models import CreditInterval, Reason, StudyPolicy, StudySession
from teachnet.learning.tests.factories import article, enroll_learner, open_course

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg (make media-tools)"),
]


@pytest.fixture
def course(project, orgs, provider_admin, project_office, learner, tmp_path):
    course = open_course(project, orgs, provider_admin, project_office)
    # Back to editing for one more resource: a real 40-second video, then approved again.
    clip = tmp_path / "lesson.mp4"
    subprocess.run(  # noqa: S603
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-t", "40",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    with clip.open("rb") as fh:
        course_services.resource_add(
            actor=provider_admin,
            module=course.modules.first(),
            kind="video",
            title="课例片段",
            upload=File(fh, "lesson.mp4"),
        )
    course_services.course_submit(actor=provider_admin, course=course)
    course_services.course_approve(actor=project_office, course=course)
    course.refresh_from_db()
    enroll_learner(course, learner)
    StudyPolicy.objects.update_or_create(
        project=course.provider_subject.project,
        defaults={
            "heartbeat_seconds": 1,
            "grace_seconds": 1,
            "idle_end_seconds": 6,
            "activity_seconds": 2,
            "check_min_minutes": 0,
            "check_answer_seconds": 3,
        },
    )
    return course


def _credited(learner) -> int:
    return CreditInterval.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"] or 0


def _stay_active(page, seconds: float) -> None:
    end = time.monotonic() + seconds
    x = 10
    while time.monotonic() < end:
        x = 30 if x == 10 else 10
        page.mouse.move(x, 200)
        page.wait_for_timeout(300)


def _state(page) -> str:
    return page.get_by_test_id("clock-state").get_attribute("data-state") or ""


def test_counting_idle_second_tab_check_and_seek(page, browser, live_server, log_in, course, learner):
    log_in("learner")
    doc = article(course)
    page.goto(f"{live_server.url}/learn/")  # the workspace, kept from here on (core.pagecache)
    assert "0 秒 / " in page.get_by_role("row", name=doc.title).inner_text()
    page.goto(f"{live_server.url}/learn/courses/{course.pk}/resources/{doc.pk}/")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'counting'"
    )

    # Present and active: the clock runs, and the page shows what the ledger holds.
    _stay_active(page, 4)

    # Walk away: the page stops reporting, the ledger stops growing, and it holds what the page showed.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'paused'"
    )
    shown = int(page.get_by_test_id("credited").get_attribute("data-seconds"))
    assert shown >= 2
    assert page.get_by_test_id("credited").inner_text() == duration(shown)  # read as a person reads it
    before = _credited(learner)
    assert before == shown
    page.wait_for_timeout(2500)
    assert _credited(learner) == before

    # Back again, then the course is opened in a second tab: only the new place counts.
    _stay_active(page, 2)
    second = page.context.new_page()
    second.goto(f"{live_server.url}/learn/courses/{course.pk}/resources/{doc.pk}/")
    second.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'counting'"
    )
    page.bring_to_front()
    _stay_active(page, 2)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'ended'"
    )
    assert "另一处" in page.get_by_test_id("clock-state").inner_text()
    assert StudySession.objects.filter(learner=learner, end_reason="takeover").count() == 1

    # A presence question comes: the clock stands still until it is answered; ignored, the session ends.
    second.bring_to_front()
    StudySession.objects.filter(learner=learner, ended_at__isnull=True).update(next_check_at=timezone.now())
    _stay_active(second, 2)
    assert second.get_by_test_id("presence-check").is_visible()
    assert "=" in second.get_by_test_id("check-prompt").inner_text()
    frozen = _credited(learner)
    second.wait_for_timeout(4500)  # past the 3-second deadline
    _stay_active(second, 1.5)
    second.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'ended'"
    )
    assert "没有按时回答" in second.get_by_test_id("clock-state").inner_text()
    assert _credited(learner) == frozen
    assert CreditInterval.objects.filter(learner=learner, reason=Reason.NO_ANSWER).exists()

    # Answered, it counts again.
    second.reload()
    second.wait_for_function(
        "() => document.querySelector('[data-testid=clock-state]').dataset.state === 'counting'"
    )
    StudySession.objects.filter(learner=learner, ended_at__isnull=True).update(next_check_at=timezone.now())
    _stay_active(second, 2)
    session = StudySession.objects.get(learner=learner, ended_at__isnull=True)
    answer = session.checks.get(outcome="").answer
    second.get_by_test_id("check-answer").fill(answer)
    second.get_by_test_id("check-submit").click()
    second.wait_for_function("() => !document.querySelector('[data-testid=presence-check]').open")
    resumed = _credited(learner)
    _stay_active(second, 3)
    assert _credited(learner) > resumed

    # A first viewing cannot seek ahead of what was watched.
    video = Resource.objects.get(title="课例片段")
    second.goto(f"{live_server.url}/learn/courses/{course.pk}/resources/{video.pk}/")
    player = second.get_by_test_id("video-player")
    second.wait_for_function("v => v.readyState >= 1", arg=player.element_handle())
    player.evaluate("v => { v.muted = true; return v.play(); }")
    second.wait_for_timeout(1500)
    player.evaluate("v => { v.currentTime = 30; }")
    second.wait_for_timeout(500)
    assert player.evaluate("v => v.currentTime") < 10
    # And the speed is held to the project's limit.
    player.evaluate("v => { v.playbackRate = 4; }")
    second.wait_for_timeout(300)
    assert player.evaluate("v => v.playbackRate") <= 1.5

    # In the end the ledger and the daily totals agree, and the record page shows the reasons.
    second.close()
    page.goto(f"{live_server.url}/learn/records/")
    reasons = page.get_by_test_id("uncredited").inner_text()
    assert "另一设备接管" in reasons and "未回答随机问题" in reasons
    from teachnet.learning.models import StudyTotal

    assert StudyTotal.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"] == _credited(learner)
    # The workspace shows what the ledger holds for the article, though its page was kept before.
    on_doc = CreditInterval.objects.filter(learner=learner, resource=doc).aggregate(s=Sum("seconds"))["s"]
    page.goto(f"{live_server.url}/learn/")
    assert on_doc and f"{duration(on_doc)} / " in page.get_by_role("row", name=doc.title).inner_text()
