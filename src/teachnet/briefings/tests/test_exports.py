"""Exports: a PDF whose rare characters are drawn with real glyphs of a CJK font (checked in the PDF itself,
not trusted), a Word file with the same text, both recorded; a clear message when the fonts are missing."""

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.urls import reverse

from teachnet.core.models import AuditEvent

from .. import exports, pdfcheck, services
from .factories import class_scope, expert_scope, published, written

pytestmark = pytest.mark.django_db

RARE = "𠀀𪚥𡘙〇"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")

needs_fonts = pytest.mark.skipif(
    bool(exports.fonts_missing()),
    reason="PDF export needs Debian's fonts-noto-cjk and fonts-hanazono (make pdf-fonts)",
)


@pytest.fixture
def rare_briefing(world, chief_expert):
    b = written(
        chief_expert,
        expert_scope(world["pe"]),
        title=f"生僻字{RARE}简报",
        text=f"<p>学员姓名中的生僻字：{RARE}，以及<strong>加粗</strong>与<em>强调</em>。</p><ul><li>要点一</li></ul>",
    )
    services.figure_insert(actor=chief_expert, briefing=b, key="learning.study", section_key="common")
    return services.briefing_publish(actor=chief_expert, briefing=b)


@needs_fonts
def test_the_pdf_draws_rare_characters_with_cjk_glyphs(rare_briefing):
    pdf = exports.briefing_pdf(rare_briefing)
    assert pdf.startswith(b"%PDF")
    assert pdfcheck.not_drawn(pdf, RARE + "初中体育专家简报第1期共性问题广州一班") == []
    drawn = pdfcheck.drawn(pdf)
    for ch in RARE:
        assert any("CJK" in name or "HanaMin" in name for name in drawn[ch]), (ch, drawn[ch])
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "共性问题" in text and "学习情况（学时）" in text and "第 1 期" in text


@needs_fonts
@pytest.mark.skipif(not NOTO_DIR.is_dir(), reason="needs Debian's fonts-noto-cjk")
def test_the_glyph_check_fails_when_a_font_lacks_the_characters(tmp_path):
    """The same renderer with only Noto CJK (no 花园明朝): 𠀀 and 𪚥 have no glyph, and the check says so."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{NOTO_DIR}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    script = textwrap.dedent(
        f"""
        import sys, weasyprint
        from teachnet.briefings import pdfcheck
        html = '<p style="font-family: Noto Sans CJK SC">{RARE}</p>'
        pdf = weasyprint.HTML(string=html).write_pdf()
        print("".join(pdfcheck.not_drawn(pdf, {RARE!r})))
        """
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "𠀀𪚥"


@needs_fonts
def test_making_a_pdf_leaves_pillow_refusing_cut_short_images(rare_briefing):
    """WeasyPrint's import switches Pillow to accept truncated images process-wide; core.media relies on the
    opposite."""
    from PIL import ImageFile

    exports.briefing_pdf(rare_briefing)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_pdf_never_fetches_anything(world, chief_expert, monkeypatch):
    fetcher = exports._no_fetch()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1/x.png")


def test_the_docx_holds_the_sections_rare_characters_and_the_table(rare_briefing):
    import docx

    document = docx.Document(io.BytesIO(exports.briefing_docx(rare_briefing)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "初中体育专家简报" in text and "第 1 期" in text and "共性问题" in text and RARE in text
    assert any(p.style.name == "List Bullet" and p.text == "要点一" for p in document.paragraphs)
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "加粗" in bold
    table = document.tables[0]
    assert table.cell(0, 0).text == "班级" and table.cell(1, 0).text == "广州一班"
    assert document.core_properties.title == f"生僻字{RARE}简报"


@needs_fonts
def test_exports_are_downloaded_and_recorded(client, rare_briefing, learner):
    client.force_login(learner)
    pdf = client.get(reverse("briefings:export", args=[rare_briefing.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"] and "filename*=utf-8''" in pdf["Content-Disposition"]
    word = client.get(reverse("briefings:export", args=[rare_briefing.pk, "docx"]))
    assert word.status_code == 200 and word.content[:2] == b"PK"
    events = AuditEvent.objects.filter(verb="briefing.exported", actor=learner).order_by("id")
    assert [e.data["format"] for e in events] == ["pdf", "docx"]
    assert events[0].target_id == str(rare_briefing.pk)


def test_missing_fonts_give_a_clear_message_and_no_pdf(client, monkeypatch, world, tutor):
    monkeypatch.setattr(exports, "fonts_missing", lambda: ["HanaMinB"])
    b = published(tutor, class_scope(world["gz"]))
    client.force_login(tutor)
    response = client.get(reverse("briefings:export", args=[b.pk, "pdf"]), follow=True)
    html = response.content.decode()
    assert "无法导出 PDF" in html and "fonts-hanazono" in html and "make pdf-fonts" in html
    assert not AuditEvent.objects.filter(verb="briefing.exported").exists()


def test_the_page_names_characters_no_font_can_draw(client, monkeypatch, world, tutor):
    monkeypatch.setattr(exports, "_covered", lambda: frozenset(map(ord, "本期学习情况")))
    b = written(tutor, class_scope(world["gz"]), title="本期", text="<p>学习情况</p>")
    client.force_login(tutor)
    html = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert 'data-testid="no-glyph"' in html
