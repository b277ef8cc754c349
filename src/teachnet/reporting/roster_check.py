"""The roster check (REP-3, REP-8): read an uploaded 学员信息表 or 培训者信息表, say row by row what is wrong.

Pure Python plus region lookups: no models of its own, nothing written. The workflow (upload → check → submit)
calls `roster_check`; so do the marked copy (roster_marked) and `teachnet roster check`.

Three layers, cheapest first, each stopping at the first thing that makes the file unusable:
1. the archive: size, magic bytes, a real xlsx package, no zip bomb — `RosterUnusable`;
2. the sheet: which worksheet, the header row (typos named with the header they probably meant), the row limit
   — `RosterUnusable`; merged cells, hidden rows and columns, formulas without a saved value — row errors;
3. the rows: normalize what people really type, then validate — `RosterError`s with Excel's row number (the
   header is row 1) and the column's header text.

Speed matters (a city's file can hold 100,000 rows; the limit is 4 x python-calamine's own read time): one
pass over calamine's rows, lookups in dicts built once, the ID-card keyed hash only for valid numbers, one
call to `taken_elsewhere` for the whole file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import call, itemgetter
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from teachnet.core.identity import (
    MOBILE_RE,
    id_card_problem,
    id_gender,
    validate_id_card,
    validate_mobile,
)
from teachnet.core.protect import blind_index
from teachnet.orgs.models import Region
from teachnet.training.catalog import GP2011_SUBJECTS, STAGES, SUBJECT_ALIASES, SubjectSpec, subject_by_label

from .columns import (
    ETHNICITIES,
    GENDERS,
    TEACHER_TYPES,
    TRAINEE_COLUMNS,
    TRAINEE_REQUIRED,
    TRAINER_COLUMNS,
    TRAINER_REQUIRED,
)

Kind = Literal["trainee", "trainer"]

DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A 200,000-row sheet is about 150 MiB of XML; anything that inflates far beyond is not a roster.
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# Real sheets compress 10-30x; a zip bomb thousands of times. Small parts are exempt (a tiny ratio test
# would flag an empty styles part for nothing).
MAX_COMPRESSION_RATIO = 100
RATIO_EXEMPT_BYTES = 1024 * 1024

# Longest value each free-text column may hold: longer is almost always two cells pasted into one.
MAX_LENGTHS = {"姓名": 30, "工作单位": 100, "职称": 30, "职务": 50, "备注": 200, "电子邮箱": 254}

# Extra keys of RosterRow.values, beside the column headers.
REGION_CODE = "region_code"
ID_CARD_INDEX = "id_card_index"

ID_COL = "身份证号"
PHONE_COL = "手机号码"
EMAIL_COL = "电子邮箱"
GENDER_COL = "性别"
ETHNICITY_COL = "民族"
STAGE_COL = "学段"
SUBJECT_COL = "学科"
TEACHER_TYPE_COL = "教师类型"
NAME_COL = "姓名"
COUNTY_COL = "所在区县"
CITY_COL = "所在地市"

# Syntax only, as people write addresses here: a local part, "@", dot-separated labels.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
ROW_ATTR_RE = re.compile(rb'\sr="(\d+)"')
COL_RANGE_RE = re.compile(rb'\smin="(\d+)"[^>]*?\smax="(\d+)"|\smax="(\d+)"[^>]*?\smin="(\d+)"')
CELL_REF_RE = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
GENDER_VALUES = {**{g: g for g in GENDERS}, **{g + "性": g for g in GENDERS}}
ETHNICITY_VALUES = {**{e: e for e in ETHNICITIES}, **{e.removesuffix("族"): e for e in ETHNICITIES}}
REGION_SUFFIXES = ("市", "区", "县", "旗", "盟", "地区")
DIRECT_COUNTY_GROUPS = ("省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class RosterError:
    row: int  # Excel's row number (the header is 1); 0 for the whole file
    column: str  # the column's header text; "" when the error is about the whole row or file
    code: str
    message: str


@dataclass
class RosterRow:
    """One data row that passed every check, normalized.

    `values` is keyed by header text; 身份证号 is the upper-case 18-character number, 手机号码 11 digits, 性别
    男/女, 民族 the full name, 学段/学科 the catalog's names. Extra keys: `region_code` (the 6-digit code of
    所在区县 or 所在地市) and `id_card_index` (blind_index("id_card", 身份证号)).
    """

    row: int
    values: dict[str, str]


@dataclass
class RosterCheck:
    rows: int  # data rows (blank rows are not counted)
    errors: list[RosterError]
    valid_rows: list[RosterRow]
    warnings: list[str]
    sheet: str = ""  # the worksheet that was checked
    columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class RosterUnusable(Exception):
    """The file cannot be checked row by row: the message says why and what to do; nothing is saved."""

    def __init__(self, message: str, code: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or []


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def cell_text(value: object) -> str:
    """What a person sees in the cell, as text: 13912345678.0 -> "13912345678", 1.0 -> "1", dates ISO."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        return str(int(value)) if value.is_integer() else repr(value)  # type: ignore[union-attr]
    if kind is int:
        return str(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is dt.datetime:
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")  # type: ignore[union-attr]
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def clean_text(value: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), blanks around removed, inner runs of blanks made one."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split())


def clean_code(value: str) -> str:
    """For numbers and addresses (ID card, phone, email, region): every blank removed."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return "".join(value.split())


def clean_name(value: str) -> str:
    """Chinese names lose every blank (people pad two-character names: "张  三"); Latin names keep one."""
    value = clean_text(value)
    return value if value.isascii() else value.replace(" ", "")


def _header_text(value: object) -> str:
    text = clean_code(cell_text(value))
    # A template may mark required columns "*姓名" or "姓名(必填)": the column is still 姓名.
    return text.replace("(必填)", "").strip("*")


# --- layer 1: the archive --------------------------------------------------------------------------------


def _unusable_not_xlsx(detail: str) -> RosterUnusable:
    return RosterUnusable(
        _(
            "上传的文件不是Excel工作簿（.xlsx）：%(detail)s请用Excel或WPS打开模板填写，另存为“Excel工作簿(*.xlsx)”后再上传。"
        )
        % {"detail": detail},
        "not_xlsx",
    )


def _open_archive(path: Path, max_bytes: int) -> zipfile.ZipFile:
    size = os.path.getsize(path)
    if size == 0:
        raise RosterUnusable(_("上传的文件是空的（0字节）。请在模板中填写后重新上传。"), "empty")
    if size > max_bytes:
        raise RosterUnusable(
            _("文件有%(size).1f MB，超过了上限%(limit)d MB。请删除多余的工作表、图片和空白格式后再上传。")
            % {"size": size / 1024 / 1024, "limit": max_bytes // (1024 * 1024)},
            "too_large",
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unusable_not_xlsx(_("它是旧版的 .xls 文件，或设置了打开密码的文件（请先取消密码）。"))
    if head.startswith(b"PK\x05\x06"):
        raise RosterUnusable(
            _("文件是一个空的压缩包，不是Excel工作簿。请上传填好的 .xlsx 文件。"), "not_xlsx"
        )
    if not head.startswith(b"PK\x03\x04"):
        raise _unusable_not_xlsx(_("它可能是改了扩展名的 CSV、文本、网页或 .xls 文件。"))
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt() from exc
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        archive.close()
        if "content.xml" in names:
            raise _unusable_not_xlsx(_("它是 .ods 表格（WPS/LibreOffice 格式）。"))
        if "word/document.xml" in names:
            raise _unusable_not_xlsx(_("它是一个Word文档。"))
        raise _unusable_not_xlsx(_("它是一个压缩包，里面没有Excel工作簿。"))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            info.file_size > RATIO_EXEMPT_BYTES and ratio > MAX_COMPRESSION_RATIO
        ):
            archive.close()
            raise _zip_bomb()
    return archive


def _corrupt() -> RosterUnusable:
    return RosterUnusable(
        _(
            "文件已损坏或不完整，无法读取（可能没有下载或上传完整）。请用Excel或WPS打开它，确认内容无误后重新保存再上传。"
        ),
        "corrupt",
    )


def _zip_bomb() -> RosterUnusable:
    return RosterUnusable(
        _(
            "文件解压后异常巨大（超过%(limit)d MB），不像是一张名单表，已拒绝。"
            "请只保留模板中的工作表，重新保存后上传。"
        )
        % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
        "zip_bomb",
    )


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package (xl/worksheets/sheetN.xml), from workbook.xml and its rels."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        # Two small parts; expat (>= 2.4) refuses entity-expansion bombs and ElementTree never fetches
        # external entities, which is what defusedxml would add.
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = {}
    for sheet in workbook.iter(f"{ns_main}sheet"):
        part = targets.get(sheet.get(f"{ns_rel}id"))
        if part:
            parts[sheet.get("name", "")] = part
    return parts


@dataclass
class _SheetScan:
    hidden_rows: set[int] = field(default_factory=set)  # Excel row numbers
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    formulas: int = 0
    # (Excel row, 0-based column) -> "" when no value was saved, else the error value saved (#N/A …):
    # calamine reads both as an empty cell.
    formula_problems: dict[tuple[int, int], str] = field(default_factory=dict)


SCAN_CHUNK = 4 * 1024 * 1024
SCAN_CONTEXT = 8192  # bytes kept around a marker: a row tag, a cell with its formula


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> _SheetScan:
    """What calamine does not tell: hidden rows and columns, formulas and whether their value was saved.

    A streaming byte search rather than an XML parse: the sheet of a 100,000-row file is ~80 MB of XML, which
    ElementTree.iterparse takes seconds to walk, while bytes.find over the inflated chunks takes ~0.2 s. Only
    the few tags around a marker are looked at. It also counts what it inflates, so a part that lies about its
    size in the zip directory still cannot inflate past the limit.
    """
    scan = _SheetScan()
    inflated = 0
    try:
        with archive.open(part) as fh:
            buf = b""
            start = 0  # markers before this offset of buf have been handled
            while True:
                chunk = fh.read(SCAN_CHUNK)
                inflated += len(chunk)
                if inflated > MAX_UNCOMPRESSED_BYTES:
                    raise _zip_bomb()
                buf = buf + chunk if buf else chunk
                end = len(buf) - SCAN_CONTEXT if chunk else len(buf)
                _scan_hidden(buf, start, end, scan)
                _scan_formulas(buf, start, end, scan)
                if not chunk:
                    break
                keep = max(end - SCAN_CONTEXT, 0)
                buf, start = buf[keep:], max(end - keep, 0)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _corrupt() from exc
    return scan


def _scan_hidden(buf: bytes, start: int, end: int, scan: _SheetScan) -> None:
    pos = buf.find(b'hidden="', start)
    while pos != -1 and pos < end:
        value = buf[pos + 8 : pos + 13]
        if value.startswith((b'1"', b'true"')):
            tag_start = buf.rfind(b"<", 0, pos)
            tag_end = buf.find(b">", pos)
            tag = buf[tag_start:tag_end]
            name = tag[1:].split(None, 1)[0] if tag else b""
            if name.endswith(b"row"):
                match = ROW_ATTR_RE.search(tag)
                if match:
                    scan.hidden_rows.add(int(match.group(1)))
            elif name.endswith(b"col"):
                match = COL_RANGE_RE.search(tag)
                if match:
                    low, high = (
                        (int(match.group(1)), int(match.group(2)))
                        if match.group(1)
                        else (
                            int(match.group(4)),
                            int(match.group(3)),
                        )
                    )
                    # A column range may run to 16384; only the template's columns matter.
                    scan.hidden_columns.update(range(low - 1, min(high, 64)))
        pos = buf.find(b'hidden="', pos + 8)


def _scan_formulas(buf: bytes, start: int, end: int, scan: _SheetScan) -> None:
    pos = buf.find(b"<f", start)
    while pos != -1 and pos < end:
        if buf[pos + 2 : pos + 3] in (b">", b" ", b"/"):
            scan.formulas += 1
            cell_start = buf.rfind(b"<c ", max(pos - SCAN_CONTEXT, 0), pos)
            cell_end = buf.find(b"</c>", pos, pos + SCAN_CONTEXT)
            if cell_start != -1 and cell_end != -1:
                tag_end = buf.find(b">", cell_start)
                ref = CELL_REF_RE.search(buf, cell_start, tag_end)
                value_at = buf.find(b"<v>", pos, cell_end)
                # The formula's text is XML-escaped, so "<v>" inside the cell can only be the saved value.
                if ref and (value_at == -1 or buf[value_at + 3 : value_at + 4] == b"<"):
                    scan.formula_problems[(int(ref.group(2)), _column_index(ref.group(1)))] = ""
                elif ref and buf.find(b' t="e"', cell_start, tag_end) != -1:
                    error_value = buf[value_at + 3 : buf.find(b"<", value_at + 3)].decode(errors="replace")
                    scan.formula_problems[(int(ref.group(2)), _column_index(ref.group(1)))] = error_value
        pos = buf.find(b"<f", pos + 2)


# --- layer 2: the sheet and its header -------------------------------------------------------------------


def _table_name(kind: Kind) -> str:
    return _("学员信息表") if kind == "trainee" else _("培训者信息表")


def _header_score(header: list[str], columns: tuple[str, ...]) -> int:
    expected = set(columns)
    return sum(1 for h in header if h in expected)


def _pick_sheet(workbook: CalamineWorkbook, columns: tuple[str, ...], kind: Kind):
    """The first visible worksheet whose first row looks most like the template's header; the others are
    named in a warning when they hold anything, so nobody believes a second sheet was read too."""
    sheets = []  # (name, sheet, visible, header score), in workbook order
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = workbook.get_sheet_by_index(index)
        visible = meta.visible == SheetVisibleEnum.Visible
        score = -1
        if visible:
            head = sheet.to_python(skip_empty_area=False, nrows=1)
            score = _header_score([_header_text(v) for v in head[0]] if head else [], columns)
        sheets.append((meta.name, sheet, visible, score))
    visible_sheets = [s for s in sheets if s[2]]
    if not visible_sheets:
        raise RosterUnusable(_("文件中没有可见的工作表。请在Excel中取消隐藏工作表后重新上传。"), "empty")
    best = max(visible_sheets, key=lambda s: s[3])  # max() keeps the first of equals
    warnings = []
    for name, sheet, visible, _score in sheets:
        if name == best[0] or sheet.start is None:
            continue
        if visible:
            warnings.append(
                _("工作表“%(name)s”不是%(table)s，未读取，已忽略。")
                % {"name": name, "table": _table_name(kind)}
            )
        else:
            warnings.append(_("隐藏的工作表“%(name)s”未读取，已忽略。") % {"name": name})
    return best[0], best[1], warnings


def _header_problems(got: list[str], columns: tuple[str, ...]) -> list[str]:
    """Each header cell that differs from the template, with the header it probably meant."""
    problems = []
    matcher = difflib.SequenceMatcher(a=got, b=list(columns), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        wanted = list(columns[j1:j2])
        if tag == "replace" and i2 - i1 == j2 - j1:
            for i, want in zip(range(i1, i2), wanted, strict=True):
                problems.append(_wrong_header(i, got[i], want))
            continue
        for i in range(i1, i2):
            text = got[i]
            if text in columns:
                problems.append(
                    _("第%(col)s列“%(got)s”的位置不对：模板中它在第%(want)s列。请按模板的列顺序排列。")
                    % {"col": column_letter(i), "got": text, "want": column_letter(columns.index(text))}
                )
                continue
            guess = difflib.get_close_matches(text, wanted, n=1, cutoff=0.4) if text else []
            if guess:
                wanted.remove(guess[0])
                problems.append(_wrong_header(i, text, guess[0]))
            elif text:
                problems.append(
                    _("第%(col)s列“%(got)s”不是模板中的列，请删除这一列。")
                    % {"col": column_letter(i), "got": text}
                )
            else:
                problems.append(_("第%(col)s列的表头是空的，请删除这一列。") % {"col": column_letter(i)})
        for want in wanted:
            if want in got:
                continue  # reported above as misplaced
            problems.append(
                _("缺少“%(want)s”列（模板中在第%(col)s列）。")
                % {"want": want, "col": column_letter(columns.index(want))}
            )
    return problems


def _wrong_header(index: int, got: str, want: str) -> str:
    if not got:
        return _("第%(col)s列的表头是空的，应为“%(want)s”。") % {"col": column_letter(index), "want": want}
    return _("第%(col)s列表头“%(got)s”应为“%(want)s”。") % {
        "col": column_letter(index),
        "got": got,
        "want": want,
    }


def _check_header(sheet, columns: tuple[str, ...], kind: Kind) -> None:
    top = sheet.to_python(skip_empty_area=False, nrows=4)
    if not top or sheet.start is None:
        raise RosterUnusable(_("文件是空的：没有表头，也没有数据。请在模板中填写后上传。"), "empty")
    header = [_header_text(v) for v in top[0]]
    while header and not header[-1]:
        header.pop()
    if header == list(columns):
        return
    for offset, row in enumerate(top[1:], start=2):
        below = [_header_text(v) for v in row]
        if below[: len(columns)] == list(columns):
            raise RosterUnusable(
                _("表头应在第1行，这个文件的表头在第%(row)d行。请删除表头上方的标题或空行后重新上传。")
                % {"row": offset},
                "header",
            )
    expected = "、".join(columns)
    if _header_score(header, columns) < len(columns) // 2:
        raise RosterUnusable(
            _("第1行不是%(table)s的表头。请下载模板，按模板填写后上传。第1行应依次为：%(columns)s。")
            % {"table": _table_name(kind), "columns": expected},
            "header",
        )
    problems = _header_problems(header, columns)
    raise RosterUnusable(
        _("表头与模板不一致：%(problems)s 请改正表头（第1行）后重新上传。")
        % {"problems": " ".join(problems)},
        "header",
        details=problems,
    )


# --- layer 3: regions and subjects -----------------------------------------------------------------------


def _aliases(entries: list[tuple[str, str]], prefixes: tuple[str, ...]) -> dict[str, str]:
    """Every way people write a region -> its code: the code, the name, the name without 区/县/市 when that
    is unique, and the name after the parent's name ("广州市天河区")."""
    lookup: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for code, name in entries:
        lookup.setdefault(code, code)
        lookup.setdefault(name, code)  # 重庆市 twice: the lower code wins
        for prefix in prefixes:
            lookup.setdefault(prefix + name, code)
        for suffix in REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short.setdefault(name[: -len(suffix)], set()).add(code)
    for name, codes in short.items():
        if len(codes) == 1 and name not in lookup:
            lookup[name] = codes.pop()
    return lookup


def _county_lookup(city: Region) -> tuple[dict[str, str], str]:
    entries = list(
        Region.objects.filter(code__startswith=city.code[:4], level=Region.Level.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    )
    if not entries:
        # 东莞市, 中山市 …: cities without counties; their people write the city itself.
        entries = [(city.code, city.name)]
    prefixes = (city.name, city.name[:-1]) if city.name.endswith("市") else (city.name,)
    return _aliases(entries, prefixes), entries[0][1]


def _city_lookup(province: Region) -> tuple[dict[str, str], str]:
    cities = list(
        Region.objects.filter(
            code__startswith=province.code[:2], level__in=[Region.Level.CITY, Region.Level.COUNTY]
        )
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
    )
    groups = {
        code
        for code, name, level, _parent in cities
        if level == Region.Level.CITY and name in DIRECT_COUNTY_GROUPS
    }
    entries = [
        (code, name)
        for code, name, level, parent in cities
        # County-level cities directly under the province (仙桃市) stand where a city would.
        if (level == Region.Level.CITY and code not in groups)
        or (level == Region.Level.COUNTY and parent in groups)
    ]
    prefixes = (province.name, province.name[:-1]) if province.name.endswith("省") else (province.name,)
    return _aliases(entries, prefixes), entries[0][1] if entries else ""


def _subject_names(subject: SubjectSpec) -> set[str]:
    names = {subject.name, subject.label}
    names.update(alias for alias, name in SUBJECT_ALIASES.items() if name == subject.name)
    names.update(subject.stage + alias for alias, name in SUBJECT_ALIASES.items() if name == subject.name)
    return names


# --- the check -------------------------------------------------------------------------------------------


def roster_check(
    *,
    path: str | os.PathLike,
    kind: Kind,
    scope: Region,
    subject: SubjectSpec | None,
    quota: int | None = None,
    taken_elsewhere: Callable[[list[str]], set[str]] | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> RosterCheck:
    """Check one uploaded roster file: the city's trainees for `subject`, or the province's trainers.

    `scope` is the uploading city (trainee) or province (trainer). `quota` is the places for this scope and
    subject (REP-8): every data row past it is an `over_quota` error, so the lead sees how many and which rows
    to take out. `taken_elsewhere(hashes)` answers which ID-card keyed hashes another submission of the same
    project already holds; it is called once. Raises RosterUnusable when the file cannot be checked at all.
    """
    if kind == "trainee":
        if subject is None:
            raise ValueError("a trainee roster is checked against its subject")
        columns, required = TRAINEE_COLUMNS, TRAINEE_REQUIRED
    elif kind == "trainer":
        columns, required = TRAINER_COLUMNS, TRAINER_REQUIRED
    else:
        raise ValueError(f"unknown roster kind {kind!r}")
    if max_rows is None:
        max_rows = getattr(settings, "ROSTER_MAX_ROWS", DEFAULT_MAX_ROWS)
    if max_bytes is None:
        max_bytes = getattr(settings, "ROSTER_MAX_BYTES", DEFAULT_MAX_BYTES)
    path = Path(path)

    archive = _open_archive(path, max_bytes)
    try:
        # From the bytes, not the path: calamine picks its reader by the file's extension, and an upload's
        # name may say .xls (or nothing) for what the checks above found to be an xlsx package.
        with open(path, "rb") as fh, CalamineWorkbook.from_filelike(fh) as workbook:
            sheet_name, sheet, warnings = _pick_sheet(workbook, columns, kind)
            _check_header(sheet, columns, kind)
            merged = sheet.merged_cell_ranges or []
            part = _sheet_parts(archive).get(sheet_name)
            scan = _scan_sheet(archive, part) if part else _SheetScan()
            checker = _RowChecker(
                kind=kind, scope=scope, subject=subject, columns=columns, required=required, scan=scan
            )
            checker.run(sheet, max_rows=max_rows)
    except CalamineError as exc:
        raise _corrupt() from exc
    finally:
        archive.close()

    if scan.formulas:
        warnings.append(
            _("表中有%(count)d个公式单元格：已按文件中保存的计算结果检查，公式本身不会被重新计算。")
            % {"count": scan.formulas}
        )
    checker.check_sheet_structure(merged=merged)
    if taken_elsewhere is not None:
        checker.check_taken_elsewhere(taken_elsewhere)
    if quota is not None:
        checker.check_quota(quota)
    return checker.result(sheet_name=sheet_name, warnings=warnings)


def xlsx_visible_sheets(
    *, path: str | os.PathLike, max_bytes: int, max_rows: int
) -> list[tuple[str, list[list[object]]]]:
    """The visible worksheets of an uploaded xlsx that is not a roster (a project's quotas, TRN-1), each as
    its rows from A1 (at most max_rows + 1, so the caller can tell a sheet over its limit).

    The file passes the roster's archive checks first: the size before anything parses it, the bytes of a
    real xlsx package (a renamed CSV or .xls is named as such), no zip bomb, each sheet's inflated size
    counted. Raises RosterUnusable, whose message says what to do.
    """
    path = Path(path)
    archive = _open_archive(path, max_bytes)
    try:
        for part in _sheet_parts(archive).values():
            _scan_sheet(archive, part)  # counts what it inflates: a part lying about its size stops here
    finally:
        archive.close()
    sheets = []
    try:
        with open(path, "rb") as fh, CalamineWorkbook.from_filelike(fh) as workbook:
            for index, meta in enumerate(workbook.sheets_metadata):
                if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                    continue
                sheet = workbook.get_sheet_by_index(index)
                rows = (
                    [] if sheet.start is None else sheet.to_python(skip_empty_area=False, nrows=max_rows + 1)
                )
                sheets.append((meta.name, rows))
    except CalamineError as exc:
        raise _corrupt() from exc
    return sheets


class _CleanCache(dict):
    """value -> clean(value), computed on first use."""

    def __init__(self, clean: Callable[[str], str]):
        super().__init__()
        self.clean = clean

    def __missing__(self, value: str) -> str:
        cleaned = self[value] = self.clean(value)
        return cleaned


class _RowChecker:
    """One pass over the rows; lookups prepared once in __init__."""

    def __init__(self, *, kind, scope, subject, columns, required, scan: _SheetScan):
        self.kind = kind
        self.scope = scope
        self.subject = subject
        self.columns = columns
        self.width = len(columns)
        self.index = {name: i for i, name in enumerate(columns)}
        self.required = [(self.index[name], name) for name in required]
        self.scan = scan
        self.errors: list[RosterError] = []
        self.bad_rows: set[int] = set()
        self.rows: list[RosterRow] = []
        self.data_rows: list[int] = []
        self.first_id: dict[str, int] = {}
        self.first_phone: dict[str, int] = {}
        self.id_index_rows: dict[str, list[int]] = {}
        if kind == "trainee":
            self.region_col = COUNTY_COL
            self.regions, self.region_example = _county_lookup(scope)
            self.subject_names = _subject_names(subject)
        else:
            self.region_col = CITY_COL
            self.regions, self.region_example = _city_lookup(scope)
        self.subject_cache: dict[tuple[str, str], tuple[str, str] | None] = {}
        self.today = dt.date.today()

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.errors.append(RosterError(row=row, column=column, code=code, message=message))
        self.bad_rows.add(row)

    # -- the pass over the rows --

    def run(self, sheet, *, max_rows: int) -> None:
        width = self.width
        columns = self.columns
        i_id, i_phone, i_email = self.index[ID_COL], self.index[PHONE_COL], self.index[EMAIL_COL]
        i_name, i_gender, i_eth = self.index[NAME_COL], self.index[GENDER_COL], self.index[ETHNICITY_COL]
        i_region = self.index[self.region_col]
        # One cleaner per column. Values that repeat (性别, 所在区县, 工作单位 …) are cleaned once each,
        # through a dict that cleans on a miss; values unique per person are cleaned directly. map() keeps
        # the loop over the cells in C: this is the hottest line of a 100,000-row check.
        cleaners: list[Callable[[str], str]] = [_CleanCache(clean_text).__getitem__ for _ in range(width)]
        cleaners[i_region] = _CleanCache(clean_code).__getitem__
        cleaners[i_name] = _CleanCache(clean_name).__getitem__
        for i in (i_id, i_phone, i_email):
            cleaners[i] = clean_code
        required = self.required
        i_stage, i_subject = self.index[STAGE_COL], self.index[SUBJECT_COL]
        if self.kind == "trainee":
            fast_stage, fast_names, fast_name = self.subject.stage, self.subject_names, self.subject.name
        else:
            fast_stage, fast_names, fast_name = None, (), ""
        required_cells = itemgetter(*(i for i, _name in required))
        scan = self.scan
        hidden_rows = scan.hidden_rows
        no_value = scan.formula_problems
        i_type = self.index.get(TEACHER_TYPE_COL)
        lengths = [(self.index[name], name, limit) for name, limit in MAX_LENGTHS.items()]
        shortest_limit = min(MAX_LENGTHS.values())
        blank = [""] * width
        # calamine gives every row the sheet's width: whether to pad or look past the template, once.
        short_rows = sheet.width < width
        wide_rows = sheet.width > width
        count = 0
        row_no = 0
        for row_no, raw in enumerate(sheet.iter_rows(), start=1):
            if row_no == 1:
                continue
            texts = [v if type(v) is str else cell_text(v) for v in raw[:width]]
            if short_rows and len(texts) < width:
                texts += blank[len(texts) :]
            if not any(texts):
                if wide_rows and any(cell_text(v).strip() for v in raw[width:]):
                    count += 1
                    self.data_rows.append(row_no)
                    self._extra_values(row_no, raw)
                continue
            texts = list(map(call, cleaners, texts))
            if not any(texts):
                continue
            count += 1
            if count > max_rows:
                raise RosterUnusable(
                    _("数据超过%(limit)d行的上限。请分成几个文件，或删除多余的行后再上传。")
                    % {"limit": max_rows},
                    "too_many_rows",
                )
            self.data_rows.append(row_no)
            errors_before = len(self.errors)
            unsaved = ()
            if no_value:
                unsaved = [i for i in range(width) if (row_no, i) in no_value]
                for i in unsaved:
                    self._formula_problem(row_no, columns[i], no_value[(row_no, i)])
            if "" in required_cells(texts):
                for i, name in required:
                    if not texts[i] and i not in unsaved:
                        self.error(row_no, name, "required", _("“%(col)s”不能为空。") % {"col": name})
            values = dict(zip(columns, texts, strict=True))

            if texts[i_id]:
                number = self._check_id(row_no, raw[i_id], texts[i_id])
                if number:
                    values[ID_COL] = number
                    values[ID_CARD_INDEX] = self.last_index
            else:
                number = ""
            gender = GENDER_VALUES.get(texts[i_gender]) if texts[i_gender] else None
            if texts[i_gender] and gender is None:
                self.error(
                    row_no,
                    GENDER_COL,
                    "gender_value",
                    _("性别“%(value)s”无法识别，请填写“男”或“女”。") % {"value": texts[i_gender]},
                )
            elif gender:
                values[GENDER_COL] = gender
                if number and ("男" if id_gender(number) == "M" else "女") != gender:
                    self.error(
                        row_no,
                        GENDER_COL,
                        "gender_mismatch",
                        _(
                            "性别填的是“%(gender)s”，但身份证号第17位表示“%(id_gender)s”。请核对性别和身份证号。"
                        )
                        % {"gender": gender, "id_gender": "女" if gender == "男" else "男"},
                    )
            if texts[i_eth]:
                ethnicity = ETHNICITY_VALUES.get(texts[i_eth])
                if ethnicity is None:
                    self.error(
                        row_no,
                        ETHNICITY_COL,
                        "ethnicity_value",
                        _("民族“%(value)s”不是56个民族的名称之一，请填写全称，如“汉族”“壮族”。")
                        % {"value": texts[i_eth]},
                    )
                else:
                    values[ETHNICITY_COL] = ethnicity
            if texts[i_phone]:
                phone = self._check_phone(row_no, raw[i_phone], texts[i_phone])
                if phone:
                    values[PHONE_COL] = phone
            if texts[i_email] and not EMAIL_RE.fullmatch(texts[i_email]):
                self.error(
                    row_no,
                    EMAIL_COL,
                    "email_format",
                    _("电子邮箱“%(value)s”格式不对，应形如 name@example.com；没有可以不填。")
                    % {"value": texts[i_email]},
                )
            if texts[i_region]:
                code = self.regions.get(texts[i_region])
                if code is None:
                    self._region_not_in_scope(row_no, texts[i_region])
                else:
                    values[REGION_CODE] = code
            stage, subject_name = texts[i_stage], texts[i_subject]
            if stage == fast_stage and subject_name in fast_names:
                values[SUBJECT_COL] = fast_name  # the file's own subject, as nearly every row says
            else:
                self._check_subject(row_no, stage, subject_name, values)
            if i_type is not None:
                value = texts[i_type]
                if value and value not in TEACHER_TYPES:
                    self.error(
                        row_no,
                        TEACHER_TYPE_COL,
                        "teacher_type_value",
                        _("教师类型“%(value)s”无法识别，请填写%(choices)s。")
                        % {"value": value, "choices": "或".join(f"“{t}”" for t in TEACHER_TYPES)},
                    )
            for i, name, limit in lengths if max(map(len, texts)) > shortest_limit else ():
                if len(texts[i]) > limit:
                    self.error(
                        row_no,
                        name,
                        "too_long",
                        _(
                            "“%(col)s”最多%(limit)d个字，这里有%(length)d个字。请检查是否把几格内容填进了一格。"
                        )
                        % {"col": name, "limit": limit, "length": len(texts[i])},
                    )
            if wide_rows:
                self._extra_values(row_no, raw)
            if row_no in hidden_rows:
                # Hidden rows are an error, not a warning: people hide rows to "delete" them, so the file as
                # seen is not the file as sent. Submitting them or silently skipping them would each surprise
                # someone; only the lead can decide, after unhiding and looking.
                self.error(
                    row_no,
                    "",
                    "hidden_row",
                    _(
                        "这一行被隐藏了（或被筛选隐藏）。隐藏的行也会被上报：请取消隐藏并核对，不需要的行请删除。"
                    ),
                )
            if len(self.errors) == errors_before:
                self.rows.append(RosterRow(row=row_no, values=values))
        if count == 0:
            raise RosterUnusable(_("表中只有表头，没有数据行。请从第2行起填写后再上传。"), "empty")
        self.count = count

    def _check_id(self, row_no: int, raw: object, text: str) -> str:
        if type(raw) is not str and isinstance(raw, dt.date | dt.time | dt.timedelta):
            self.error(
                row_no,
                ID_COL,
                "id_format",
                _("这一格被设成了日期格式，显示的不是身份证号。请把该列设为“文本”格式后重新填写身份证号。"),
            )
            return ""
        if type(raw) is float and raw >= 1e15:
            self.error(
                row_no,
                ID_COL,
                "id_format",
                _(
                    "身份证号被Excel当作数字保存，最后几位已经丢失（Excel只保留15位数字）。"
                    "请把该列设为“文本”格式，再重新输入身份证号。"
                ),
            )
            return ""
        number = text.upper()  # clean_code has done the rest of normalize_id_card
        if id_card_problem(number, today=self.today):
            # The shared validator words the message (and has the last word on what is valid).
            try:
                number = validate_id_card(number)
            except ValidationError as exc:
                self.error(row_no, ID_COL, exc.code or "id_format", exc.messages[0])
                return ""
        first = self.first_id.setdefault(number, row_no)
        if first != row_no:
            self.error(
                row_no,
                ID_COL,
                "duplicate_id",
                _("身份证号与第%(first)d行重复：同一个人只能上报一次。请删除重复的行，或核对号码。")
                % {"first": first},
            )
        digest = blind_index("id_card", number)
        self.id_index_rows.setdefault(digest, []).append(row_no)
        self.last_index = digest
        return number

    def _check_phone(self, row_no: int, raw: object, text: str) -> str:
        if type(raw) is not str and isinstance(raw, dt.date | dt.time | dt.timedelta):
            self.error(
                row_no,
                PHONE_COL,
                "phone_format",
                _("这一格被设成了日期格式，显示的不是手机号码。请把该列设为“文本”格式后重新填写。"),
            )
            return ""
        if len(text) == 11 and text.isascii() and MOBILE_RE.fullmatch(text):
            phone = text  # already clean: the common case, without normalizing again
        else:
            try:
                phone = validate_mobile(text)
            except ValidationError as exc:
                self.error(row_no, PHONE_COL, exc.code or "phone_format", exc.messages[0])
                return ""
        first = self.first_phone.setdefault(phone, row_no)
        if first != row_no:
            self.error(
                row_no,
                PHONE_COL,
                "duplicate_phone",
                _("手机号码与第%(first)d行重复：每人应填写本人的手机号码。请核对。") % {"first": first},
            )
        return phone

    def _region_not_in_scope(self, row_no: int, value: str) -> None:
        if self.kind == "trainee":
            message = _(
                "“%(value)s”不是%(scope)s的区县。请填写本市的区县名称（如“%(example)s”）或6位行政区划代码。"
            )
        else:
            message = _(
                "“%(value)s”不是%(scope)s的地市。请填写本省的地市名称（如“%(example)s”）或6位行政区划代码。"
            )
        self.error(
            row_no,
            self.region_col,
            "region_not_in_scope",
            message % {"value": value, "scope": self.scope.name, "example": self.region_example},
        )

    def _check_subject(self, row_no: int, stage: str, name: str, values: dict[str, str]) -> None:
        if self.kind == "trainee":
            spec = self.subject
            if stage and stage != spec.stage:
                self.error(
                    row_no,
                    STAGE_COL,
                    "stage_mismatch",
                    _(
                        "学段“%(value)s”与本表的学科不符：这是%(label)s的名单，学段应为“%(stage)s”。"
                        "其他学段的学员请放到对应学科的表中上报。"
                    )
                    % {"value": stage, "label": spec.label, "stage": spec.stage},
                )
            if name:
                if name in self.subject_names:
                    values[SUBJECT_COL] = spec.name
                else:
                    self.error(
                        row_no,
                        SUBJECT_COL,
                        "subject_mismatch",
                        _(
                            "学科“%(value)s”与本表不符：这是%(label)s的名单，学科应为“%(name)s”。"
                            "其他学科的学员请放到对应学科的表中上报。"
                        )
                        % {"value": name, "label": spec.label, "name": spec.name},
                    )
            return
        if not stage or not name:
            return
        key = (stage, name)
        if key not in self.subject_cache:
            spec = subject_by_label(stage + name) or subject_by_label(name)
            self.subject_cache[key] = (spec.stage, spec.name) if spec and spec.stage == stage else None
        found = self.subject_cache[key]
        if stage not in STAGES:
            self.error(
                row_no,
                STAGE_COL,
                "stage_value",
                _("学段“%(value)s”无法识别，请填写%(choices)s。")
                % {"value": stage, "choices": "或".join(f"“{s}”" for s in STAGES)},
            )
        elif found is None:
            choices = "、".join(s.name for s in GP2011_SUBJECTS if s.stage == stage)
            self.error(
                row_no,
                SUBJECT_COL,
                "subject_value",
                _("“%(stage)s%(value)s”不是本项目的培训学科。%(stage)s的学科有：%(choices)s。")
                % {"stage": stage, "value": name, "choices": choices},
            )
        else:
            values[STAGE_COL], values[SUBJECT_COL] = found

    def _extra_values(self, row_no: int, raw: list) -> None:
        for i in range(self.width, len(raw)):
            if cell_text(raw[i]).strip():
                self.error(
                    row_no,
                    "",
                    "extra_value",
                    _("第%(col)s列在模板的列之外，它的内容不会被上报。请删除，或移到“备注”列。")
                    % {"col": column_letter(i)},
                )
                return

    def _formula_problem(self, row_no: int, column: str, error_value: str) -> None:
        if error_value:
            self.error(
                row_no,
                column,
                "formula_error",
                _("这一格的公式算出了错误值 %(value)s，没有内容可以上报。请改正公式，或直接填写内容。")
                % {"value": error_value},
            )
            return
        self.error(
            row_no,
            column,
            "formula_no_value",
            _(
                "这一格是公式，但文件里没有保存它的计算结果（多见于程序生成的文件）。"
                "请用Excel或WPS打开文件后保存一次，或把公式换成数值。"
            ),
        )

    # -- checks after the pass --

    def check_sheet_structure(self, *, merged) -> None:
        data_rows = set(self.data_rows)
        for (top, left), (bottom, right) in merged:
            first = next((r for r in range(top + 1, bottom + 2) if r in data_rows), None)
            if left >= self.width or first is None:
                continue  # outside the table: harmless
            ref = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            self.error(
                first,
                self.columns[left],
                "merged_cells",
                _(
                    "单元格%(ref)s是合并单元格。合并后只有左上角一格有内容，其余各格都是空的。"
                    "请取消合并，并在每一格里填上内容。"
                )
                % {"ref": ref},
            )
        for col in sorted(self.scan.hidden_columns):
            if col < self.width:
                self.error(
                    1,
                    self.columns[col],
                    "hidden_column",
                    _("第%(col)s列“%(name)s”被隐藏了：隐藏列的内容也会被上报。请取消隐藏并核对这一列。")
                    % {"col": column_letter(col), "name": self.columns[col]},
                )

    def check_taken_elsewhere(self, taken_elsewhere: Callable[[list[str]], set[str]]) -> None:
        if not self.id_index_rows:
            return
        hits = taken_elsewhere(list(self.id_index_rows))
        for digest in hits:
            for row_no in self.id_index_rows.get(digest, ()):
                # Never say whose or where: the other submission belongs to someone the uploader may not see.
                self.error(
                    row_no,
                    ID_COL,
                    "id_in_other_submission",
                    _(
                        "这个身份证号已在本项目的其他上报名单中，同一人不能重复上报。"
                        "如确属本单位人员，请联系省级项目负责人核实。"
                    ),
                )

    def check_quota(self, quota: int) -> None:
        over = self.data_rows[quota:]
        if not over:
            return
        label = self.subject.label if self.subject else _("培训者")
        message = _(
            "超出名额：%(scope)s%(label)s的名额为%(quota)d人，本表有%(count)d行数据，多了%(over)d人。"
            "从第%(first)d行起超出名额，请删去多出的人后重新上传。"
        ) % {
            "scope": self.scope.name,
            "label": label,
            "quota": quota,
            "count": len(self.data_rows),
            "over": len(over),
            "first": over[0],
        }
        for row_no in over:
            self.error(row_no, "", "over_quota", message)

    def result(self, *, sheet_name: str, warnings: list[str]) -> RosterCheck:
        order = {name: i for i, name in enumerate(self.columns)}
        errors = sorted(self.errors, key=lambda e: (e.row, order.get(e.column, -1)))
        bad = self.bad_rows
        valid = [row for row in self.rows if row.row not in bad]
        return RosterCheck(
            rows=self.count,
            errors=errors,
            valid_rows=valid,
            warnings=warnings,
            sheet=sheet_name,
            columns=self.columns,
        )
