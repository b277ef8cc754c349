"""Writes of the core app: audit events and task progress."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import AuditEvent, TaskProgress


def audit_record(
    *,
    actor,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )


def progress_start(*, owner, kind: str, title: str, total: int = 0) -> TaskProgress:
    return TaskProgress.objects.create(owner=owner, kind=kind, title=title, total=total)


class ProgressReporter:
    """Handed to a long job: it reports how far it got, at most a few writes a second."""

    def __init__(self, progress_id) -> None:
        self.progress_id = progress_id
        self._last_write = 0.0

    def _update(self, **fields) -> None:
        TaskProgress.objects.filter(pk=self.progress_id).update(updated_at=timezone.now(), **fields)

    def running(self, *, total: int, message: str = "") -> None:
        self._update(state=TaskProgress.State.RUNNING, total=total, done=0, message=message)

    def advance(self, *, done: int, message: str = "", force: bool = False) -> None:
        now = timezone.now().timestamp()
        if force or now - self._last_write >= 0.3:
            self._last_write = now
            self._update(done=done, message=message) if message else self._update(done=done)

    def finish(self, *, message: str = "", result_path: Path | None = None, result_name: str = "") -> None:
        self._update(
            state=TaskProgress.State.DONE,
            done=models.F("total"),
            message=message,
            result_path=str(result_path.relative_to(settings.PRIVATE_ROOT)) if result_path else "",
            result_name=result_name,
            finished_at=timezone.now(),
        )

    def fail(self, *, message: str) -> None:
        self._update(state=TaskProgress.State.FAILED, message=message[:500], finished_at=timezone.now())


def private_path(*parts: str) -> Path:
    path = Path(settings.PRIVATE_ROOT).joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def private_resolve(relative_path: str) -> Path:
    """The file a stored relative path names, refusing (ValueError) any path that leads out of PRIVATE_ROOT.

    Stored paths come from the database, where a bad row or a crafted value must never reach other files.
    """
    root = Path(settings.PRIVATE_ROOT).resolve()
    if not relative_path or "\x00" in relative_path:
        raise ValueError("empty or invalid private path")
    path = (root / relative_path).resolve()
    if root not in path.parents:
        raise ValueError(f"private path leads out of PRIVATE_ROOT: {relative_path!r}")
    return path


def run_in_background(task, *args) -> None:
    """Start a Celery task: on the broker when there is one, else in a thread of this process.

    In tests (TASKS_INLINE) the task runs before this returns, so they can assert on its result.
    """
    if settings.TASKS_INLINE:
        task.apply(args=args, throw=True)
    elif settings.TASKS_IN_PROCESS:
        from django.db import connection

        def target() -> None:
            try:
                task.apply(args=args)
            finally:
                connection.close()

        threading.Thread(target=target, name=f"task-{task.name}", daemon=True).start()
    else:
        task.delay(*args)


def run_reported(progress_id, language: str, job):
    """Run job(reporter) in the person's language; any failure is shown on their progress bar, then raised."""
    from django.utils.translation import override

    reporter = ProgressReporter(progress_id)
    with override(language):
        try:
            return job(reporter)
        except Exception as exc:  # the page must show the failure, whatever it was
            reporter.fail(message=str(exc) or exc.__class__.__name__)
            raise
