"""Telling people things: one call stores the notice, counts it unread and sends it by SMS or email where the
person wants it (after the transaction commits, off the request path)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .kinds import DEFAULTS, Channel, Kind
from .models import Delivery, Notification, Preference

log = logging.getLogger(__name__)


def _unread_key(user_id: int) -> str:
    return f"teachnet:notif:unread:{user_id}"


def channels_for(*, user_ids: Iterable[int], kind: str) -> dict[int, set[str]]:
    """Each person's channels for this kind: the defaults, overridden by what they chose."""
    ids = list(user_ids)
    chosen = {uid: set(DEFAULTS.get(kind, {Channel.INBOX})) for uid in ids}
    for uid, channel, enabled in Preference.objects.filter(user_id__in=ids, kind=kind).values_list(
        "user_id", "channel", "enabled"
    ):
        (chosen[uid].add if enabled else chosen[uid].discard)(channel)
    return chosen


def notify(
    *,
    recipients: Iterable,
    kind: Kind | str,
    title: str,
    body: str = "",
    url: str = "",
    subject_key: str = "",
) -> list[Notification]:
    """Notify each recipient (users or user ids) once per (kind, subject_key) when a key is given."""
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return []
    channels = channels_for(user_ids=ids, kind=kind)
    if subject_key:
        already = set(
            Notification.objects.filter(recipient_id__in=ids, kind=kind, subject_key=subject_key).values_list(
                "recipient_id", flat=True
            )
        )
        ids = [i for i in ids if i not in already]
    rows = [
        Notification(
            recipient_id=uid,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            subject_key=subject_key,
            in_inbox=Channel.INBOX in channels[uid],
        )
        for uid in ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(subject_key))
    if subject_key:  # ignore_conflicts leaves no primary keys: read them back
        rows = list(Notification.objects.filter(recipient_id__in=ids, kind=kind, subject_key=subject_key))
    for uid in ids:
        cache.delete(_unread_key(uid))
    outside = [n.pk for n in rows if channels[n.recipient_id] & {Channel.SMS, Channel.EMAIL}]
    if outside:
        from teachnet.core.services import run_in_background

        from .tasks import deliver

        transaction.on_commit(lambda: run_in_background(deliver, outside))
    return rows


def deliver_now(notification_ids: list[int]) -> None:
    """Send each notice by the person's SMS and email channels; every attempt is recorded (Delivery)."""
    from teachnet.accounts.sms import sms_send

    notices = list(Notification.objects.filter(pk__in=notification_ids).select_related("recipient"))
    # One preferences query per kind, not per notice (a notice to a class is forty notices of one kind).
    chosen = {
        kind: channels_for(user_ids=[n.recipient_id for n in notices if n.kind == kind], kind=kind)
        for kind in {n.kind for n in notices}
    }
    for n in notices:
        user = n.recipient
        channels = chosen[n.kind][user.pk]
        text = f"{n.title}{'：' + n.body if n.body else ''}"
        if Channel.SMS in channels:
            phone = user.phone
            if phone:
                ok = sms_send(phone=phone, body=text[:300]).ok
                Delivery.objects.create(notification=n, channel=Channel.SMS, ok=ok)
            else:
                Delivery.objects.create(notification=n, channel=Channel.SMS, ok=False, detail="no phone")
        if Channel.EMAIL in channels:
            if user.email:
                try:
                    send_mail(n.title, _email_body(n), settings.DEFAULT_FROM_EMAIL, [user.email])
                    ok, detail = True, ""
                except Exception as exc:  # the mail server's trouble must not lose the record
                    log.exception("email to user %s failed", user.pk)
                    ok, detail = False, str(exc)[:200]
                Delivery.objects.create(notification=n, channel=Channel.EMAIL, ok=ok, detail=detail)
            else:
                Delivery.objects.create(notification=n, channel=Channel.EMAIL, ok=False, detail="no email")


def _email_body(n: Notification) -> str:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{n.url}" if n.url else ""
    return f"{n.body}{link}"


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).count()
        cache.set(key, count, 3600)
    return count


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notices read (all of them when ids is None); returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    changed = qs.update(read_at=timezone.now())
    cache.delete(_unread_key(user.pk))
    return changed


def preferences(user) -> dict[str, set[str]]:
    """kind → the channels on, for the preferences page."""
    return {kind: channels_for(user_ids=[user.pk], kind=kind)[user.pk] for kind in Kind.values}


def preferences_set(*, user, chosen: dict[str, set[str]]) -> None:
    """Store the person's choice for every kind and channel (the whole table, as the page submits it)."""
    with transaction.atomic():
        for kind in Kind.values:
            on = chosen.get(kind, set())
            for channel in Channel.values:
                Preference.objects.update_or_create(
                    user=user, kind=kind, channel=channel, defaults={"enabled": channel in on}
                )
    cache.delete(_unread_key(user.pk))
