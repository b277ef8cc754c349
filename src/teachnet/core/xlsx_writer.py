"""A small streaming .xlsx writer, for the workbooks of 100,000 rows written while someone waits (the marked
copy of a roster, REP-3).

openpyxl (write-only) and XlsxWriter (constant memory) both build every cell as an object and serialize it
through general XML machinery: 8–15 s for 1.4 million cells on the reference machine. Here a row is one
formatted string: cells as inline strings or numbers, sheets written one after the other straight into the
zip, so memory stays flat. What it supports is what those workbooks use: column widths, a few cell styles
(a fill, bold, the date formats openpyxl gives dates), and cell comments (Excel's notes, with the VML shape
Excel needs to show them). Strings are always text, never formulas: a value typed as "=HYPERLINK(…)" in an
upload stays that text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

# Characters XML 1.0 does not allow (openpyxl's ILLEGAL_CHARACTERS_RE): dropped, as openpyxl's callers do.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# What a string needs escaping or xml:space for; most cells have none of it.
_SPECIAL = re.compile(r"[&<>\x00-\x1f]|^\s|\s$")
EPOCH = dt.datetime(1899, 12, 30)
# openpyxl's formats for the values calamine reads from date cells.
DATE_FORMATS = {
    dt.datetime: "yyyy-mm-dd h:mm:ss",
    dt.date: "yyyy-mm-dd",
    dt.time: "h:mm:ss",
    dt.timedelta: "[hh]:mm:ss",
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FLUSH_ROWS = 2000


@dataclass(frozen=True)
class Style:
    fill: str = ""  # RGB of a solid fill, "FFC7CE"
    bold: bool = False


@dataclass
class Cell:
    """A value with a style or a comment; plain values need no wrapper."""

    value: object
    style: Style | None = None
    comment: str = ""
    comment_size: tuple[int, int] = (320, 80)  # width, height in pixels, as openpyxl's Comment


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _inline(value: str) -> str:
    text = _text(value)
    if text and (text[0].isspace() or text[-1].isspace()):
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _serial(value) -> float:
    """Excel's day number (1900 system) of a date, datetime, time or duration."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400


