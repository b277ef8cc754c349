"""Every command the README shows works as written, in a new shell (issue 19).

Each code span and block of README.md that reads as a command is taken, and every one of them must be
known here: read-only ones (`roster check`, `loadregions`, `migrate` into a scratch folder) run for real,
the others (`demo`, `runserver`, `make test` …) have their `--help` or their make target checked. The
commands run in a clean environment — no SECRET_KEY, DEBUG, DATABASE_URL or settings module — with only
TEACHNET_VAR_DIR pointing into a scratch folder so the developer's own demo data is never touched.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
VENV = Path(sys.prefix) if sys.prefix != sys.base_prefix else None  # the virtualenv running the tests
COMMAND_WORDS = ("make", ".venv/bin/", ".ci/", "teachnet", "python", "DATABASE_URL=", "npm", "bench/")


def readme_commands(text: str) -> list[str]:
    """Code blocks line by line, and inline code spans, that start like a command."""
    found: list[str] = []
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    for block in blocks:
        found += [line.strip() for line in block.splitlines() if line.strip()]
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)
    found += re.findall(r"`([^`\n]+)`", prose)
    commands = []
    for item in found:
        item = item.strip()
        if item.startswith(COMMAND_WORDS) and (" " in item or item.startswith((".ci/", ".venv/bin/"))):
            commands.append(item)
    return list(dict.fromkeys(commands))


def is_synopsis(command: str) -> bool:
    """`… FILE --kind trainee [--project ID]` describes a command; it is not one to type as it stands."""
    return "[" in command or "…" in command or any(w.isupper() and w.isalpha() for w in command.split()[1:])


def test_the_readme_commands_are_found():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert "make demo" in commands and "make test" in commands
    assert any(" roster check var/demo/" in c for c in commands)


def test_no_command_needs_an_activated_virtualenv():
    """A new shell has no `teachnet` on its PATH: the README says `.venv/bin/teachnet`."""
    bare = [c for c in readme_commands(README.read_text(encoding="utf-8")) if c.startswith("teachnet")]
    assert bare == []


@pytest.fixture(scope="module")
def clean_shell(tmp_path_factory, django_db_setup, django_db_blocker):
    """A scratch checkout-like folder: `.venv` is this interpreter's, `var/` is empty but for the demo's
    sample roster (made by the code `teachnet demo` uses), and an environment a new shell would have."""
    if VENV is None:
        pytest.skip("the tests do not run from a virtualenv")
    home = tmp_path_factory.mktemp("readme")
    (home / ".venv").symlink_to(VENV)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TEACHNET_VAR_DIR": str(home / "var"),
    }

    def run(command: str, timeout: int = 120) -> subprocess.CompletedProcess:
        words = shlex.split(command)
        words[0] = str(home / words[0]) if words[0].startswith(".") else words[0]  # as the shell finds it
        return subprocess.run(words, cwd=home, env=env, capture_output=True, text=True, timeout=timeout)

    migrated = run(".venv/bin/teachnet migrate --noinput -v0", timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    loaded = run(".venv/bin/teachnet loadregions")  # as `make demo` leaves it
    assert loaded.returncode == 0, loaded.stderr
    with django_db_blocker.unblock():
        from teachnet.demo.world import SAMPLE_ROSTER
        from teachnet.reporting.demo import demo_sample_roster

        demo_sample_roster(path=home / "var" / "demo" / SAMPLE_ROSTER)
    run.home = home  # type: ignore[attr-defined]
    return run


def _make_target_exists(command: str) -> None:
    """`make demo PORT=8200`, `DATABASE_URL=… make test`: the target is there and make can plan it."""
    words = shlex.split(command)
    while re.fullmatch(r"[A-Z_]+=.*", words[0]):
        words = words[1:]
    assert words[0] == "make", command
    targets = [w for w in words[1:] if "=" not in w]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in targets:
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.M), f"no make target {target!r}"
    planned = subprocess.run(
        ["make", "-n", "-C", str(ROOT), *words[1:]], capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, (command, planned.stderr)


@pytest.mark.django_db
def test_every_readme_command_works(clean_shell):
    ran = []
    for command in readme_commands(README.read_text(encoding="utf-8")):
        words = shlex.split(command)
        first = words[0]
        if first == "make" or re.fullmatch(r"[A-Z_]+=.*", first):
            _make_target_exists(command)
            continue
        if first == ".ci/run":
            assert os.access(ROOT / ".ci" / "run", os.X_OK)
            continue
        assert first == ".venv/bin/teachnet", f"README command not understood by this test: {command!r}"
        sub = words[1:] or ["help"]  # the command itself: `teachnet help` lists its subcommands
        if is_synopsis(command) or sub[0] not in {"roster", "loadregions", "migrate"}:
            # Commands that change the demo or serve: their help must work without production settings.
            helped = clean_shell(
                f".venv/bin/teachnet {sub[0]} --help" if sub != ["help"] else command + " help"
            )
            assert helped.returncode == 0, (command, helped.stderr)
            assert "SECRET_KEY" not in helped.stderr
            ran.append(f"{sub[0]} --help")
            continue
        result = clean_shell(command)
        assert "SECRET_KEY" not in result.stderr, (command, result.stderr)
        if sub[0] == "roster":
            # The demo's sample table holds the mistakes real admins make: exit 1, each named by row.
            assert result.returncode == 1, (command, result.stdout, result.stderr)
            assert "行" in result.stdout or "row" in result.stdout.lower(), result.stdout
        else:
            assert result.returncode == 0, (command, result.stderr)
        ran.append(" ".join(sub[:2]))
    assert "roster check" in ran and "loadregions" in ran
    assert {"demo --help", "runserver --help"} <= set(ran)


@pytest.mark.django_db
def test_the_local_key_is_the_demos_key(clean_shell):
    """One key for the command line and `make demo`: the personal-data keys derive from it."""
    key = (clean_shell.home / "var" / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert (clean_shell.home / "var" / "secret_key").stat().st_mode & 0o077 == 0
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    shown = clean_shell(f".venv/bin/teachnet shell -c '{code}'")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == key


def test_a_deployment_still_needs_its_secret_key():
    """Only the command line falls back to the local key; the WSGI application does not."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "teachnet.settings"}
    loaded = subprocess.run(
        [sys.executable, "-c", "import teachnet.wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert loaded.returncode != 0
    assert "SECRET_KEY must be set" in loaded.stderr
