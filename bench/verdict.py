"""The verdict every benchmark ends with: one PASS or FAIL line per limit, and exit status 1 on any FAIL.

Each script names its limits at its top, as a `dict[str, Limit]`; `--limit NAME=VALUE` sets one for a run
(to show that a missed limit fails, or to try a stricter target), and `--list-limits` prints them:

    LIMITS = {"rate": Limit(">=", 1000, "accepted heartbeats a second", "/s")}
    …
    verdict = Verdict(LIMITS, args.limit)
    verdict.check("rate", rate)
    verdict.finish()          # exits 1 when a limit was missed
"""

from __future__ import annotations

import argparse
import math
import operator
import sys
from dataclasses import dataclass

OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Limit:
    op: str  # the figure must be <op> the value: ">=", ">", "<=", "<"
    value: float
    what: str
    unit: str = ""

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; use one of {', '.join(OPERATORS)}")

    def holds(self, figure: float) -> bool:
        return not math.isnan(figure) and OPERATORS[self.op](figure, self.value)


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 0.1 else f"{value:.3g}"


def add_arguments(parser: argparse.ArgumentParser, limits: dict[str, Limit]) -> None:
    names = ", ".join(limits)
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"set a limit for this run (names: {names}; --list-limits shows them)",
    )
    parser.add_argument("--list-limits", action=_ListLimits, limits=limits, help="print the limits and exit")


class _ListLimits(argparse.Action):
    def __init__(self, option_strings, dest, limits, **kwargs):
        self.limits = limits
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        for name, limit in self.limits.items():
            print(f"{name}: {limit.what} {limit.op} {_number(limit.value)}{limit.unit}")
        parser.exit()


class Verdict:
    def __init__(self, limits: dict[str, Limit], overrides: list[str] | None = None) -> None:
        self.limits = dict(limits)
        for item in overrides or []:
            name, sep, value = item.partition("=")
            if not sep or name not in self.limits:
                sys.exit(f"--limit {item}: give NAME=VALUE, NAME one of {', '.join(self.limits)}")
            try:
                number = float(value)
            except ValueError:
                sys.exit(f"--limit {item}: {value!r} is not a number")
            old = self.limits[name]
            self.limits[name] = Limit(old.op, number, old.what, old.unit)
        self.failed: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str, figure: float, note: str = "") -> bool:
        """Print `PASS|FAIL <what>: <figure> (limit <op> <value>)` for the named limit."""
        limit = self.limits[name]
        ok = limit.holds(figure)
        shown = "n/a" if math.isnan(figure) else f"{_number(figure)}{limit.unit}"
        extra = f"; {note}" if note else ""
        print(f"{'PASS' if ok else 'FAIL'} {limit.what}: {shown} (limit {limit.op} {_number(limit.value)}"
              f"{limit.unit}){extra}", flush=True)  # fmt: skip
        self.checked.append(name)
        if not ok:
            self.failed.append(name)
        return ok

    def finish(self) -> None:
        """Exit 1 when a limit was missed or never checked (a run that stopped early proves nothing)."""
        missing = [name for name in self.limits if name not in self.checked]
        for name in missing:
            print(f"FAIL {self.limits[name].what}: not measured in this run", flush=True)
        if self.failed or missing:
            sys.exit(1)
