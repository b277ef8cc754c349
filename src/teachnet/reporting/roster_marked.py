"""The marked copy of a checked roster (REP-3): the uploaded sheet with every wrong cell filled red and the
reason in a comment, after a first sheet "错误汇总" listing every error.

The lead fixes the marked copy itself and uploads it again, so it keeps the uploaded values as they were read
(a formula's saved value, not the formula) and the template's columns in place.
"""

from __future__ import annotations

import os
from collections import defaultdict

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from teachnet.core.xlsx_writer import Cell, Style, Workbook

from .roster_check import RosterCheck, RosterError

ERROR_STYLE = Style(fill="FFC7CE")
BOLD = Style(bold=True)
SUMMARY_TITLE = "错误汇总"
COMMENT_AUTHOR = "teachnet"
COLUMN_WIDTHS = {"序号": 6, "身份证号": 22, "手机号码": 14, "电子邮箱": 26, "工作单位": 30, "备注": 20}


def write_marked_copy(*, check: RosterCheck, path_in: str | os.PathLike, path_out: str | os.PathLike) -> None:
    """Write the marked copy of the file `check` was made from. Rows are streamed from calamine into the
    streaming writer (core.xlsx_writer), so a 100,000-row file needs no more memory than reading it, and
    takes a few seconds."""
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

    with Workbook(path_out, comment_author=COMMENT_AUTHOR) as book:
        with book.sheet(SUMMARY_TITLE, widths={0: 8, 1: 14, 2: 100}) as summary:
            _write_summary(summary, check.errors, check.warnings)
        widths = {i: COLUMN_WIDTHS.get(name, 10) for i, name in enumerate(columns)}
        with (
            book.sheet(_data_title(check.sheet), widths=widths) as data,
            open(path_in, "rb") as fh,
            CalamineWorkbook.from_filelike(fh) as source,
        ):
            sheet = source.get_sheet_by_name(check.sheet) if check.sheet else source.get_sheet_by_index(0)
            # Values go out as calamine read them (a formula's saved value, never the formula); the writer
            # keeps text as text, so a value starting with "=" cannot become a formula in the copy.
            for row_no, values in enumerate(sheet.iter_rows(), start=1):
                bad = by_row.get(row_no)
                if bad is not None:
                    # The header row's errors (a hidden column) stay on their own cells.
                    _mark_row(row_no, values, by_cell, bad if row_no > 1 else None)
                data.append(values)


def _write_summary(ws, errors: list[RosterError], warnings: list[str]) -> None:
    ws.append([Cell(title, style=BOLD) for title in (_("行号"), _("列"), _("错误说明"))])
    if not errors:
        ws.append([None, None, _("没有发现错误。")])
    for error in errors:
        ws.append([error.row or None, error.column or _("（整行）"), error.message])
    for warning in warnings:
        ws.append([None, _("提示"), warning])


def _mark_row(row_no: int, values: list, by_cell, row_messages: list[str] | None) -> None:
    if len(values) == 0:
        values.append(None)
    for col in range(len(values)):
        messages = by_cell.get((row_no, col))
        if col == 0 and row_messages:
            messages = row_messages  # 序号 carries the whole row's list
        if not messages:
            continue
        values[col] = Cell(
            values[col],
            style=ERROR_STYLE,
            comment="\n".join(messages),
            comment_size=(320, min(60 + 20 * len(messages), 400)),
        )


def _data_title(name: str) -> str:
    name = name or "Sheet1"
    return name if name != SUMMARY_TITLE else f"{name}(原表)"
