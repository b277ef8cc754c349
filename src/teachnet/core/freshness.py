"""One number that changes whenever anything a personal page is built from changes: the generation.

Pages that every learner opens again and again (their workspace) are kept rendered in the cache, under a key
that holds the generation (core.pagecache). Apps name the models such pages read with `watch()` (in their
AppConfig.ready); any save or delete of one of them, through the ORM or Django admin, moves the generation
on, and with it every kept page is out of date. Writes that send no signals (bulk_create, queryset.update,
core.bulk) call `bump()` themselves.

The bump happens at once and again when the transaction commits: at once so that the writer's own next
read in the same transaction (and a test, which never commits) sees new pages; after the commit because a
reader that built a page from the data before the commit may have stored it under the first new number.

The counter lives in the cache (Redis in production: INCR is atomic and shared by every worker). A cache
that lost it starts again from the clock, never from a number an old page could have been stored under.
Kept pages also expire by themselves (core.pagecache.TIMEOUT), a bound on any write path that forgot to
bump.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "teachnet:generation"
_watched: set[type] = set()


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        value = time.time_ns()
        if not cache.add(KEY, value, timeout=None):
            value = cache.get(KEY, value)
    return value


def _incr() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not there (a flushed cache): start again from the clock
        cache.set(KEY, time.time_ns(), timeout=None)


def bump(**_signal_kwargs) -> None:
    """The data under personal pages changed: no page kept from before may be served."""
    _incr()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_incr)


def watch(*models: type) -> None:
    """Pages kept in the cache read these models: any change to one of them bumps the generation."""
    for model in models:
        if model in _watched:
            continue
        _watched.add(model)
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"freshness-save-{model._meta.label}")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"freshness-del-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"freshness-m2m-{model._meta.label}-{field.name}",
            )


def watched(model: type) -> bool:
    return model in _watched


def kept(key: str) -> tuple[int, object | None]:
    """(the generation now, what was kept under `key` while it was the generation, else None), in one round
    trip. Whatever is built after this call is to be kept with the generation it returned (`keep`): a change
    that moves the generation on meanwhile then makes it out of date at once."""
    found = cache.get_many([KEY, key])
    now = found.get(KEY) or generation()
    entry = found.get(key)
    return now, (entry[1] if entry is not None and entry[0] == now else None)


def keep(key: str, built_under: int, value, timeout: int) -> None:
    cache.set(key, (built_under, value), timeout)
