"""Reporting in the browser (issue 3, REP-2 … REP-7), as the people who use it see it.

A city lead downloads the template of one subject, uploads a file with mistakes, reads every mistake by row
and column (and in a marked copy of the file), fixes it, uploads, submits; the provincial lead rejects with a
reason, the city lead tries again, the provincial lead approves and the accounts are opened; the table is then
read-only for the city. Shenzhen's lead cannot see Guangzhou's table. The project office and the provincial
lead watch the board and its chart.
"""

import re
from pathlib import Path

import openpyxl
import pytest

from teachnet.orgs.models import Region
from teachnet.reporting import services
from teachnet.reporting.columns import TRAINEE_COLUMNS
from teachnet.reporting.models import Submission, SubmissionRow
from teachnet.reporting.tests.xlsx_builders import trainee_row, write_roster
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import Enrollment, Quota
from teachnet.training.services import subjects_ensure

from .conftest import PASSWORD, TIMEOUT_MS

pytestmark = pytest.mark.browser

DONE = "[data-testid=progress][data-state=done]"
ID_COLUMN = TRAINEE_COLUMNS.index("身份证号") + 1  # E
NAME_COLUMN = TRAINEE_COLUMNS.index("姓名") + 1
ORG_COLUMN = TRAINEE_COLUMNS.index("工作单位") + 1
REASON = "第2行的工作单位写错了：李四在广州市第二中学任教，请改正后重新提交。"


# --- Helpers --------------------------------------------------------------------------------------------


@pytest.fixture
def open_page(browser):
    """Another person's browser: a fresh context (own cookies), closed before the database is flushed."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in_on(page, live_server, username: str):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == live_server.url + "/", f"{username} could not log in"
    return page


def download(page, selector: str, dest: Path) -> str:
    """Click a download link; save the file to `dest`; the name the browser was offered."""
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(dest)
    return info.value.suggested_filename


def upload(page, path: Path) -> None:
    """Choose the file, send it, and wait for the check to finish (inline in tests, or polled by htmx)."""
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("[data-testid=upload]")
    page.wait_for_selector(DONE)


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def state(page) -> str:
    return page.inner_text("[data-testid=state]").strip()


def table_rows(page) -> list[list[str]]:
    """The people table as text, one list of cells per person ("还没有人员" is no person)."""
    rows = []
    for tr in page.locator("[data-testid=rows] tbody tr").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        if len(cells) > 1:
            rows.append(cells)
    return rows


def good_rows() -> list[dict]:
    """Five people of 广州市 初中数学 who pass every check.

    Their phone numbers are not make_phone()'s 139…: the personas get 139 and their 8-digit pk, so on a fresh
    test database the trainees would share the phones of the leads, which is not this test's subject."""
    return [trainee_row(n, 手机号码=f"1360000{n:04d}") for n in range(1, 6)]


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.fixture
def subjects(project):
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    return {s.label: s for s in project.subjects.all()}


# --- Scenario 1: the whole loop ------------------------------------------------------------------------


