"""Activation-code export in the browser (ORG-4): pick a city, watch the progress, download the xlsx."""

import re

import openpyxl
import pytest

from teachnet.accounts import services
from teachnet.accounts.models import ActivationCode
from teachnet.accounts.tests.factories import make_id_card

pytestmark = pytest.mark.browser

CODE_RE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def test_guangzhou_lead_exports_the_codes_of_unactivated_accounts(
    page, live_server, log_in, orgs, gz_city_lead, settings, tmp_path
):
    # Exports hold personal data: keep this test's files out of the project's var/.
    settings.PRIVATE_ROOT = tmp_path / "private"
    # The job runs in a thread of the server as in a deployment without Redis, not inline as in the other
    # tests, so the page has to poll (htmx) until the box reports "done".
    settings.TASKS_INLINE = False
    # Given three issued, unactivated accounts in 天河区 (440106)
    first_codes = services.accounts_issue(
        people=[
            services.NewPerson(
                real_name=f"教师{i}",
                phone=f"1370000{i:04d}",
                id_card=make_id_card(seq=500 + i),
                organization_id=orgs["gz_school"].pk,
                region_id="440106",
            )
            for i in range(3)
        ],
        issued_by=None,
    )

    # When the Guangzhou lead picks 广州市 on the export page and exports
    log_in("gz_city_lead")
    page.goto(live_server.url + "/accounts/activation-codes/")
    option = page.locator("select[name=region] option", has_text="440100")
    assert option.inner_text().strip() == "广州市（440100）"
    page.select_option("select[name=region]", value=option.get_attribute("value"))
    with page.expect_navigation():
        page.click("[data-testid=export]")

    # Then the progress box reaches "done" and offers the file
    progress = page.locator("[data-testid=progress]")
    page.wait_for_selector("[data-testid=progress][data-state=done]")
    assert "3 / 3" in progress.inner_text()
    assert "已为 3 个未激活账号生成激活码" in progress.inner_text()
    page.screenshot(path="/tmp/teachnet-export.png", full_page=True)
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    download = download_info.value
    assert download.suggested_filename == "广州市-激活码.xlsx"
    saved = tmp_path / "codes.xlsx"
    download.save_as(saved)

    # And the file has a 天河区 sheet with the three people and a fresh code for each
    workbook = openpyxl.load_workbook(saved, read_only=True)
    assert "天河区" in workbook.sheetnames
    header, *rows = list(workbook["天河区"].iter_rows(values_only=True))
    assert len(rows) == 3
    code_col = header.index("激活码")
    codes = [row[code_col] for row in rows]
    assert all(len(code) == 19 and CODE_RE.fullmatch(code) for code in codes), codes
    assert sorted(row[header.index("姓名")] for row in rows) == ["教师0", "教师1", "教师2"]

    # The exported codes are the ones that now work; the codes issued before are revoked
    usable = set(ActivationCode.objects.filter(revoked_at__isnull=True).values_list("digest", flat=True))
    assert usable == {services.code_digest(code) for code in codes}
    assert not usable & {services.code_digest(issued.code) for issued in first_codes}
