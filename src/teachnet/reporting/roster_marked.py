"""The marked copy of a checked roster (REP-3): the uploaded sheet with every wrong cell filled red and the
reason in a comment, after a first sheet "错误汇总" listing every error.

The lead fixes the marked copy itself and uploads it again, so it keeps the uploaded values as they were read
(a formula's saved value, not the formula) and the template's columns in place.
"""

from __future__ import annotations

import os
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from python_calamine import CalamineWorkbook

from .roster_check import RosterCheck, RosterError, column_letter

ERROR_FILL = PatternFill(fill_type="solid", start_color="FFC7CE", end_color="FFC7CE")
SUMMARY_TITLE = "错误汇总"
COMMENT_AUTHOR = "teachnet"
COLUMN_WIDTHS = {"序号": 6, "身份证号": 22, "手机号码": 14, "电子邮箱": 26, "工作单位": 30, "备注": 20}


def write_marked_copy(*, check: RosterCheck, path_in: str | os.PathLike, path_out: str | os.PathLike) -> None:
    """Write the marked copy of the file `check` was made from. Rows are streamed (openpyxl write-only), so a
    100,000-row file needs no more memory than reading it."""
    columns = check.columns
    position = {name: i for i, name in enumerate(columns)}
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in check.errors:
        if error.row <= 0:
            continue
        col = position.get(error.column)
        if col is not None:
            by_cell[(error.row, col)].append(error.message)
            by_row[error.row].append(f"{error.column}：{error.message}")
        else:
            # A row-level error (a hidden row, over quota …) is shown on the row's 序号 cell.
            by_cell[(error.row, 0)].append(error.message)
            by_row[error.row].append(error.message)

    book = Workbook(write_only=True)
    summary = book.create_sheet(SUMMARY_TITLE)
    _write_summary(summary, check.errors, check.warnings)
    data = book.create_sheet(_data_title(check.sheet))
    for i, name in enumerate(columns):
        data.column_dimensions[column_letter(i)].width = COLUMN_WIDTHS.get(name, 10)
    with open(path_in, "rb") as fh, CalamineWorkbook.from_filelike(fh) as source:
        sheet = source.get_sheet_by_name(check.sheet) if check.sheet else source.get_sheet_by_index(0)
        for row_no, raw in enumerate(sheet.iter_rows(), start=1):
            values = [_plain(v, data) for v in raw]
            bad = by_row.get(row_no)
            if bad is not None:
                # The header row's errors (a hidden column) stay on their own cells.
                _mark_row(data, row_no, values, by_cell, bad if row_no > 1 else None)
            data.append(values)
    book.save(path_out)


def _write_summary(ws, errors: list[RosterError], warnings: list[str]) -> None:
    bold = Font(bold=True)
    header = [WriteOnlyCell(ws, value=title) for title in (_("行号"), _("列"), _("错误说明"))]
    for cell in header:
        cell.font = bold
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 100
    ws.append(header)
    if not errors:
        ws.append(["", "", _("没有发现错误。")])
    for error in errors:
        ws.append([error.row or "", error.column or _("（整行）"), _text_cell(ws, error.message)])
    for warning in warnings:
        ws.append(["", _("提示"), _text_cell(ws, warning)])


def _mark_row(ws, row_no: int, values: list, by_cell, row_messages: list[str] | None) -> None:
    if len(values) == 0:
        values.append(None)
    for col in range(len(values)):
        messages = by_cell.get((row_no, col))
        if col == 0 and row_messages:
            messages = row_messages  # 序号 carries the whole row's list
        if not messages:
            continue
        value = values[col]
        cell = value if isinstance(value, Cell) else _text_cell(ws, value)
        cell.fill = ERROR_FILL
        comment = Comment("\n".join(messages), COMMENT_AUTHOR)
        comment.width, comment.height = 320, min(60 + 20 * len(messages), 400)
        cell.comment = comment
        values[col] = cell


def _plain(value, ws):
    """A value as read, ready for openpyxl: whole floats back to ints (序号 1, not 1.0)."""
    kind = type(value)
    if kind is float and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if kind is str:
        if value == "":
            return None
        if value[0] == "=" or not value.isprintable():
            return _text_cell(ws, value)
    return value


def _text_cell(ws, value):
    """A cell that stays text: a value starting with "=" was text in the upload and must not become a formula
    in the copy (formula injection), and control characters openpyxl refuses are dropped."""
    if isinstance(value, Cell):
        return value
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _data_title(name: str) -> str:
    name = name or "Sheet1"
    return name if name != SUMMARY_TITLE else f"{name}(原表)"
