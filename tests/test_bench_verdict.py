"""The benchmarks' verdict (bench/verdict.py): a missed limit, or one never measured, exits 1."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from verdict import Limit, Verdict  # noqa: E402

LIMITS = {"rate": Limit(">=", 1000, "heartbeats a second", "/s"), "p99": Limit("<", 100, "p99", " ms")}


def test_every_limit_met_passes(capsys):
    verdict = Verdict(LIMITS)
    assert verdict.check("rate", 1186) and verdict.check("p99", 45)
    verdict.finish()  # no exit
    out = capsys.readouterr().out.splitlines()
    assert out == ["PASS heartbeats a second: 1,186/s (limit >= 1,000/s)", "PASS p99: 45 ms (limit < 100 ms)"]


def test_a_missed_limit_fails_and_exits_1(capsys):
    verdict = Verdict(LIMITS)
    verdict.check("rate", 1186)
    assert not verdict.check("p99", 100)  # "< 100" is missed at 100
    with pytest.raises(SystemExit) as stopped:
        verdict.finish()
    assert stopped.value.code == 1
    assert "FAIL p99: 100 ms (limit < 100 ms)" in capsys.readouterr().out


def test_a_limit_not_measured_fails(capsys):
    verdict = Verdict(LIMITS)
    verdict.check("rate", 1186)
    with pytest.raises(SystemExit) as stopped:
        verdict.finish()
    assert stopped.value.code == 1
    assert "FAIL p99: not measured in this run" in capsys.readouterr().out


def test_a_limit_tightened_for_a_run_is_the_one_checked():
    verdict = Verdict(LIMITS, ["rate=5000"])
    assert not verdict.check("rate", 1186)
    with pytest.raises(SystemExit):
        Verdict(LIMITS, ["speed=1"])


PENDING = {"verdict.py"}
# Modules the benchmarks import, not benchmarks themselves.
HELPERS = {"homework_world.py"}


@pytest.mark.parametrize(
    "script", sorted(p.name for p in BENCH.glob("*.py") if p.name not in PENDING | HELPERS)
)
def test_every_benchmark_names_its_limits(script):
    """Each script lists its limits (--list-limits) without running anything."""
    listed = subprocess.run(
        [sys.executable, str(BENCH / script), "--list-limits"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip(), "no limits named"
