"""TRN-4 in a real browser: a provider builds a course from real video and PDF files (with an upload progress
bar), a corrupt video is refused on the page, the video seeks (range requests), the project office comments,
returns, the provider answers and resubmits, the office approves."""

import re

import pytest

from teachnet.courses.models import Course
from teachnet.courses.tests.factories import DATA, fill_to_minimum, provider_subject_ready

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ps(project, orgs):
    return provider_subject_ready(project, orgs["bnu"], "初中体育")


def _second_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return page


def _add_resource(page, *, kind, file=None, title="", minutes="", refused=False):
    form = page.locator("#add-resource form")
    form.locator("select[name=kind]").select_option(kind)
    if title:
        form.locator("input[name=title]").fill(title)
    if minutes:
        form.locator("input[name=credit_minutes]").fill(str(minutes))
    if file:
        form.locator("input[name=upload]").set_input_files(str(DATA / file))
    if refused:  # the page's answer replaces the document in place: no navigation to wait for
        form.locator("[data-testid=resource-save]").click()
        page.locator("#add-resource .errorlist").first.wait_for()
        return
    with page.expect_navigation():
        form.locator("[data-testid=resource-save]").click()


def test_course_built_reviewed_returned_answered_and_approved(
    page, browser, live_server, log_in, ps, provider_admin, project_office
):
    # The provider starts the course from its workspace.
    log_in("provider_admin")
    page.goto(live_server.url + "/training/provider/")
    page.get_by_test_id("course-link").click()
    page.get_by_test_id("course-start").click()
    page.wait_for_url(re.compile(r"/courses/\d+/$"))
    course = Course.objects.get(provider_subject=ps)

    # Fields follow the kind: a video asks for a file, an article for its text.
    form = page.locator("#add-resource form")
    form.locator("select[name=kind]").select_option("article")
    assert form.locator("textarea[name=body]").is_visible()
    assert not form.locator("input[name=upload]").is_visible()

    # A real video and a real PDF, uploaded through the page.
    _add_resource(page, kind="video", file="lecture.mp4", title="第一讲 课程标准解读")
    _add_resource(page, kind="document", file="handout.pdf", title="学习手册", minutes=30)
    rows = page.get_by_test_id("resource-row")
    assert rows.count() == 2
    assert "时长 3 秒" in rows.nth(0).inner_text()

    # A damaged recording is refused on the page, and nothing is added.
    _add_resource(page, kind="video", file="corrupt.mp4", title="坏文件", refused=True)
    assert "ffprobe" in page.locator("#add-resource .errorlist").first.inner_text()
    assert course.resources.count() == 2

    # The video plays and seeks: the browser sees a seekable range, which needs HTTP range answers.
    video = course.resources.get(kind="video")
    page.goto(f"{live_server.url}/courses/resources/{video.pk}/")
    player = page.get_by_test_id("video-player")
    page.wait_for_function("v => v.readyState >= 1", arg=player.element_handle())
    duration = player.evaluate("v => v.duration")
    assert 2.5 < duration < 3.5
    assert player.evaluate("v => v.seekable.length ? v.seekable.end(0) : 0") > 2.5
    player.evaluate("v => new Promise(r => { v.onseeked = r; v.currentTime = 2.2; })")
    assert player.evaluate("v => v.currentTime") > 2

    # Under 50 hours the page names what is missing; topped up, the course goes to review.
    page.goto(f"{live_server.url}/courses/{course.pk}/")
    assert "50" in page.get_by_test_id("course-problems").inner_text()
    fill_to_minimum(course)
    page.reload()
    page.get_by_test_id("course-submit").click()
    assert page.get_by_test_id("course-state").inner_text() == "审核中"

    # The project office finds it in its queue, comments on the video and returns the course.
    office = _second_page(browser, live_server, "project_office")
    office.goto(live_server.url + "/courses/review/")
    office.get_by_test_id("review-queue").get_by_role("link", name="初中体育").click()
    row = office.locator(f"#resource-{video.pk}")
    row.locator("xpath=following-sibling::tr[1]").get_by_test_id("comment-open").click()
    office.locator(f"#resource-{video.pk} + tr").get_by_test_id("comment-body").fill("画面需要加字幕。")
    with office.expect_navigation():
        office.locator(f"#resource-{video.pk} + tr").get_by_test_id("comment-submit").click()
    office.get_by_test_id("return").click()
    office.wait_for_url(re.compile(r"/courses/review/$"))
    assert "没有待审核的课程" in office.get_by_test_id("review-queue").inner_text()

    # The provider reads the comment, answers it, fixes the title and submits version 2.
    page.goto(f"{live_server.url}/courses/{course.pk}/")
    assert page.get_by_test_id("course-state").inner_text() == "退回修改"
    assert "画面需要加字幕。" in page.get_by_test_id("comment").first.inner_text()
    page.get_by_test_id("comment").first.locator("summary").click()
    page.get_by_test_id("comment").first.locator("textarea").fill("已加字幕。")
    with page.expect_navigation():
        page.get_by_test_id("reply-submit").first.click()
    page.goto(f"{live_server.url}/courses/resources/{video.pk}/")
    page.locator("input[name=title]").fill("第一讲 课程标准解读（字幕版）")
    with page.expect_navigation():
        page.get_by_test_id("resource-save").click()
    page.goto(f"{live_server.url}/courses/{course.pk}/")
    page.get_by_test_id("course-submit").click()
    versions = page.get_by_test_id("versions").inner_text()
    assert "第 2 版" in versions and "修改：第一讲 课程标准解读（字幕版）（标题）" in versions

    # The office approves; the subject's training may open.
    office.goto(f"{live_server.url}/courses/{course.pk}/")
    assert "已加字幕。" in office.get_by_test_id("comment").nth(1).inner_text()
    office.get_by_test_id("approve").click()
    office.wait_for_url(re.compile(r"/courses/review/$"))
    assert "通过" in office.get_by_test_id("review-decided").inner_text()
    course.refresh_from_db()
    assert course.status == Course.Status.APPROVED and course.approved_version.number == 2
    office.context.close()
