"""`{% load teachnet_nav %}{% main_nav %}`: the menu's links, rendered once per process for each set of
entries a person is offered (core.menu's flags), language and script prefix.

Every page shows the menu: a dozen `{% url %}` reversals and translations, about a millisecond of every page
(bench/pages.py, the shell). The links depend on nothing else, and people share a few combinations of entries
(a learner's, a tutor's, an office's …), so the rendered links are kept per combination."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _rendered(entries: frozenset[str], superuser: bool, language: str, prefix: str) -> str:
    return render_to_string(
        "includes/mainnav.html", {"nav": dict.fromkeys(entries, True), "superuser": superuser}
    )


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    nav = context.get("nav") or {}
    entries = frozenset(name for name, offered in nav.items() if offered)
    return mark_safe(_rendered(entries, bool(user.is_superuser), get_language() or "", get_script_prefix()))  # noqa: S308 (our own template)
