"""The `teachnet` console command: Django's manage commands under the project's name.

The command is what a person types on their own machine, so it never needs production settings: when
SECRET_KEY is not in the environment it uses the local key in `var/secret_key` (TEACHNET_VAR_DIR), the
same file `make demo` serves with, creating it on first use. One key for both matters: the keys protecting
ID-card and phone numbers are derived from it, so the demo's people stay readable from the command line.
`teachnet runserver` is Django's development server and runs with DEBUG on unless DEBUG is given.
A deployment sets SECRET_KEY (docs/deployment.md), and then nothing here applies.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import MutableMapping
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def var_dir(environ: MutableMapping[str, str]) -> Path:
    """Where the embedded default keeps its data; settings.VAR_DIR reads the same variable."""
    return Path(environ.get("TEACHNET_VAR_DIR") or PROJECT_DIR / "var")


def local_secret_key(environ: MutableMapping[str, str]) -> tuple[str, bool]:
    """The local key, and whether it was created now."""
    path = var_dir(environ) / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Only the owner may read it; written whole to a temporary name first, so a reader never sees half.
    tmp = path.with_name(f".secret_key.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)  # fails if another process wrote the key first: then theirs is the key
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        return key, False
    finally:
        tmp.unlink(missing_ok=True)
    return key, True


def apply_local_defaults(environ: MutableMapping[str, str], argv: list[str]) -> str | None:
    """Fill what a local command needs and the environment does not give; returns a note to print."""
    note = None
    if not environ.get("SECRET_KEY"):
        key, created = local_secret_key(environ)
        environ["SECRET_KEY"] = key
        if created:
            note = f"teachnet: SECRET_KEY is not set; created the local key {var_dir(environ) / 'secret_key'}"
    if argv[:1] == ["runserver"]:
        environ.setdefault("DEBUG", "1")
    return note


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
    note = apply_local_defaults(os.environ, sys.argv[1:])
    if note:
        print(note, file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["teachnet", *sys.argv[1:]])


if __name__ == "__main__":
    main()
