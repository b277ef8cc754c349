"""A briefing as a PDF (WeasyPrint, with Noto CJK and 花园明朝 for the rare characters) and as a Word file
(python-docx).

The PDF's fonts are named, not left to chance: the text is set in Noto Serif CJK SC and the headings in
Noto Sans CJK SC (Debian's fonts-noto-cjk), with HanaMinA and HanaMinB (Debian's fonts-hanazono) after them,
which hold the CJK extension B–F ideographs (生僻字 such as 𠀀 𪚥) that Noto CJK lacks. Without the fonts no
PDF is made at all (FontsMissing, with what to install), rather than one with empty boxes.

The briefing's HTML was sanitized when saved (core.richtext: no images, no styles, links only); WeasyPrint
is given a fetcher that fetches nothing, so a PDF never reaches out for anything.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Briefing

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
RARE = ("HanaMinA", "HanaMinB")  # after Noto: the ideographs of CJK extensions B–F
FAMILIES = {
    SERIF: "fonts-noto-cjk",
    SANS: "fonts-noto-cjk",
    "HanaMinA": "fonts-hanazono",
    "HanaMinB": "fonts-hanazono",
}


class FontsMissing(Exception):
    def __init__(self, missing: list[str]) -> None:
        packages = sorted({FAMILIES.get(f, f) for f in missing})
        self.missing = missing
        self.message = _(
            "无法导出 PDF：服务器缺少中文字体 %(fonts)s。"
            "请安装 Debian 软件包 %(packages)s（make pdf-fonts）后再导出；也可以先导出 Word 文档。"
        ) % {"fonts": "、".join(missing), "packages": " ".join(packages)}
        super().__init__(self.message)


@lru_cache(maxsize=1)
def _installed_families() -> frozenset[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    out = subprocess.run(  # noqa: S603 (a fixed command, no input from anyone)
        [fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def fonts_missing() -> list[str]:
    """The font families the PDF needs that fontconfig does not know (empty when all are there)."""
    installed = _installed_families()
    return [family for family in FAMILIES if family not in installed]


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Every character some font of the PDF has a glyph for."""
    from fontTools.ttLib import TTFont

    fc_match = shutil.which("fc-match")
    covered: set[int] = set()
    for family in FAMILIES:
        if fc_match is None:
            break
        found = subprocess.run(  # noqa: S603 (a fixed command and our own family names)
            [fc_match, "--format", "%{family}\t%{file}\t%{index}", family],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.split("\t")
        if len(found) != 3 or family not in found[0].split(","):
            continue
        font = TTFont(found[1], fontNumber=int(found[2] or 0), lazy=True)
        covered |= set(font.getBestCmap() or {})
        font.close()
    return frozenset(covered)


def characters_without_glyph(text: str) -> list[str]:
    """The characters of the text no PDF font can draw (they would print as empty boxes), each once."""
    covered = _covered()
    seen: list[str] = []
    for ch in text:
        if not ch.isspace() and ord(ch) not in covered and ch not in seen:
            seen.append(ch)
    return seen


def briefing_text(briefing: Briefing) -> str:
    """Everything a reader sees of the briefing, as text (for the glyph check)."""
    from teachnet.core.richtext import plain_text

    parts = [briefing.title, briefing.scope_label]
    for section in briefing.sections.all():
        parts += [section.title, plain_text(section.body)]
    for figure in briefing.figures.all():
        parts += [figure.title, figure.note, *map(str, figure.columns)]
        parts += [str(cell) for row in figure.rows for cell in row]
    return "\n".join(parts)


def issuer(briefing: Briefing) -> str:
    """Who issues it, as the masthead says: 北京师范大学初中体育专家团队, 广州一班辅导教师 周丽华, 广东省."""
    if briefing.kind == "expert":
        ps = briefing.provider_subject
        return _("%(provider)s %(subject)s专家团队") % {
            "provider": ps.provider.name,
            "subject": ps.subject.label,
        }
    if briefing.kind == "class":
        tutor = briefing.training_class.tutor
        name = (tutor.real_name or tutor.username) if tutor else ""
        return _("%(klass)s 辅导教师 %(name)s") % {"klass": briefing.training_class.name, "name": name}
    return _("%(province)s “国培计划”项目办公室") % {"province": briefing.province.name}


def masthead(briefing: Briefing) -> str:
    if briefing.kind == "expert":
        return _("%(subject)s专家简报") % {"subject": briefing.provider_subject.subject.label}
    if briefing.kind == "class":
        return _("%(klass)s班级简报") % {"klass": briefing.training_class.name}
    return _("%(province)s工作简报") % {"province": briefing.province.name}


def _context(briefing: Briefing) -> dict:
    sections = list(briefing.sections.all())
    figures = list(briefing.figures.all())
    return {
        "b": briefing,
        "masthead": masthead(briefing),
        "issuer": issuer(briefing),
        "sections": [(s, [f for f in figures if f.section_id == s.pk]) for s in sections],
        "loose_figures": [f for f in figures if f.section_id is None],
        "date": timezone.localtime(briefing.published_at or timezone.now()),
        "serif": SERIF,
        "sans": SANS,
        "rare": RARE,
    }


def _no_fetch():
    _weasyprint()
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


def _weasyprint():
    """WeasyPrint, imported so that it leaves Pillow as it found it: on import it sets
    ImageFile.LOAD_TRUNCATED_IMAGES for the whole process, which would let core.media take cut-short images
    as whole ones in any worker that once made a PDF (the briefings' PDFs hold no images at all)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def briefing_pdf(briefing: Briefing) -> bytes:
    missing = fonts_missing()
    if missing:
        raise FontsMissing(missing)
    weasyprint = _weasyprint()

    html = render_to_string("briefings/pdf.html", _context(briefing))
    return weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=_no_fetch()).write_pdf()


# --- Word ---------------------------------------------------------------------------------------------------


class _DocxWriter(HTMLParser):
    """core.richtext's tag set into python-docx paragraphs and runs."""

    BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "li"}
    HEADINGS = {"h2": 3, "h3": 4, "h4": 5}

    def __init__(self, document) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = document
        self.paragraph = None
        self.inline: list[str] = []
        self.lists: list[str] = []
        self.quote = 0
        self.pre = 0
        self.link = ""
        self.table_rows: list[list[str]] | None = None

    def _style_for(self, tag: str) -> str | None:
        if tag in self.HEADINGS:
            return f"Heading {self.HEADINGS[tag]}"
        if tag == "li":
            return "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
        if tag == "blockquote" or self.quote:
            return "Quote"
        return None

    def _new_paragraph(self, tag: str = "p") -> None:
        style = self._style_for(tag)
        self.paragraph = self.doc.add_paragraph(style=style) if style else self.doc.add_paragraph()

    def handle_starttag(self, tag, attrs):
        if self.table_rows is not None:
            if tag == "tr":
                self.table_rows.append([])
            elif tag in ("td", "th") and self.table_rows:
                self.table_rows[-1].append("")
            return
        if tag == "table":
            self.table_rows = []
        elif tag in ("ol", "ul"):
            self.lists.append(tag)
        elif tag == "blockquote":
            self.quote += 1
            self._new_paragraph("blockquote")
        elif tag in self.BLOCKS:
            if tag == "pre":
                self.pre += 1
            self._new_paragraph(tag)
        elif tag == "br":
            if self.paragraph is None:
                self._new_paragraph()
            self.paragraph.add_run().add_break()
        elif tag == "hr":
            self.paragraph = None
            self.doc.add_paragraph("—" * 20)
        elif tag == "a":
            self.link = dict(attrs).get("href") or ""
            self.inline.append("a")
        else:
            self.inline.append(tag)

    def handle_endtag(self, tag):
        if self.table_rows is not None:
            if tag == "table":
                rows = [r for r in self.table_rows if r]
                self.table_rows = None
                if rows:
                    width = max(len(r) for r in rows)
                    table = self.doc.add_table(rows=len(rows), cols=width)
                    table.style = "Table Grid"
                    for i, row in enumerate(rows):
                        for j, text in enumerate(row):
                            table.cell(i, j).text = text
                self.paragraph = None
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag in self.BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self.paragraph = None
        elif tag == "a":
            if self.link and self.paragraph is not None:
                self.paragraph.add_run(f" ({self.link})")
            self.link = ""
            if "a" in self.inline:
                self.inline.remove("a")
        elif tag in self.inline:
            self.inline.reverse()
            self.inline.remove(tag)
            self.inline.reverse()

    def handle_data(self, data):
        if self.table_rows is not None:
            if self.table_rows and self.table_rows[-1]:
                self.table_rows[-1][-1] += data
            return
        if not data.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._new_paragraph()
        run = self.paragraph.add_run(data)
        tags = set(self.inline)
        run.bold = bool(tags & {"strong", "b"}) or None
        run.italic = bool(tags & {"em", "i"}) or None
        run.underline = bool(tags & {"u", "a"}) or None
        run.font.strike = "s" in tags or None
        run.font.subscript = "sub" in tags or None
        run.font.superscript = "sup" in tags or None
        if "code" in tags or self.pre:
            run.font.name = "Courier New"


