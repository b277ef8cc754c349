"""What a PDF really draws: for each character, the embedded fonts that hold a glyph for it.

Used by the tests (and by anyone checking an exported briefing by hand) to make sure rare characters (生僻字)
print as themselves, not as empty boxes: a character counts as drawn only when the PDF's text map
(ToUnicode) gives it a glyph id that is neither .notdef (0) nor the "no glyph" id (0xFFFF), and the embedded
font program itself maps the character to a glyph.
"""

from __future__ import annotations

import io
import re

_HEX = re.compile(r"<([0-9a-fA-F]+)>")


def _utf16(hexcode: str) -> str:
    return bytes.fromhex(hexcode).decode("utf-16-be", errors="replace")


def _to_unicode(cmap: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=False):
            out[int(src, 16)] = _utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in block.strip().splitlines():
            codes = _HEX.findall(line)
            if len(codes) < 3:
                continue
            low, high = int(codes[0], 16), int(codes[1], 16)
            if "[" in line:
                for cid, dst in zip(range(low, high + 1), codes[2:], strict=False):
                    out[cid] = _utf16(dst)
            else:
                start = _utf16(codes[2])
                for offset, cid in enumerate(range(low, high + 1)):
                    out[cid] = start[:-1] + chr(ord(start[-1]) + offset)
    return out


def _embedded_cmap(descriptor) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            data = descriptor[key].get_object().get_data()
            try:
                font = TTFont(io.BytesIO(data))
            except Exception:  # a bare CFF or Type 1 program: no cmap to read
                return {}
            return font.getBestCmap() or {}
    return {}


def drawn(pdf: bytes) -> dict[str, set[str]]:
    """character → the names of the embedded fonts that draw it with a real glyph."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out: dict[str, set[str]] = {}
    seen_fonts: set[int] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if id(font) in seen_fonts:
                continue
            seen_fonts.add(id(font))
            if "/ToUnicode" not in font:
                continue
            name = str(font.get("/BaseFont", ""))
            mapping = _to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"].get_object()
                if descendants
                else font.get("/FontDescriptor", {}).get_object()
                if "/FontDescriptor" in font
                else {}
            )
            program = _embedded_cmap(descriptor) if descriptor else {}
            for cid, text in mapping.items():
                if cid in (0, 0xFFFF):
                    continue
                for ch in text:
                    glyph = program.get(ord(ch))
                    if glyph and glyph != ".notdef":
                        out.setdefault(ch, set()).add(name)
    return out


def not_drawn(pdf: bytes, characters: str) -> list[str]:
    """The characters of `characters` the PDF does not draw with a real glyph."""
    found = drawn(pdf)
    return [ch for ch in dict.fromkeys(characters) if not ch.isspace() and ch not in found]
