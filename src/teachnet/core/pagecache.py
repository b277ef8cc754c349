"""Personal pages kept rendered in the cache while nothing they show has changed.

A learner's workspace is the page every learner opens again and again, and what it shows changes rarely: when
the learner studies (their credited time), when a day passes, or when someone changes a project, a course, a
class, a plan or a role. `personal_page` keeps the rendered page per person under a key made of everything
else it depends on:

- the person (id, the name shown in the header, superuser or not), the language, the local date and the URL;
- and it is kept with the generation (core.freshness) it was built under: any change to the models the page
  is built from moves the generation on, and a page from an earlier one is built again.

What changes more often than that is left out of the kept page as slots, which the view's `fill` writes in
on every request, kept or not (for the workspace, learning.progress: the learner's credited time, from one
query of the totals the database keeps with every heartbeat).

A page is served from the cache only to a GET or HEAD of a logged-in person with no message waiting (a
message is shown once, on the page it was meant for). The CSRF token is not kept in it: the page is rendered
with a placeholder that each answer replaces with the person's own token. Only whole 200 HTML answers that
set no cookie are kept, compressed, for TIMEOUT seconds at most.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from . import freshness

TIMEOUT = 600
PLACEHOLDER = "teachnet-csrf-placeholder-8d1f0b"
_RENDERING = "_teachnet_pagecache_rendering"


def context_processor(request) -> dict:
    """While a page is rendered to be kept, `{% csrf_token %}` and `{{ csrf_token }}` write the placeholder
    (listed after Django's own csrf processor in settings, so it overrides it)."""
    return {"csrf_token": PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def _key(request, name: str, vary: str = "") -> str:
    user = request.user
    parts = (
        name,
        vary,
        request.get_full_path(),
        user.pk,
        getattr(user, "real_name", ""),
        user.get_username(),
        user.is_superuser,
        getattr(request, "LANGUAGE_CODE", ""),
        timezone.localdate().isoformat(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _as_is(request, content: bytes) -> bytes:
    return content


def personal_page(
    fill: Callable[[object, bytes], bytes] = _as_is, vary: Callable[..., str] | None = None
) -> Callable:
    """Keep the view's page per person; `fill(request, content)` writes in, on every answer, what the page
    shows that changes without a model save (it must be cheap). `vary(request, *args, **kwargs)`, when given,
    names what else the page rests on that the generation does not follow (a generation of the app's own,
    moved on by its writes, for rows too busy to be watched models); it is part of the key."""

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or not request.user.is_authenticated
                or len(get_messages(request))
            ):
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    response.content = fill(request, response.content)
                return response
            key = _key(request, name, vary(request, *args, **kwargs) if vary is not None else "")
            generation, kept = freshness.kept(key)
            if kept is not None:
                response = HttpResponse(_token(fill(request, zlib.decompress(kept)), request))
                response["X-Page-Cache"] = "hit"
                return response
            setattr(request, _RENDERING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _RENDERING, False)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and response.get("Content-Type", "").startswith("text/html")
            ):
                freshness.keep(key, generation, zlib.compress(response.content, 6), TIMEOUT)
                response["X-Page-Cache"] = "miss"
            if not response.streaming:
                content = response.content
                if response.status_code == 200:
                    content = fill(request, content)
                response.content = _token(content, request)
            return response

        return wrapper

    return decorator


def _token(content: bytes, request) -> bytes:
    return content.replace(PLACEHOLDER.encode(), get_token(request).encode())
