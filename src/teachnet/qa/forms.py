"""The scheduling form of a Q&A session (the service checks everything again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QaSession


def _when():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    title = forms.CharField(label=_("主题"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=_when())
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=_when(), help_text=_("每次不少于 2 小时才计入“每学科不少于 3 次”。")
    )
    hosts = forms.MultipleChoiceField(
        label=_("主持专家"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本学科专家团队的成员；首席专家须参与，本场才计入。"),
    )
    video_url = forms.URLField(
        label=_("视频直播地址（可选）"), required=False, max_length=500, assume_scheme="https"
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, provider_subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].choices = [
            (str(m.pk), f"{m.name}（{m.get_role_display()}）{'' if m.user_id else ' · ' + str(_('无账号'))}")
            for m in provider_subject.members.order_by("role", "id")
        ]

    @classmethod
    def initial_for(cls, session: QaSession) -> dict:
        return {
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "hosts": [str(h.pk) for h in session.hosts.all()],
            "video_url": session.video_url,
            "description": session.description,
            "version": session.updated_at.isoformat(),
        }
