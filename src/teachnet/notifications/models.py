"""The in-app inbox and what each person chose to receive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import Channel, Kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)  # a path on this site
    # What the notice is about ("homework.submission:12"), so one event notifies a person once.
    subject_key = models.CharField(max_length=120, blank=True)
    in_inbox = models.BooleanField(_("在站内信中显示"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key"],
                condition=~models.Q(subject_key=""),
                name="notif_once_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """One person's choice for one kind and channel; absent means the default (kinds.DEFAULTS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"))

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="notif_pref_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel} {'on' if self.enabled else 'off'}"


class Delivery(models.Model):
    """A message sent outside the inbox (SMS, email): whether the sender took it."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    ok = models.BooleanField(_("成功"))
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")

    def __str__(self) -> str:
        return f"{self.channel} {'ok' if self.ok else 'failed'}"
