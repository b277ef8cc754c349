"""The marked copy (REP-3) as the lead opens it: every wrong cell red with its reason, every other cell as
uploaded, readable again by the check itself."""

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from teachnet.orgs.models import Region
from teachnet.reporting.roster_check import roster_check
from teachnet.reporting.roster_marked import write_marked_copy
from teachnet.training.catalog import subject_by_label

from . import xlsx_builders as xb

pytestmark = pytest.mark.django_db


def check(path):
    return roster_check(
        path=path,
        kind="trainee",
        scope=Region.objects.get(code="440100"),
        subject=subject_by_label("初中数学"),
    )


@pytest.fixture
def bad_file(tmp_path):
    # Given a file of 30 people with mistakes of every kind spread over it
    rows = [xb.trainee_row(n) for n in range(1, 31)]
    rows[2]["手机号码"] = "1391234"
    rows[5]["身份证号"] = rows[5]["身份证号"][:17] + ("0" if rows[5]["身份证号"][-1] != "0" else "1")
    rows[9]["所在区县"] = "南山区"
    rows[9]["电子邮箱"] = "abc@"
    rows[14]["姓名"] = ""
    rows[20]["身份证号"] = rows[19]["身份证号"]
    rows[27]["性别"] = "女" if rows[27]["性别"] == "男" else "男"
    return xb.write_roster(tmp_path / "bad.xlsx", rows)


def test_every_error_cell_is_marked_and_no_other(bad_file, tmp_path):
    result = check(bad_file)
    assert len({(e.row, e.column) for e in result.errors}) >= 7
    out = tmp_path / "marked.xlsx"

    write_marked_copy(check=result, path_in=bad_file, path_out=out)

    sheet = openpyxl.load_workbook(out)["学员信息表"]
    columns = [c.value for c in sheet[1]]
    wanted = {(e.row, columns.index(e.column) + 1): e.message for e in result.errors if e.column in columns}
    wanted_rows = {e.row for e in result.errors}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            red = cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("FFC7CE")
            if (cell.row, cell.column) in wanted:
                assert red and wanted[(cell.row, cell.column)] in cell.comment.text, cell.coordinate
                assert cell.comment.author == "teachnet"
            elif cell.column == 1 and cell.row in wanted_rows:
                assert red and cell.comment is not None  # 序号 lists the row's errors
            else:
                assert not red and cell.comment is None, cell.coordinate


def test_the_copy_keeps_every_value_as_calamine_read_it(bad_file, tmp_path):
    out = tmp_path / "marked.xlsx"
    write_marked_copy(check=check(bad_file), path_in=bad_file, path_out=out)

    def rows(path, index):
        with CalamineWorkbook.from_path(str(path)) as book:
            return book.get_sheet_by_index(index).to_python()

    assert rows(out, 1) == rows(bad_file, 0)
    again = check(out)
    assert [(e.row, e.column, e.code) for e in again.errors] == [
        (e.row, e.column, e.code) for e in check(bad_file).errors
    ]
