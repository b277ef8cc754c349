"""Setting a project up in the browser (TRN-1, REP-8), as the project office does it.

The project office creates a project from the project list, adds the 19 subjects of 国培计划(2011), downloads
the quota sheet, fills it in, uploads it with a mistake and reads the mistake by row and column, uploads it
again corrected, and sees the quotas as a table with its totals and the warning where a province's cities
were given more than the province; then it sets one quota by hand.
"""

import openpyxl
import pytest

from teachnet.training.models import Project, Quota

pytestmark = pytest.mark.browser


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def cell(page, region: str, subject_index: int) -> str:
    return (
        page.locator(f"[data-testid=quota-table] tr[data-region='{region}'] td")
        .nth(subject_index)
        .inner_text()
    )


def test_project_office_creates_a_project_adds_subjects_and_uploads_quotas(
    page, live_server, log_in, project_office, orgs, tmp_path
):
    # --- From the project list, a new project ------------------------------------------------------------
    log_in("project_office")
    click_and_wait(page, "[data-testid=nav-training]")
    click_and_wait(page, "[data-testid=project-create]")
    assert page.locator("input[name=provinces]").count() == 31
    page.fill("input[name=name]", "国培计划(2012)——示范性远程培训项目")
    page.fill("input[name=short_name]", "国培(2012)")
    page.fill("input[name=year]", "2012")
    page.fill("input[name=target_headcount]", "30000")
    page.select_option("select[name=office]", label="国培计划项目执行办公室")
    for code in ("440000", "320000"):
        page.check(f"input[name=provinces][value='{code}']")
    page.get_by_label("北京师范大学").check()
    click_and_wait(page, "[data-testid=save-project]")

    created = Project.objects.get(short_name="国培(2012)")
    assert page.url == f"{live_server.url}/training/projects/{created.pk}/subjects/"
    assert "已新建项目" in page.inner_text(".messages")
    assert page.locator("[data-testid=no-subjects]").is_visible()

    # --- The plan's 19 subjects, in one click ---------------------------------------------------------------
    click_and_wait(page, "[data-testid=add-gp2011]")
    assert "已添加 19 个学科" in page.inner_text(".messages")
    assert page.locator("[data-testid=subjects] tr[data-subject]").count() == 19
    assert page.locator("table[data-stage='小学'] tr[data-subject]").count() == 7

    # --- The quota sheet: downloaded, filled in, uploaded with a mistake -----------------------------------
    click_and_wait(page, "[data-testid=setup-nav] >> text=名额")
    assert page.url == f"{live_server.url}/training/projects/{created.pk}/quotas/"
    with page.expect_download() as info:
        page.click("[data-testid=quota-download]")
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    assert info.value.suggested_filename == "名额-国培(2012).xlsx"
    wb = openpyxl.load_workbook(template)
    sheet = wb["名额"]
    assert [c.value for c in sheet[1]] == ["地区代码", "地区", "学段", "学科", "名额"]
    for row in [
        ("440000", "广东省", "初中", "数学", 150),
        ("440100", "广州市", "初中", "数学", 120),
        ("440300", "深圳市", "初中", "数学", 80),
        ("320000", "江苏省", "小学", "语文", 60),
        ("330100", "杭州市", "初中", "数学", 10),  # row 6: Zhejiang is not in the project
    ]:
        sheet.append(row)
    filled = tmp_path / "名额.xlsx"
    wb.save(filled)

    page.set_input_files("input[name=file]", str(filled))
    click_and_wait(page, "[data-testid=upload]")
    errors = page.locator("[data-testid=quota-errors]")
    assert "名额表有 1 处错误，没有保存任何名额。" in errors.inner_text()
    listed = [
        [c.strip() for c in tr.locator("td").all_inner_texts()] for tr in errors.locator("tbody tr").all()
    ]
    assert listed == [
        ["6", "地区代码", "杭州市所在的浙江省不是本项目的参与省份。请删除这一行，或先在项目设置中加入该省。"]
    ]
    assert not Quota.objects.filter(project=created).exists()

    # --- Corrected, uploaded again: the table, its totals and the warning ----------------------------------
    sheet.delete_rows(6)
    wb.save(filled)
    page.set_input_files("input[name=file]", str(filled))
    click_and_wait(page, "[data-testid=upload]")
    assert "新增 4 条" in page.inner_text(".messages")
    rows = page.locator("[data-testid=quota-table] tbody tr")
    assert [tr.get_attribute("data-region") for tr in rows.all()] == ["320000", "440000", "440100", "440300"]
    headers = [
        th.get_attribute("data-subject") for th in page.locator("[data-testid=quota-table] thead th").all()
    ]
    math = headers.index("初中数学")
    assert cell(page, "440100", math) == "120"
    assert "150" in cell(page, "440000", math) and "地市 200" in cell(page, "440000", math)
    assert page.inner_text("[data-testid=quota-table] tr[data-region='440000'] td[data-total]") == "200"
    assert page.inner_text("[data-testid=quota-table] tfoot th[data-total]") == "260"
    warning = page.inner_text("[data-testid=quota-warnings]")
    assert "广东省 初中数学：各地市名额合计 200，超过省级名额 150。" in warning
    page.screenshot(path="/tmp/project-setup-quotas.png", full_page=True)

    # --- One quota by hand clears the warning; the province filter keeps to Guangdong -----------------------
    page.select_option("[data-testid=quota-set] select[name=region]", "440000")
    page.select_option("[data-testid=quota-set] select[name=subject]", label="初中数学")
    page.fill("[data-testid=quota-set] input[name=places]", "200")
    click_and_wait(page, "[data-testid=quota-set] button[type=submit]")
    assert "已将广东省 初中数学 的名额设为 200。" in page.inner_text(".messages")
    assert page.locator("[data-testid=quota-warnings]").count() == 0
    with page.expect_navigation():
        page.select_option("[data-testid=province-filter]", "440000")
    assert [tr.get_attribute("data-region") for tr in rows.all()] == ["440000", "440100", "440300"]

    # --- The overview links back to the setup pages ---------------------------------------------------------
    page.goto(f"{live_server.url}/training/projects/{created.pk}/")
    assert page.locator("[data-testid=setup-links] a").all_inner_texts() == [
        "编辑项目",
        "学科",
        "名额",
        "学时规则",
    ]
