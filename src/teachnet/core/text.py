"""Text typed into one-line fields (titles, names, questions)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def one_line(value) -> str:
    """The value as one line: control characters (tabs and newlines, but also the separators and escapes no
    title needs and some page machinery relies on, learning.progress) dropped, runs of spaces made one."""
    kept = (" " if ch.isspace() else ch for ch in str(value or ""))
    return _SPACES.sub(" ", "".join(ch for ch in kept if unicodedata.category(ch) != "Cc")).strip()
