"""`{% load teachnet_text %}`: `{{ seconds|duration }}` shows a duration in hours and minutes (core.text)."""

from django import template

from teachnet.core.text import duration as _duration

register = template.Library()


@register.filter
def duration(seconds) -> str:
    return _duration(seconds)
