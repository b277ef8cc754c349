"""Rich text that people write in the browser (homework, posts, briefings): cleaned on the server, always.

The editor (static/teachnet/richtext.js, Quill from the npm registry) is a convenience; what is stored is what
`clean_html` lets through: a fixed set of formatting tags, links that open safely, no script, no style, no
event handler, no image from elsewhere (images are attachments, checked as files). Plain text (typed without
the editor, or sent through the API) becomes escaped paragraphs.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "pre", "code",
    "ol", "ul", "li", "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "hr",
})  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
MAX_CHARS = 50_000  # about 30 pages of Chinese: more is a paste gone wrong, refused with a message
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def clean_html(body: str, *, field: str = "body", required: bool = True, max_chars: int = MAX_CHARS) -> str:
    """The body as stored: sanitized HTML. Raises ValidationError({field: …}) when empty (if required) or
    longer than max_chars of text."""
    body = (body or "").strip()
    if not _TAG.search(body):
        body = linebreaks(body, autoescape=True)
    clean = nh3.clean(
        body,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
    text = plain_text(clean)
    if required and not text:
        raise ValidationError({field: _("请填写正文。")})
    if len(text) > max_chars:
        message = _("正文过长：%(n)d 字，最多 %(max)d 字。请删去多余内容后再保存。")
        raise ValidationError({field: message % {"n": len(text), "max": max_chars}})
    return clean if text else ""


def plain_text(body: str) -> str:
    """The text of stored HTML, for counting, search and comparison: tags dropped, entities decoded,
    whitespace collapsed."""
    text = html.unescape(nh3.clean(re.sub(r"<(br|/p|/li|/h[2-4]|/tr)\b[^>]*>", "\n", body or ""), tags=set()))
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()
