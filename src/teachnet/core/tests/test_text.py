"""Durations as people read them (core.text.duration), in both languages."""

import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from teachnet.core.text import duration, duration_templates


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (19980, "5 小时 33 分"),
        (2000, "33 分 20 秒"),
        (45, "45 秒"),
        (0, "0 秒"),
        (3600, "1 小时 0 分"),
        (59.6, "1 分 0 秒"),
        (45.4, "45 秒"),
        (-5, "0 秒"),
        (None, "—"),
        ("abc", "—"),
        (float("nan"), "—"),
    ],
)
def test_duration(seconds, shown):
    with translation.override("zh-hans"):
        assert duration(seconds) == shown


def test_duration_in_english():
    with translation.override("en"):
        assert duration(19980) == "5 h 33 min"
        assert duration(2000) == "33 min 20 s"
        assert duration(45) == "45 s"
        assert set(duration_templates()) == {"hours", "minutes", "seconds"}


@given(st.integers(min_value=0, max_value=10**7))
def test_duration_says_the_time_to_the_minute(seconds):
    with translation.override("zh-hans"):
        text = duration(seconds)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if seconds >= 3600:
        hours, minutes = numbers
        assert hours * 3600 + minutes * 60 <= seconds < hours * 3600 + (minutes + 1) * 60
    elif seconds >= 60:
        minutes, secs = numbers
        assert minutes * 60 + secs == seconds
    else:
        assert numbers == [seconds]
