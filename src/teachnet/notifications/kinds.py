"""What a person can be told, and by which channels unless they choose otherwise.

Apps name the kind when they notify (`notify(kind=Kind.HOMEWORK_GRADED, …)`); a person's preferences turn
each channel of each kind on or off (Preference). The in-app inbox is on by default for every kind; SMS only
for what cannot wait, email for nothing until the person asks for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DEADLINE_SOON = "deadline_soon", _("截止日期临近")
    HOMEWORK_RETURNED = "homework_returned", _("作业被退回修改")
    HOMEWORK_GRADED = "homework_graded", _("作业已批改")
    QUESTION_ANSWERED = "question_answered", _("转交的问题已答复")
    QA_STARTING = "qa_starting", _("答疑活动即将开始")


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


DEFAULTS: dict[str, frozenset[str]] = {
    Kind.DEADLINE_SOON: frozenset({Channel.INBOX, Channel.SMS}),
    Kind.HOMEWORK_RETURNED: frozenset({Channel.INBOX, Channel.SMS}),
    Kind.HOMEWORK_GRADED: frozenset({Channel.INBOX}),
    Kind.QUESTION_ANSWERED: frozenset({Channel.INBOX}),
    Kind.QA_STARTING: frozenset({Channel.INBOX, Channel.SMS}),
}
