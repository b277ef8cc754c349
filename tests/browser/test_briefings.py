"""Briefings in a real browser (ACT-4): the Guangzhou class's tutor writes the class's first briefing in the
rich-text editor, inserts the class's study table, publishes it as 第 1 期 and downloads the PDF; a learner of
the class reads it; the project office's counters show the class at 1/5."""

import datetime as dt

import pytest

from teachnet.briefings import exports, pdfcheck
from teachnet.orgs.models import Region
from teachnet.training.models import (
    ClassMembership,
    Enrollment,
    ExpertTeamMember,
    Phase,
    ProviderSubject,
    TrainingClass,
)
from teachnet.training.tests.factories import subjects_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(exports.fonts_missing()), reason="needs fonts-noto-cjk and fonts-hanazono"),
]


@pytest.fixture
def gz_class(project, orgs, chief_expert, tutor, learner):
    today = dt.date.today()
    Phase.objects.create(
        project=project,
        kind=Phase.Kind.REMOTE_TRAINING,
        starts_on=today - dt.timedelta(days=8),
        ends_on=today + dt.timedelta(days=27),
    )
    subject = subjects_of(project)["初中体育"]
    ps = ProviderSubject.objects.create(project=project, provider=orgs["bnu"], subject=subject)
    ExpertTeamMember.objects.create(
        provider_subject=ps, user=chief_expert, name="孙明远", role=ExpertTeamMember.Role.CHIEF_EXPERT
    )
    k = TrainingClass.objects.create(
        project=project,
        subject=subject,
        province=Region.objects.get(code="440000"),
        name="广州一班",
        tutor=tutor,
    )
    k.cities.add(Region.objects.get(code="440100"))
    e = Enrollment.objects.create(
        project=project, subject=subject, user=learner, role=Enrollment.Role.LEARNER, region_id="440100"
    )
    ClassMembership.objects.create(training_class=k, enrollment=e)
    return k


def watch_console(page) -> list[str]:
    problems: list[str] = []

    def console(m) -> None:
        # Chromium asks for /favicon.ico by itself (the site has none): not a problem of the page.
        if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console: {m.text} ({m.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "response", lambda r: problems.append(f"response {r.status}: {r.url}") if r.status >= 400 else None
    )
    return problems


def test_tutor_writes_publishes_and_exports_a_class_briefing(
    page, browser, live_server, log_in, gz_class, tutor, learner, project_office, tmp_path
):
    problems = watch_console(page)
    log_in("tutor")
    with page.expect_navigation():
        page.click("[data-testid=nav-briefings]")
    row = page.locator("[data-testid=scope-row][data-kind=class]")
    assert "广州一班" in row.inner_text() and "0 / 5" in row.inner_text()
    with page.expect_navigation():
        row.locator("[data-testid=scope-open]").click()
    page.fill("#id_title", "广州一班第一期 𠀀")
    with page.expect_navigation():
        page.click("[data-testid=briefing-create]")

    # The sections of the class template, each in the editor
    assert page.locator("label[for=id_section_progress]").inner_text() == "本期学习情况"
    editor = page.locator("[data-testid=section-progress-editor] .ql-editor")
    editor.click()
    page.keyboard.type("全班已开始学习，生僻字 𪚥 𡘙 〇 照常显示。")
    page.locator("[data-testid=section-next-editor] .ql-editor").click()
    page.keyboard.type("下周三晚八点线上研讨。")
    with page.expect_navigation():
        page.click("[data-testid=figure-insert-progress]")
    figure = page.locator("[data-testid=briefing-figure]")
    assert "学习情况（学时）" in figure.inner_text() and "广州一班" in figure.inner_text()
    # The text typed before the insert was saved with it
    assert "全班已开始学习" in page.locator("[data-testid=section-progress-editor]").inner_text()

    with page.expect_navigation():
        page.click("[data-testid=briefing-save-publish]")
    assert page.locator("[data-testid=briefing-issue]").inner_text().strip() == "第 1 期"
    # (Quill writes the typed spaces as no-break spaces.)
    article = page.locator("[data-testid=briefing]").inner_text().replace("\xa0", " ")
    assert "广州一班班级简报" in article and "𪚥 𡘙 〇" in article and "下周三晚八点线上研讨" in article
    page.screenshot(path="/tmp/teachnet-briefing.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("[data-testid=export-pdf]")
    saved = tmp_path / "briefing.pdf"
    download_info.value.save_as(saved)
    pdf = saved.read_bytes()
    assert download_info.value.suggested_filename == "广州一班班级简报-第1期.pdf"
    assert pdfcheck.not_drawn(pdf, "广州一班第一期𠀀𪚥𡘙〇本期学习情况") == []
    assert problems == []

    # A learner of the class reads it
    reader = browser.new_context(locale="zh-CN").new_page()
    reader_problems = watch_console(reader)
    reader.goto(live_server.url + "/accounts/login/")
    reader.fill("input[name=username]", "learner")
    reader.fill("input[name=password]", "correct horse battery staple")
    with reader.expect_navigation():
        reader.click("main form button[type=submit]")
    with reader.expect_navigation():
        reader.click("[data-testid=nav-briefings]")
    with reader.expect_navigation():
        reader.click("text=广州一班第一期 𠀀")
    assert reader.locator("[data-testid=briefing-issue]").inner_text().strip() == "第 1 期"
    assert "data-testid=briefing-edit" not in reader.content()
    assert reader_problems == []

    # The office's counters: the class at 1 of 5
    office = browser.new_context(locale="zh-CN").new_page()
    office.goto(live_server.url + "/accounts/login/")
    office.fill("input[name=username]", "project_office")
    office.fill("input[name=password]", "correct horse battery staple")
    with office.expect_navigation():
        office.click("main form button[type=submit]")
    office.goto(live_server.url + "/briefings/standings/")
    classes = office.locator("[data-testid=standings-class]").inner_text()
    assert "广州一班" in classes and "1 / 5" in classes and "第 1 期" in classes
    office.screenshot(path="/tmp/teachnet-briefing-standings.png", full_page=True)
    office.context.close()
    reader.context.close()