def _east_asian(style, name: str) -> None:
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def briefing_docx(briefing: Briefing) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    ctx = _context(briefing)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    # 宋体 for the text and 黑体 for headings, as Chinese documents are set; Word links SimSun-ExtB in for
    # the extension-B characters by itself.
    _east_asian(normal, "宋体")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5"):
        _east_asian(document.styles[name], "黑体")
    core = document.core_properties
    core.title = briefing.title
    core.subject = ctx["masthead"]
    core.author = ctx["issuer"]

    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(ctx["masthead"])
    run.bold = True
    run.font.size = Pt(24)
    run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
    issue = document.add_paragraph()
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue.add_run(_("第 %(n)d 期") % {"n": briefing.number} if briefing.number else _("（草稿，未发布）"))
    line = document.add_paragraph()
    line.add_run(ctx["issuer"])
    line.add_run("\t" + ctx["date"].strftime("%Y-%m-%d"))
    document.add_heading(briefing.title, level=1)
    for section, figures in ctx["sections"]:
        document.add_heading(section.title, level=2)
        writer = _DocxWriter(document)
        writer.feed(section.body or "")
        writer.close()
        for figure in figures:
            _docx_figure(document, figure)
    for figure in ctx["loose_figures"]:
        _docx_figure(document, figure)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_figure(document, figure) -> None:
    caption = document.add_paragraph()
    caption.add_run(figure.title).bold = True
    caption.add_run(
        "　"
        + _("数据截至 %(when)s") % {"when": timezone.localtime(figure.taken_at).strftime("%Y-%m-%d %H:%M")}
    )
    table = document.add_table(rows=1 + len(figure.rows), cols=max(1, len(figure.columns)))
    table.style = "Table Grid"
    for j, title in enumerate(figure.columns):
        table.cell(0, j).text = str(title)
    for i, row in enumerate(figure.rows, start=1):
        for j, cell in enumerate(row[: len(figure.columns)]):
            table.cell(i, j).text = str(cell)
    if figure.note:
        document.add_paragraph(figure.note)
