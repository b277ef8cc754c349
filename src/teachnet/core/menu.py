"""The menu's flags: which entries a person's menu offers, asked once and remembered while nothing changes.

Every page of the site shows the menu, and each entry is a question about the person (may they open the
organizations, are they a tutor, do they study in a project …), each a query or more: about a third of what an
empty page cost (bench/pages.py, the shell). Apps name their entries with `entry(name, question)` in their
AppConfig.ready (core knows nothing of roles or projects); `context_processor` gives templates `nav`, whose
answers are asked together on first use and kept in the cache per person with the generation they were asked
under (core.freshness: roles, enrollments and classes are watched models), so a page reads one cache entry
instead of asking again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import SimpleLazyObject

from . import freshness

_ENTRIES: dict[str, Callable] = {}
TIMEOUT = 3600


def entry(name: str, question: Callable) -> None:
    """A menu entry `name`, offered when `question(user)` is true."""
    _ENTRIES[name] = question


def flags(user) -> dict[str, bool]:
    if not user.is_authenticated:
        return {}
    # Besides the generation, what of the person the answers may rest on that no watched model holds.
    person = (user.pk, user.is_active, user.is_superuser, getattr(user, "organization_id", None))
    key = "teachnet:menu:{}:{:d}{:d}:{}".format(*person)
    generation, answers = freshness.kept(key)
    if answers is None:
        answers = {name: bool(question(user)) for name, question in _ENTRIES.items()}
        freshness.keep(key, generation, answers, TIMEOUT)
    return answers


def context_processor(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav": {}}
    return {"nav": SimpleLazyObject(lambda: flags(user))}
