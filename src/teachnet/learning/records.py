"""What other apps add to a learner's study record (LRN-3): posts, homework, Q&A and seminar attendance.

The record page and its API show study time (this app) and then one section per registered source. An app
registers its source in its AppConfig.ready with `register(key, source)`; `source(enrollment)` returns an
ActivitySection for that learner in that project, or None when it has nothing to say. Learning knows nothing
of the apps above it: they come to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ActivityRow:
    when: dt.datetime | None
    what: str  # e.g. the assignment's title, the thread's subject
    detail: str = ""  # e.g. "已批改 · 优秀 · 迟交", "在线 1 小时 20 分"
    url: str = ""  # a path on this site the reader may open (the source checks they may)


@dataclass
class ActivitySection:
    key: str
    title: str
    summary: str  # one sentence of figures, already translated
    figures: dict[str, int | float | str] = field(default_factory=dict)  # the same figures, for the API
    rows: list[ActivityRow] = field(default_factory=list)


Source = Callable[[object], "ActivitySection | None"]
_SOURCES: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    _SOURCES[key] = source


def activity(enrollment) -> list[ActivitySection]:
    """Every registered source's section for this enrollment, in the order they registered."""
    sections = []
    for source in _SOURCES.values():
        section = source(enrollment)
        if section is not None:
            sections.append(section)
    return sections