def test_city_lead_reports_province_rejects_then_approves_and_the_table_becomes_read_only(
    page, live_server, log_in, open_page, gz_city_lead, gd_province_lead, subjects, tmp_path
):
    city = page
    people = good_rows()
    all_ids = [p["身份证号"] for p in people]

    # --- The city lead starts the 初中数学 table from the top navigation --------------------------------
    log_in("gz_city_lead")
    with city.expect_navigation():
        city.locator("header nav").get_by_role("link", name="信息上报", exact=True).click()
    assert city.url == live_server.url + "/reporting/"
    math_row = city.locator("[data-testid=my-tables] tbody tr").filter(
        has=city.get_by_role("cell", name="初中数学", exact=True)
    )
    assert math_row.count() == 1
    assert "未上报" in math_row.inner_text()
    with city.expect_navigation():
        math_row.get_by_role("button", name="开始上报").click()
    submission = Submission.objects.get()
    assert (submission.region_id, submission.subject.label) == ("440100", "初中数学")
    assert city.url == f"{live_server.url}/reporting/{submission.pk}/"
    assert state(city) == "草稿"
    assert table_rows(city) == []

    # --- The template opens in a spreadsheet program, with the columns write_roster uses ---------------
    name = download(city, "[data-testid=template]", tmp_path / "template.xlsx")
    assert name == "学员信息表-广州市-初中数学.xlsx"
    template = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert template.sheetnames[:2] == ["填写说明", "学员信息表"]
    header = [c.value for c in template["学员信息表"][1]]
    assert tuple(header) == TRAINEE_COLUMNS

    # --- A file with two wrong ID numbers: row 3 a wrong check digit (Excel row 4), row 5 a 15-digit one --
    bad = [dict(p) for p in people]
    bad[2]["身份证号"] = wrong_check_digit(people[2]["身份证号"])
    bad[4]["身份证号"] = people[4]["身份证号"][:6] + people[4]["身份证号"][8:17]  # the old 15-digit form
    assert len(bad[4]["身份证号"]) == 15
    bad_file = write_roster(tmp_path / "广州初中数学.xlsx", bad)
    upload(city, bad_file)

    # The check reports within the request; the box says what happened, the table names row and column
    progress = city.locator("[data-testid=progress]")
    assert "发现 2 处错误，文件未保存" in progress.inner_text()
    errors = city.locator("[data-testid=errors]")
    errors.wait_for()
    listed = [
        [c.strip() for c in tr.locator("td").all_inner_texts()] for tr in errors.locator("tbody tr").all()
    ]
    assert listed == [
        ["4", "身份证号", "身份证号校验位不正确，请核对每一位数字。"],
        ["6", "身份证号", "这是15位的旧身份证号，请填写18位的第二代身份证号。"],
    ]
    assert "5 行数据中发现 2 处错误，文件未保存" in city.inner_text("[data-testid=attempt]")
    assert state(city) == "草稿"
    assert table_rows(city) == []  # nothing of a file with errors is saved
    city.locator("[data-testid=attempt]").scroll_into_view_if_needed()
    city.screenshot(path="/tmp/reporting-detail.png", full_page=True)

    # --- The marked copy: the same sheet, the wrong cells red with the reason in a comment ---------------
    name = download(city, "[data-testid=marked]", tmp_path / "marked.xlsx")
    assert name == "广州初中数学-错误标注.xlsx"
    marked = openpyxl.load_workbook(tmp_path / "marked.xlsx")
    assert marked.sheetnames == ["错误汇总", "学员信息表"]
    sheet = marked["学员信息表"]
    for excel_row, words in ((4, "校验位"), (6, "15位")):
        cell = sheet.cell(excel_row, ID_COLUMN)
        assert cell.fill.fill_type == "solid", cell.coordinate
        assert cell.fill.fgColor.rgb.endswith("FFC7CE"), (cell.coordinate, cell.fill.fgColor.rgb)
        assert cell.comment is not None and words in cell.comment.text, cell.coordinate
    good_cell = sheet.cell(3, ID_COLUMN)
    assert good_cell.fill.fill_type is None and good_cell.comment is None
    assert sheet.cell(3, ID_COLUMN).value == people[1]["身份证号"]  # kept as text, all 18 characters
    summary = [r for r in marked["错误汇总"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert [(r[0], r[1]) for r in summary] == [(4, "身份证号"), (6, "身份证号")]

    # --- The lead corrects the two cells in the marked copy itself and uploads it ------------------------
    sheet.cell(4, ID_COLUMN).value = people[2]["身份证号"]
    sheet.cell(6, ID_COLUMN).value = people[4]["身份证号"]
    fixed_file = tmp_path / "广州初中数学-改.xlsx"
    marked.save(fixed_file)
    upload(city, fixed_file)
    assert "已保存 5 人" in progress.inner_text()
    assert city.locator("[data-testid=errors]").count() == 0
    assert state(city) == "草稿"
    saved = table_rows(city)
    assert [r[0] for r in saved] == ["2", "3", "4", "5", "6"]  # the Excel row, as in the errors table
    assert saved[1][1:3] == ["李四", "女"]
    assert all(r[5] == "天河区" and r[6] == "广州市天河中学" for r in saved)
    # ID and phone numbers are masked on the page, never shown whole
    content = city.content()
    assert not any(number in content for number in all_ids)
    assert all("*" in r[3] for r in saved)
    # While it is a draft every row can still be deleted
    assert city.locator("[data-testid=rows]").get_by_role("button", name="删除").count() == 5

    click_and_wait(city, "[data-testid=submit]")
    assert state(city) == "已提交"
    assert "已提交，等待审核" in city.inner_text(".messages")
    assert city.locator("[data-testid=upload]").count() == 0

    # --- The provincial lead finds it under 待我审核, reads figures and rows, rejects with a reason -------
    province = log_in_on(open_page(), live_server, "gd_province_lead")
    with province.expect_navigation():
        province.locator("header nav").get_by_role("link", name="信息上报", exact=True).click()
    to_review = province.locator("[data-testid=to-review]")
    assert "学员信息表 · 广州市 · 初中数学" in to_review.inner_text()
    assert "5 人" in to_review.inner_text()
    with province.expect_navigation():
        to_review.get_by_role("link", name=re.compile("广州市")).click()
    assert province.url == f"{live_server.url}/reporting/{submission.pk}/"
    assert state(province) == "已提交"
    assert "5 人" in province.inner_text("main .card >> nth=0")
    assert len(table_rows(province)) == 5
    assert province.locator("[data-testid=upload]").count() == 0  # reviewing is not reporting
    assert province.locator("[data-testid=rows]").get_by_role("button", name="删除").count() == 0
    province.fill("textarea[name=reason]", REASON)
    click_and_wait(province, "[data-testid=reject]")
    assert state(province) == "已退回"
    assert province.locator("[data-testid=approve]").count() == 0

    # --- The city lead reads the reason, fixes the file, uploads and submits again -----------------------
    city.reload()
    assert state(city) == "已退回"
    assert REASON in city.inner_text("[data-testid=reason]")
    assert REASON in city.inner_text("[data-testid=history]")
    # This time filled into the downloaded template, as one does in Excel
    data = template["学员信息表"]
    for excel_row, person in enumerate(people, start=2):
        for col, column in enumerate(TRAINEE_COLUMNS, start=1):
            data.cell(excel_row, col).value = person.get(column) or None
    data.cell(3, ORG_COLUMN).value = "广州市第二中学"
    refilled = tmp_path / "学员信息表-广州市-初中数学.xlsx"
    template.save(refilled)
    upload(city, refilled)
    assert "已保存 5 人" in city.inner_text("[data-testid=progress]")
    assert state(city) == "草稿"
    assert city.locator("[data-testid=reason]").count() == 0
    assert table_rows(city)[1][6] == "广州市第二中学"
    click_and_wait(city, "[data-testid=submit]")
    assert state(city) == "已提交"

    # --- The provincial lead approves; the accounts are opened, with a progress box ----------------------
    province.goto(f"{live_server.url}/reporting/")
    with province.expect_navigation():
        province.locator("[data-testid=to-review]").get_by_role("link", name=re.compile("广州市")).click()
    assert table_rows(province)[1][6] == "广州市第二中学"
    click_and_wait(province, "[data-testid=approve]")
    assert state(province) == "已通过"
    province.wait_for_selector(DONE)
    box = province.inner_text("[data-testid=progress]")
    assert "开设账号并登记参训" in box
    assert "已处理 5 人：新开账号 5 个，匹配已有账号 0 个。" in box
    assert Enrollment.objects.filter(subject=subjects["初中数学"]).count() == 5
    province.goto(f"{live_server.url}/reporting/")
    assert province.locator("[data-testid=to-review]").count() == 0

    # --- For the city the approved table is read-only; it can hand out the activation codes ---------------
    city.reload()
    assert state(city) == "已通过"
    assert city.locator("[data-testid=upload]").count() == 0
    assert city.locator("input[name=file]").count() == 0
    assert city.locator("[data-testid=submit]").count() == 0
    assert city.locator("[data-testid=rows]").get_by_role("button", name="删除").count() == 0
    assert len(table_rows(city)) == 5
    assert "只能查看" in city.inner_text("main")
    codes = city.locator("[data-testid=codes]")
    assert codes.is_visible() and codes.inner_text().strip() == "导出本表学员的激活码"
    # Deleting a row by a hand-made request is refused too
    row = SubmissionRow.objects.filter(submission=submission).first()
    token = city.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = city.request.post(
        f"{live_server.url}/reporting/{submission.pk}/rows/{row.pk}/delete/",
        form={"csrfmiddlewaretoken": csrf},
        headers={"Referer": city.url},
    )
    assert response.ok and "该表已提交或已审核通过，不能再修改。" in response.text()
    assert SubmissionRow.objects.filter(submission=submission).count() == 5

    click_and_wait(city, "[data-testid=codes]")
    city.wait_for_selector(DONE)
    assert "已为 5 个未激活账号生成激活码" in city.inner_text("[data-testid=progress]")
    name = download(city, "[data-testid=download]", tmp_path / "codes.xlsx")
    assert name == "广州市-激活码.xlsx"
    codes_book = openpyxl.load_workbook(tmp_path / "codes.xlsx", read_only=True)
    header, *listed = list(codes_book["天河区"].iter_rows(values_only=True))
    assert "激活码" in header and len(listed) == 5


# --- Scenario 2: another city ---------------------------------------------------------------------------


def test_shenzhen_lead_gets_not_found_for_the_guangzhou_table(
    page, live_server, log_in, gz_city_lead, sz_city_lead, subjects, project
):
    gz_math = services.submission_open(
        actor=gz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440100"),
        subject=subjects["初中数学"],
    )
    log_in("sz_city_lead")
    for path in ("/", "/template.xlsx"):
        response = page.goto(f"{live_server.url}/reporting/{gz_math.pk}{path}")
        assert response.status == 404, path
    assert page.locator("[data-testid=error-404]").is_visible()
    assert "页面不存在" in page.inner_text("h1")
    assert "广州" not in page.content()
    # His own list offers Shenzhen's subjects and names nothing of Guangzhou
    page.goto(live_server.url + "/reporting/")
    main = page.inner_text("main")
    assert "深圳市" in main and "广州" not in main


# --- Scenario 3: the board ------------------------------------------------------------------------------


@pytest.fixture
def board_world(project, subjects):
    """Places and tables in three states, so the chart has bars of every colour."""
    math, chinese = subjects["初中数学"], subjects["初中语文"]
    for code, subject, places in [
        ("440100", math, 10),
        ("440100", chinese, 6),
        ("440300", math, 8),
        ("110000", math, 5),
    ]:
        Quota.objects.create(
            project=project, region=Region.objects.get(code=code), subject=subject, places=places
        )
    for code, subject, state_, rows in [
        ("440100", math, Submission.State.APPROVED, 9),
        ("440100", chinese, Submission.State.SUBMITTED, 4),
        ("440300", math, Submission.State.DRAFT, 3),
        ("110100", math, Submission.State.REJECTED, 2),
    ]:
        Submission.objects.create(
            project=project,
            kind="trainee",
            region=Region.objects.get(code=code),
            subject=subject,
            state=state_,
            row_count=rows,
        )


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    return problems


def chart_is_drawn(page) -> int:
    """Waits for ECharts' canvas in the chart box; the number of its pixels that are not blank."""
    canvas = page.wait_for_selector("[data-testid=board-chart] canvas")
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 200, box
    return page.evaluate(
        """() => {
            const c = document.querySelector("[data-testid=board-chart] canvas");
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let inked = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) inked++;
            return inked;
        }"""
    )


def test_project_office_and_province_watch_the_board(
    page, live_server, log_in, open_page, project_office, gd_province_lead, board_world
):
    problems = watch_console(page)
    log_in("project_office")
    response = page.goto(live_server.url + "/reporting/board/")
    assert response.status == 200
    assert page.inner_text("h1").strip() == "上报进度 · 全国"
    assert chart_is_drawn(page) > 1000
    assert page.evaluate("!!window.echarts.getInstanceByDom(document.getElementById('board-chart'))")
    rows = {
        tr.locator("td").first.inner_text().strip(): [c.strip() for c in tr.locator("td").all_inner_texts()]
        for tr in page.locator("[data-testid=board-table] tbody tr").all()
    }
    # 广东: places 10+6+8, reported 9+4+3, submitted 9+4, approved 9; 北京: 5 places, 2 rows rejected
    assert rows["广东省"] == ["广东省", "24", "16", "13", "9", "37.5%"]
    assert rows["北京市"] == ["北京市", "5", "2", "0", "0", "0.0%"]
    page.screenshot(path="/tmp/reporting-board.png", full_page=True)
    assert problems == []

    # The provincial lead's board is Guangdong's, by city
    gd = open_page()
    gd_problems = watch_console(gd)
    log_in_on(gd, live_server, "gd_province_lead")
    response = gd.goto(live_server.url + "/reporting/board/")
    assert response.status == 200
    assert gd.inner_text("h1").strip() == "上报进度 · 广东省"
    assert chart_is_drawn(gd) > 1000
    city_rows = gd.locator("[data-testid=board-table] tbody tr")
    guangzhou = city_rows.filter(has=gd.get_by_role("cell", name="广州市", exact=True))
    assert [c.strip() for c in guangzhou.locator("td").all_inner_texts()] == [
        "广州市", "16", "13", "13", "9", "56.2%",
    ]  # fmt: skip
    assert city_rows.filter(has=gd.get_by_role("cell", name="深圳市", exact=True)).count() == 1
    assert "北京" not in gd.inner_text("[data-testid=board-table]")
    gd.screenshot(path="/tmp/reporting-board-gd.png", full_page=True)
    assert gd_problems == []

    # Beijing is not hers: the same answer as for a region that does not exist
    response = gd.goto(live_server.url + "/reporting/board/?region=110000")
    assert response.status == 404
    assert gd.locator("[data-testid=error-404]").is_visible()
    assert "北京" not in gd.inner_text("main")


# --- As deployed without a broker: the check runs in a thread of the server, the page polls --------------


def test_errors_of_a_check_in_a_server_thread_appear_without_reloading(
    page, live_server, log_in, gz_city_lead, subjects, project, settings, tmp_path
):
    settings.TASKS_INLINE = False
    gz_math = services.submission_open(
        actor=gz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440100"),
        subject=subjects["初中数学"],
    )
    # The check runs in a thread of the server as in a deployment without Redis: the page has to poll.
    problems = watch_console(page)
    bad = good_rows()
    bad[2]["身份证号"] = wrong_check_digit(bad[2]["身份证号"])
    log_in("gz_city_lead")
    page.goto(f"{live_server.url}/reporting/{gz_math.pk}/")
    upload(page, write_roster(tmp_path / "名单.xlsx", bad))  # waits until the polled box says done
    assert "发现 1 处错误，文件未保存" in page.inner_text("[data-testid=progress]")
    page.wait_for_selector("[data-testid=errors]", timeout=3_000)
    assert "身份证号校验位不正确" in page.inner_text("[data-testid=errors]")
    assert problems == []
