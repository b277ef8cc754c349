"""The learner's progress on their workspace, written as slots and filled on every request.

The workspace (selectors.workspaces) is a large page that changes only when a project, course, class, plan or
role changes, except for the learner's own progress, which changes with every heartbeat. The page is rendered
with a slot wherever a figure of progress stands (a resource's credited seconds and status, the 学时 earned
and left, today's time, whether a plan item or the plan's list is done) and kept in the cache like that
(core.pagecache); `fill` then writes the learner's figures into it from one query of their daily totals
(which the database keeps with every heartbeat), so the page is always exact and only the cheap part is
redone.

A slot is `\\x1e<kind>:<numbers>\\x1e` (the record separator, which never stands in a page): the kind and
the numbers it needs (project, resource, creditable minutes, the project's rule).
"""

from __future__ import annotations

import logging
import re

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from teachnet.core.text import duration

from .services import units

logger = logging.getLogger(__name__)
_SLOT = re.compile(rb"\x1e([0-9a-f]{20})([A-Za-z]):([0-9:]*)\x1e")


def mark(learner_id: int) -> str:
    return salted_hmac("teachnet.learning.progress", str(learner_id)).hexdigest()[:20]


def slot(learner_mark: str, kind: str, *numbers: int) -> SafeString:
    digits = ":".join(str(int(n)) for n in numbers)
    return mark_safe(f"\x1e{learner_mark}{kind}:{digits}\x1e")  # noqa: S308 (a hex mark, a letter, digits)


def learner_totals(learner_id: int) -> dict[tuple[int, int], tuple[int, int]]:
    """{(project, resource): (credited seconds, of which today)} for the learner: one read of their rows."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT project_id, resource_id, SUM(seconds), SUM(CASE WHEN day = %s THEN seconds ELSE 0 END) "
            "FROM learning_studytotal WHERE learner_id = %s GROUP BY project_id, resource_id",
            [today, learner_id],
        )
        return {(p, r): (int(s), int(t)) for p, r, s, t in cursor.fetchall()}


def _percent(seconds: int, minutes: int) -> int:
    return min(100, int(seconds * 100 / max(1, minutes * 60)))


def fill(request, content: bytes) -> bytes:
    """Write the learner's progress into the slots of their workspace."""
    learner_mark = mark(request.user.pk).encode()
    if b"\x1e" + learner_mark not in content:
        return content
    totals = learner_totals(request.user.pk)
    by_project: dict[int, list[int]] = {}
    for (project, _resource), (seconds, today) in totals.items():
        both = by_project.setdefault(project, [0, 0])
        both[0] += seconds
        both[1] += today
    done_label = f"<strong>{escape(_('已完成'))}</strong>"
    credit_label = _("%(c)s / %(m)s 分钟")

    def credited(project: int, resource: int) -> int:
        found = totals.get((project, resource))
        return found[0] if found else 0

    def percent(project: int, resource: int, minutes: int) -> str:
        return str(_percent(credited(project, resource), minutes))

    def cells(project: int, resource: int, minutes: int) -> str:
        seconds = credited(project, resource)
        status = done_label if seconds >= minutes * 60 else f"{_percent(seconds, minutes)}%"
        return f"{escape(credit_label % {'c': duration(seconds), 'm': minutes})}</td><td>{status}"

    def hidden(project: int, *pairs: int) -> str:
        items = zip(pairs[::2], pairs[1::2], strict=True)
        return " hidden" if all(credited(project, r) >= m * 60 for r, m in items) else ""

    def earned(project: int, minutes_per_unit: int) -> float:
        return units(by_project.get(project, (0, 0))[0], minutes_per_unit)

    writers = {
        b"r": cells,
        b"p": percent,
        b"h": hidden,
        b"H": hidden,
        b"e": lambda project, mpu: str(earned(project, mpu)),
        b"l": lambda project, mpu, required: str(max(0.0, round(required - earned(project, mpu), 1))),
        b"w": lambda project, mpu, need: str(min(100, int(earned(project, mpu) * 100 / max(1, need)))),
        b"t": lambda project: escape(duration(by_project.get(project, (0, 0))[1])),
    }

    def value(match: re.Match) -> bytes:
        if match.group(1) != learner_mark:  # not written by this page for this learner: left as it is
            return match.group(0)
        numbers = match.group(3)
        try:
            args = [int(x) for x in numbers.split(b":")] if numbers else []
            return writers[match.group(2)](*args).encode()
        except (KeyError, TypeError, ValueError):
            logger.warning("unreadable progress slot %r", match.group(0))
            return b""

    return _SLOT.sub(value, content)
