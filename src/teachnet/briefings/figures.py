"""The platform's figures a briefing can insert as a table, contributed by the apps that hold them.

A briefing's writer picks one of the figures offered for the briefing's scope ("学习情况（学时）", "作业进度",
"优秀作业" …); the table is computed then and stored in the briefing as it was (models.BriefingFigure, with
the date), never recomputed. This module imports no other app, so any app may contribute without a cycle:

    # homework/apps.py, in HomeworkConfig.ready():
    from teachnet.briefings import figures

    figures.register(
        "homework.progress",
        _("作业进度"),
        homework_progress_table,  # (figures.Scope) -> figures.Table | None
        kinds={"expert", "class", "provincial"},  # the briefing kinds it is offered to (default: all)
    )

`fn(scope)` receives a Scope: the briefing's kind and project, and the one of provider_subject (a subject's
expert briefing), training_class (a class briefing) or province (a province's work briefing) that is set;
`scope.subject` is the training subject of the first two. It returns a Table (column titles, rows of cells
already written for people: numbers, "5 小时 33 分", names) or None when it has nothing to say for that scope
(the figure is then not offered). It must only read. The learning app's study figures are registered by
briefings itself (apps.py), as briefings sits above learning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

KINDS = frozenset({"expert", "class", "provincial"})


@dataclass(frozen=True)
class Scope:
    kind: str
    project: object  # training.Project
    provider_subject: object | None = None  # training.ProviderSubject, for an expert briefing
    training_class: object | None = None  # training.TrainingClass, for a class briefing
    province: object | None = None  # orgs.Region, for a provincial work briefing

    @property
    def subject(self):
        """The training subject (training.Subject) of a subject's or a class's briefing; None for a
        province's."""
        if self.provider_subject is not None:
            return self.provider_subject.subject
        if self.training_class is not None:
            return self.training_class.subject
        return None


Cell = str | int | float


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""  # what the figures mean ("1 学时 = 45 分钟"), shown under the table
    title: str = ""  # the table's own title; the figure's label when empty


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    fn: Callable[[Scope], Table | None]
    kinds: frozenset[str] = field(default=KINDS)


_FIGURES: dict[str, Figure] = {}


def register(
    key: str, label: str, fn: Callable[[Scope], Table | None], *, kinds: Iterable[str] | None = None
) -> None:
    kinds = frozenset(kinds) if kinds is not None else KINDS
    if not kinds <= KINDS:
        raise ValueError(f"figure {key!r}: unknown briefing kinds {sorted(kinds - KINDS)}")
    _FIGURES[key] = Figure(key, label, fn, kinds)


def offered(kind: str) -> list[Figure]:
    """The figures offered to briefings of this kind, in registration order."""
    return [f for f in _FIGURES.values() if kind in f.kinds]


def get(key: str) -> Figure | None:
    return _FIGURES.get(key)


def take(key: str, scope: Scope) -> Table | None:
    """The figure's table for the scope now; None when the figure is unknown, not offered to the scope's kind,
    or has nothing for it."""
    figure = _FIGURES.get(key)
    if figure is None or scope.kind not in figure.kinds:
        return None
    return figure.fn(scope)
