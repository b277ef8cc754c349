"""Build the xlsx files the roster tests upload: good ones, and each kind of bad one people really send.

Written with openpyxl. What openpyxl cannot write (a formula's saved value) is patched into the package after.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

from teachnet.core.identity import id_check_char
from teachnet.reporting.columns import TRAINEE_COLUMNS, TRAINER_COLUMNS


def make_id(*, area: str = "440106", birth: str = "19850312", seq: int = 1, male: bool = True) -> str:
    """A valid 18-digit ID-card number; the 17th digit says the gender (odd for men)."""
    seq3 = (seq * 2) % 1000  # even
    if male:
        seq3 = seq3 + 1 if seq3 < 999 else 997
    first17 = f"{area}{birth}{seq3:03d}"
    return first17 + id_check_char(first17)


def make_phone(seq: int = 1) -> str:
    return f"139{seq:08d}"


def trainee_row(seq: int = 1, **overrides: object) -> dict[str, object]:
    """A 学员信息表 row for 广州市 初中数学 that passes every check."""
    male = overrides.pop("male", seq % 2 == 1)
    row: dict[str, object] = {
        "序号": seq,
        "姓名": "张三" if male else "李四",
        "性别": "男" if male else "女",
        "民族": "汉族",
        "身份证号": make_id(seq=seq, male=male),
        "手机号码": make_phone(seq),
        "电子邮箱": f"teacher{seq}@example.com",
        "所在区县": "天河区",
        "工作单位": "广州市天河中学",
        "学段": "初中",
        "学科": "数学",
        "职称": "一级教师",
        "职务": "教师",
        "备注": "",
    }
    row.update(overrides)
    return row


def trainer_row(seq: int = 1, **overrides: object) -> dict[str, object]:
    """A 培训者信息表 row for 广东省 that passes every check."""
    row = trainee_row(seq, **{"所在地市": "广州市", "教师类型": "一线教师", **overrides})
    row.pop("所在区县", None)
    return row


def write_roster(
    path: Path,
    rows: Iterable[dict[str, object] | Sequence[object]],
    *,
    kind: str = "trainee",
    header: Sequence[object] | None = None,
    title: str = "学员信息表",
    before: Sequence[Sequence[object]] = (),
    extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
    hidden_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
    extra_first: bool = False,
    hidden_rows: Sequence[int] = (),
    hidden_columns: Sequence[str] = (),
    merged: Sequence[str] = (),
    formulas: dict[str, tuple[str, object | None]] | None = None,
    text_cells: dict[str, str] | None = None,
) -> Path:
    """A roster file: `rows` as dicts (keyed by header) or lists; the header is the template's unless given.

    `before`: rows above the header (a title row people add). `formulas`: cell -> (formula, saved value, or
    None for a file never opened in Excel; "#N/A" and the like are saved as error values). `text_cells`:
    cell -> text kept as text even when it starts with "=". `hidden_rows` are Excel row numbers.
    """
    columns = TRAINEE_COLUMNS if kind == "trainee" else TRAINER_COLUMNS
    wb = Workbook()
    ws = wb.active
    if extra_first:
        ws.title = "说明"
        for line in (extra_sheets or {}).pop("说明", [["请按模板填写"]]):
            ws.append(list(line))
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    for line in before:
        ws.append(list(line))
    ws.append(list(header if header is not None else columns))
    for row in rows:
        ws.append([row.get(c, "") for c in columns] if isinstance(row, dict) else list(row))
    for number in hidden_rows:
        ws.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    for ref in merged:
        ws.merge_cells(ref)
    for ref, (formula, _value) in (formulas or {}).items():
        ws[ref] = "=" + formula
    for ref, text in (text_cells or {}).items():
        ws[ref] = text
        ws[ref].data_type = "s"
    for name, lines in (extra_sheets or {}).items():
        extra = wb.create_sheet(name)
        for line in lines:
            extra.append(list(line))
    for name, lines in (hidden_sheets or {}).items():
        extra = wb.create_sheet(name)
        extra.sheet_state = "hidden"
        for line in lines:
            extra.append(list(line))
    wb.save(path)
    if formulas:
        _save_formula_values(path, {ref: value for ref, (_f, value) in formulas.items()})
    return path


def _save_formula_values(path: Path, values: dict[str, object | None]) -> None:
    """Write what Excel would have saved beside each formula: its last computed value."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in values.items():
        if value is None:
            continue
        # openpyxl writes the empty value as <v/> with et_xmlfile and as <v></v> with lxml (installed with
        # python-docx).
        pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)')
        kind = ' t="str"' if isinstance(value, str) else ""
        if isinstance(value, str) and value.startswith("#"):
            kind = ' t="e"'  # an error value: #N/A, #DIV/0!
        sheet = pattern.sub(
            lambda m, r=ref, k=kind, v=value: f'<c r="{r}"{m.group(1)}{k}><f>{m.group(2)}</f><v>{v}</v>',
            sheet,
        )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    _write_zip(path, parts)


def _write_zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def renamed_csv(path: Path) -> Path:
    """A CSV saved with an .xlsx name: what "rename the file" produces."""
    path.write_text("序号,姓名,性别\n1,张三,男\n", encoding="utf-8")
    return path


def renamed_xls(path: Path) -> Path:
    """The start of an OLE2 compound file: an .xls (or a password-protected .xlsx) renamed."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path


def corrupt_xlsx(path: Path) -> Path:
    """A real roster cut off halfway, as an interrupted download leaves it."""
    write_roster(path, [trainee_row(1), trainee_row(2)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def garbled_sheet_xlsx(path: Path) -> Path:
    """A package whose zip is intact but whose sheet XML is broken."""
    write_roster(path, [trainee_row(1)])
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200] + b"<<<not xml"
    _write_zip(path, parts)
    return path


def zip_bomb(path: Path, *, megabytes: int = 20) -> Path:
    """An xlsx package with a part that inflates a thousandfold."""
    write_roster(path, [trainee_row(1)])
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["xl/media/padding.bin"] = b"\0" * (megabytes * 1024 * 1024)
    _write_zip(path, parts)
    return path


def docx_like(path: Path) -> Path:
    """A Word document renamed .xlsx: a zip, but not a workbook."""
    _write_zip(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    return path


def empty_workbook(path: Path) -> Path:
    Workbook().save(path)
    return path
