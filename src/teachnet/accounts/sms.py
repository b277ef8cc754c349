"""SMS delivery through a pluggable sender (settings.SMS_SENDER). Every message is logged in SmsMessage.

A real gateway (Aliyun, Tencent Cloud …) is a class with `send(phone, body) -> bool` named in SMS_SENDER.
"""

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

from teachnet.core import protect

from .models import SmsMessage

log = logging.getLogger(__name__)


class ConsoleSender:
    """The default: writes the message to the console (the server's output) and the log table."""

    def send(self, phone: str, body: str) -> bool:
        print(f"[SMS to {phone}] {body}", file=sys.stderr, flush=True)
        return True


def sms_send(*, phone: str, body: str) -> SmsMessage:
    sender = import_string(settings.SMS_SENDER)()
    try:
        ok = bool(sender.send(phone, body))
    except Exception:  # a gateway outage must not lose the record of the attempt
        log.exception("SMS sender %s failed", settings.SMS_SENDER)
        ok = False
    return SmsMessage.objects.create(
        phone_masked=protect.mask_phone(phone),
        phone_hash=protect.blind_index("phone", phone),
        body=body,
        sender=settings.SMS_SENDER,
        ok=ok,
    )
