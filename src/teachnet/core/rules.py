"""Counts the seeds demand, as data: a named rule, the figure it asks for, and how far each unit is.

"at least 5 briefings per subject" (GP 四.2(3)), "at least 3 experts on duty every day" (GP 四.2(2)) …: an app
declares each of its rules once (`Rule`), registers how to measure it for a project (`register(rule,
measure)`), and shows the standings on its pages; a page above the apps can list every rule of a project
(`standings(project)`) without knowing where each lives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    key: str  # "briefings.expert_per_subject": app, then what is counted
    label: str  # what the rule asks, for people ("每学科专家简报不少于 5 期"), translated lazily
    minimum: int
    source: str = ""  # where the seeds ask for it: "GP 四.2(3)"


@dataclass
class Standing:
    """One unit (a subject, a class, a province, a day …) measured against one rule."""

    rule: Rule
    unit: str  # the unit, for people: "初中体育", "广州一班", "2026-12-04"
    count: int
    note: str = ""  # why some did not count, what is left, e.g. "1 次不足 2 小时"
    url: str = ""

    @property
    def met(self) -> bool:
        return self.count >= self.rule.minimum

    @property
    def shortfall(self) -> int:
        return max(0, self.rule.minimum - self.count)


Measure = Callable[[object], list[Standing]]
_MEASURES: dict[str, tuple[Rule, Measure]] = {}


def register(rule: Rule, measure: Measure) -> None:
    _MEASURES[rule.key] = (rule, measure)


def rules() -> list[Rule]:
    return [rule for rule, _measure in _MEASURES.values()]


def standings(project, keys: list[str] | None = None) -> list[Standing]:
    """Every registered rule's standings for the project (or those named), in registration order."""
    out: list[Standing] = []
    for key, (_rule, measure) in _MEASURES.items():
        if keys is None or key in keys:
            out.extend(measure(project))
    return out
