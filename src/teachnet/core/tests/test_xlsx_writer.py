"""The streaming .xlsx writer, read back by openpyxl and by python-calamine (what Excel and the roster check
see)."""

import datetime as dt

import openpyxl
from python_calamine import CalamineWorkbook

from teachnet.core.xlsx_writer import Cell, Style, Workbook, column_letters


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_values_styles_and_comments_read_back(tmp_path):
    path = tmp_path / "book.xlsx"
    when = dt.datetime(2011, 9, 1, 8, 30)
    with Workbook(path, comment_author="teachnet") as book:
        with book.sheet("说明 & <notes>", widths={0: 8, 2: 40}) as ws:
            ws.append([Cell("标题", style=Style(bold=True)), None, "a < b & c > d"])
        with book.sheet("数据") as ws:
            ws.append([1, 2.0, 2.5, True, "", None, '=HYPERLINK("http://x")', " 前后有空格 ", "bell\x07"])
            ws.append([when, when.date(), dt.time(8, 30), dt.timedelta(hours=26)])
            ws.append(
                [Cell("错", style=Style(fill="FFC7CE"), comment="第一条\n第二条"), Cell(None, comment="空")]
            )

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明 & <notes>", "数据"]
    first, data = book.worksheets
    assert first["A1"].font.b and first["C1"].value == "a < b & c > d"
    assert first.column_dimensions["A"].width == 8 and first.column_dimensions["C"].width == 40
    row = [c.value for c in data[1]]
    assert row == [1, 2, 2.5, True, None, None, '=HYPERLINK("http://x")', " 前后有空格 ", "bell"]
    assert data["B1"].value == 2 and isinstance(data["B1"].value, int)
    assert data["G1"].data_type == "s"  # text, never a formula
    assert data["A2"].value == when and data["B2"].value == dt.datetime(2011, 9, 1)
    assert data["A2"].number_format == "yyyy-mm-dd h:mm:ss" and data["B2"].number_format == "yyyy-mm-dd"
    assert data["C2"].value == dt.time(8, 30) and data["D2"].value == dt.timedelta(hours=26)
    marked = data["A3"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and marked.comment.text == "第一条\n第二条"
    assert marked.comment.author == "teachnet" and data["B3"].comment.text == "空"
    assert data["A1"].comment is None and data["A1"].fill.fill_type is None

    with CalamineWorkbook.from_path(str(path)) as read:
        assert read.sheet_names == ["说明 & <notes>", "数据"]
        assert read.get_sheet_by_index(1).to_python()[0][:4] == [1.0, 2.0, 2.5, True]
