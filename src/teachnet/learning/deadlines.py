"""Plan deadlines as the learner and the tutor read them (LRN-4): overdue, due soon, or neither.

"Due soon" is a named rule, not a figure in a template: DUE_SOON_DAYS days ahead, today included.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DUE_SOON_DAYS = 3
OVERDUE, SOON = "overdue", "soon"


def due_state(due_on: dt.date | None, today: dt.date) -> str:
    """OVERDUE once the day has passed, SOON from DUE_SOON_DAYS days before it to the day itself, else ""."""
    if due_on is None:
        return ""
    if due_on < today:
        return OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return SOON
    return ""


def due_note(due_on: dt.date | None, today: dt.date) -> str:
    """ "已逾期 2 天", "今天到期", "还剩 3 天" — for an item not yet done; "" when neither applies."""
    state = due_state(due_on, today)
    if state == OVERDUE:
        days = (today - due_on).days
        return ngettext("已逾期 %(n)d 天", "已逾期 %(n)d 天", days) % {"n": days}
    if state == SOON:
        days = (due_on - today).days
        if days == 0:
            return _("今天到期")
        return ngettext("还剩 %(n)d 天到期", "还剩 %(n)d 天到期", days) % {"n": days}
    return ""
