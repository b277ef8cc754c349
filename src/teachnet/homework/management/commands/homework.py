"""`teachnet homework …`: homework jobs from the command line.

    teachnet homework similarity SUBMISSIONS.jsonl [--prompt PROMPT.txt] [--template T.txt] --json
        One {"id": …, "text": …} per line; prints the flagged pairs as a JSON list of
        {"a": id, "b": id, "score": 0..1} (the share of the shorter text found in the other).
        Exit 0 when none is flagged, 1 when some are, 2 when the input is unusable (the line is named).
    teachnet homework notify-due [--days N]
        Tell learners who have not submitted that an assignment is due within N days (once per assignment).
    teachnet homework recheck ASSIGNMENT_ID
        The full copy re-check of one assignment, as the page's button runs it.

The similarity check is the engine the platform runs (teachnet.homework.similarity), on nothing but the
files given: no database is read for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

UNUSABLE = 2


class Unusable(Exception):
    pass


def read_submissions(path: str) -> list[tuple[object, str]]:
    """(id, text) per line; Unusable names the line of the first problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise Unusable(f"{path}: cannot read ({exc.strerror or exc})") from exc
    items: list[tuple[object, str]] = []
    seen: dict[object, int] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise Unusable(f"{path}:{number}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Unusable(f"{path}:{number}: not JSON ({exc.msg}, column {exc.colno})") from exc
        if not isinstance(row, dict):
            raise Unusable(f'{path}:{number}: expected an object {{"id": …, "text": …}}')
        if "id" not in row or "text" not in row:
            missing = " and ".join(k for k in ("id", "text") if k not in row)
            raise Unusable(f"{path}:{number}: missing {missing}")
        key, body = row["id"], row["text"]
        if not isinstance(key, str | int) or isinstance(key, bool):
            raise Unusable(f"{path}:{number}: id must be a string or an integer")
        if not isinstance(body, str):
            raise Unusable(f"{path}:{number}: text must be a string")
        if key in seen:
            raise Unusable(f"{path}:{number}: id {key!r} already given on line {seen[key]}")
        seen[key] = number
        items.append((key, body))
    if not items:
        raise Unusable(f"{path}: no submissions (one JSON object per line)")
    return items


def _read_text(path: str | None, what: str) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise Unusable(f"{path}: cannot read the {what} ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise Unusable(f"{path}: the {what} is not UTF-8 text") from exc


class Command(BaseCommand):
    help = "Homework from the command line: similarity (copy detection on a JSONL file), notify-due, recheck."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("similarity", help="flag near-duplicate texts among one {id, text} per line")
        s.add_argument("submissions", help='JSONL: one {"id": …, "text": …} per line')
        s.add_argument("--prompt", help="the assignment's prompt: its text is not counted as copied")
        s.add_argument("--template", help="quoted template text, also not counted")
        s.add_argument("--json", action="store_true", help="print the pairs as JSON")
        s.add_argument("--threshold", type=float, default=None, help="flag from this score (default 0.3)")
        d = sub.add_parser("notify-due", help="tell learners an assignment is due soon (once per assignment)")
        d.add_argument("--days", type=int, default=None)
        r = sub.add_parser("recheck", help="the full copy re-check of one assignment")
        r.add_argument("assignment", type=int)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "similarity":
            code = self.similarity(options)
            sys.stdout.flush()
            if code:
                sys.exit(code)
        elif action == "notify-due":
            from teachnet.homework.services import homework_notify_due

            told = homework_notify_due(days=options["days"])
            self.stdout.write(f"{told} learners told")
        else:
            from teachnet.homework.models import Assignment
            from teachnet.homework.services import similarity_recheck

            try:
                assignment = Assignment.objects.get(pk=options["assignment"])
            except Assignment.DoesNotExist as exc:
                raise CommandError(f"no assignment {options['assignment']}") from exc
            result = similarity_recheck(assignment=assignment)
            self.stdout.write(
                f"{result.checked} checked, {result.scored} scored, {result.pairs} pairs flagged"
            )

    def similarity(self, options) -> int:
        from teachnet.homework import similarity as sim

        threshold = sim.THRESHOLD if options["threshold"] is None else options["threshold"]
        if not 0 < threshold <= 1:
            self.stderr.write("--threshold must be above 0 and at most 1")
            return UNUSABLE
        try:
            items = read_submissions(options["submissions"])
            excluded = sim.Excluded(
                _read_text(options["prompt"], "prompt"), _read_text(options["template"], "template")
            )
        except Unusable as exc:
            self.stderr.write(str(exc))
            return UNUSABLE
        fps = []
        short = []
        for key, text in items:
            fp = sim.fingerprint(text, excluded=excluded)
            if fp is None:
                short.append(key)
            else:
                fps.append((key, fp))
        pairs = sim.pairs_among(fps, threshold=threshold)
        if short:
            shown = ", ".join(map(str, short[:10])) + (" …" if len(short) > 10 else "")
            self.stderr.write(f"not scored, too short once the prompt is taken out: {len(short)} ({shown})")
        if options["json"]:
            self.stdout.write(json.dumps([p.as_json() for p in pairs], ensure_ascii=False))
        else:
            for p in pairs:
                self.stdout.write(f"{p.a}\t{p.b}\t{p.score:.3f}")
            self.stdout.write(f"{len(pairs)} pairs flagged among {len(items)} texts ({len(fps)} scored)")
        return 1 if pairs else 0
