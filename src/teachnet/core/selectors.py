"""Reads of the core app."""

from django.http import Http404

from .models import TaskProgress


def task_progress_for_owner(*, actor, progress_id) -> TaskProgress:
    """A job is its owner's alone: anyone else gets the same 404 as for a job that does not exist."""
    try:
        return TaskProgress.objects.get(pk=progress_id, owner=actor)
    except (TaskProgress.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
