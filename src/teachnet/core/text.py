"""Text people read and type: one-line fields (titles, names, questions) and durations."""

from __future__ import annotations

import math
import re
import unicodedata

from django.utils.translation import gettext, gettext_noop

_SPACES = re.compile(r"\s+")


def one_line(value) -> str:
    """The value as one line: control characters (tabs and newlines, but also the separators and escapes no
    title needs and some page machinery relies on, learning.progress) dropped, runs of spaces made one."""
    kept = (" " if ch.isspace() else ch for ch in str(value or ""))
    return _SPACES.sub(" ", "".join(ch for ch in kept if unicodedata.category(ch) != "Cc")).strip()


# A duration as a person reads it. The same three templates are handed to the player's script
# (duration_templates), so the page and its live counters say it alike.
_HOURS = gettext_noop("{h} 小时 {m} 分")
_MINUTES = gettext_noop("{m} 分 {s} 秒")
_SECONDS = gettext_noop("{s} 秒")


def duration_templates() -> dict[str, str]:
    """The translated templates, with {h}, {m} and {s} standing for the numbers."""
    return {"hours": gettext(_HOURS), "minutes": gettext(_MINUTES), "seconds": gettext(_SECONDS)}


def duration(seconds) -> str:
    """19980 → "5 小时 33 分", 2000 → "33 分 20 秒", 45 → "45 秒" (English: "5 h 33 min" …).

    Hours show minutes, not seconds: a figure of hours is read for its hours. Seconds are whole (a video's
    45.6 s is 46 s); nothing is negative; an unknown duration (None, NaN) is "—".
    """
    if seconds is None:
        return "—"
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(value) or math.isinf(value):
        return "—"
    total = max(0, int(value + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return gettext(_HOURS).format(h=hours, m=minutes)
    if minutes:
        return gettext(_MINUTES).format(m=minutes, s=secs)
    return gettext(_SECONDS).format(s=secs)