class Workbook:
    """Sheets are written in order: finish one (`with book.sheet(...)`) before starting the next."""

    def __init__(self, path: str | os.PathLike, *, comment_author: str = "", compresslevel: int = 1) -> None:
        self.comment_author = comment_author
        # Level 1: a third of the time of the default for a file a fifth larger; the text compresses well.
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheets: list[tuple[str, bool]] = []  # (title, has comments)
        self._xfs: list[tuple[int, int, int]] = [(0, 0, 0)]  # (numFmtId, fontId, fillId); 0 is the default
        self._xf_index: dict[tuple[Style | None, type | None], int] = {(None, None): 0}
        self._num_fmts: dict[str, int] = {}
        self._fills: dict[str, int] = {}

    def sheet(self, title: str, *, widths: dict[int, float] | None = None) -> Sheet:
        return Sheet(self, title, widths or {})

    def close(self) -> None:
        self._write_parts()
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- styles -----------------------------------------------------------------------------------------

    def _xf(self, style: Style | None, kind: type | None) -> int:
        key = (style, kind)
        index = self._xf_index.get(key)
        if index is None:
            fmt = 0
            if kind is not None:
                fmt = self._num_fmts.setdefault(DATE_FORMATS[kind], 164 + len(self._num_fmts))
            font = 1 if style is not None and style.bold else 0
            fill = 0
            if style is not None and style.fill:
                fill = self._fills.setdefault(style.fill, 2 + len(self._fills))
            self._xfs.append((fmt, font, fill))
            index = self._xf_index[key] = len(self._xfs) - 1
        return index

    def _styles_xml(self) -> str:
        formats = "".join(
            f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
            for code, i in self._num_fmts.items()
        )
        fills = "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor rgb="FF{rgb}"/>'
            "</patternFill></fill>"
            for rgb in self._fills
        )
        xfs = "".join(
            f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            + (' applyNumberFormat="1"' if fmt else "")
            + (' applyFont="1"' if font else "")
            + (' applyFill="1"' if fill else "")
            + "/>"
            for fmt, font, fill in self._xfs
        )
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(self._num_fmts)}">{formats}</numFmts>' if formats else "")
            + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            f'<fills count="{2 + len(self._fills)}"><fill><patternFill patternType="none"/></fill>'
            f'<fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self._xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    # --- the package ------------------------------------------------------------------------------------

    def _write_parts(self) -> None:
        sheets = self._sheets
        overrides = [
            (
                "/xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            ),
            ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        ]
        for n, (_title, commented) in enumerate(sheets, start=1):
            overrides.append(
                (
                    f"/xl/worksheets/sheet{n}.xml",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                )
            )
            if commented:
                overrides.append(
                    (
                        f"/xl/comments/comment{n}.xml",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
                    )
                )
        self._put(
            "[Content_Types].xml",
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"'
            '/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" '
            'ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
            + "</Types>",
        )
        self._put(
            "_rels/.rels",
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self._put(
            "xl/workbook.xml",
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(ILLEGAL_CHARACTERS.sub("", title))} sheetId="{n}" r:id="rId{n}"/>'
                for n, (title, _commented) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>",
        )
        self._put(
            "xl/_rels/workbook.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._put("xl/styles.xml", self._styles_xml())

    def _put(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode())


class Sheet:
    def __init__(self, book: Workbook, title: str, widths: dict[int, float]) -> None:
        self.book = book
        self.title = title
        self.number = len(book._sheets) + 1
        self._widths = widths
        self._rows = 0
        self._buffer: list[str] = []
        self._comments: list[tuple[int, int, Cell]] = []  # (row, column, cell), 0-based
        self._letters: list[str] = []
        self._fh = None

    def __enter__(self) -> Sheet:
        self._fh = self.book._zip.open(f"xl/worksheets/sheet{self.number}.xml", "w", force_zip64=True)
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
            for i, w in sorted(self._widths.items())
        )
        self._buffer.append(
            f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )
        return self

    def append(self, values) -> None:
        """One row. None and "" leave a cell empty, whole floats are written as integers (序号 1, not 1.0),
        and a Cell carries a style or a comment."""
        self._rows += 1
        n = str(self._rows)
        letters = self._letters
        while len(letters) < len(values):
            letters.append(column_letters(len(letters)))
        cells = []
        for col, value in enumerate(values):
            kind = type(value)
            # The hot path of 100,000-row sheets: plain text and numbers, formatted in one f-string each.
            if kind is str:
                if not value:
                    continue
                inner = _inline(value) if _SPECIAL.search(value) else f"<is><t>{value}</t></is>"
                cells.append(f'<c r="{letters[col]}{n}" t="inlineStr">{inner}</c>')
            elif kind is float:
                if value.is_integer() and abs(value) < 1e15:
                    value = int(value)
                cells.append(f'<c r="{letters[col]}{n}"><v>{value!r}</v></c>')
            elif kind is int:
                cells.append(f'<c r="{letters[col]}{n}"><v>{value}</v></c>')
            elif value is not None:
                cells.append(self._cell(letters[col] + n, col, value))
        self._buffer.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def _cell(self, ref: str, col: int, value) -> str:
        style = None
        if isinstance(value, Cell):
            style = value.style
            if value.comment:
                self._comments.append((self._rows - 1, col, value))
            value = value.value
        kind = type(value)
        date_kind = next((k for k in DATE_FORMATS if isinstance(value, k)), None)
        xf = self.book._xf(style, date_kind)
        s = f' s="{xf}"' if xf else ""
        if value is None:
            return f'<c r="{ref}"{s}/>'
        if kind is float and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        if kind is str:
            return f'<c r="{ref}"{s} t="inlineStr">{_inline(value)}</c>' if value else f'<c r="{ref}"{s}/>'
        if kind is bool:
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if date_kind is not None:
            return f'<c r="{ref}"{s}><v>{_serial(value)!r}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
        return f'<c r="{ref}"{s} t="inlineStr">{_inline(str(value))}</c>'

    def _flush(self) -> None:
        self._fh.write("".join(self._buffer).encode())
        self._buffer = []

    def __exit__(self, *exc) -> None:
        self._buffer.append("</sheetData>")
        if self._comments:
            self._buffer.append('<legacyDrawing r:id="rId2"/>')
        self._buffer.append("</worksheet>")
        self._flush()
        self._fh.close()
        self.book._sheets.append((self.title, bool(self._comments)))
        if self._comments:
            self._write_comments()

    def _write_comments(self) -> None:
        n, book = self.number, self.book
        book._put(
            f"xl/worksheets/_rels/sheet{n}.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/comments" Target="/xl/comments/comment{n}.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/vmlDrawing" Target="/xl/drawings/commentsDrawing{n}.vml"/>'
            "</Relationships>",
        )
        notes = "".join(
            f'<comment ref="{column_letters(col)}{row + 1}" authorId="0"><text>'
            f'<t xml:space="preserve">{_text(cell.comment)}</t></text></comment>'
            for row, col, cell in self._comments
        )
        book._put(
            f"xl/comments/comment{n}.xml",
            f'{XML_HEAD}<comments xmlns="{MAIN}"><authors><author>{_text(book.comment_author)}</author>'
            f"</authors><commentList>{notes}</commentList></comments>",
        )
        # The shapes Excel draws the notes in, as openpyxl writes them (comments/shape_writer.py).
        shapes = "".join(
            f'<v:shape id="_x0000_s{1026 + i:04d}" type="#_x0000_t202" style="position:absolute; '
            f"margin-left:59.25pt;margin-top:1.5pt;width:{cell.comment_size[0]}px;"
            f'height:{cell.comment_size[1]}px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            '<div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
            f"<x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row>"
            f"<x:Column>{col}</x:Column></x:ClientData></v:shape>"
            for i, (row, col, cell) in enumerate(self._comments)
        )
        book._put(
            f"xl/drawings/commentsDrawing{n}.vml",
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" '
            'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f"{shapes}</xml>",
        )
