"""Forms of the training pages: phase dates (TRN-1), a provider's subject (TRN-2), a team member (TRN-3).

The forms parse; the services judge (the phase order, the provider type, the team's composition) and their
errors are put back on the field they name.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from teachnet.orgs.models import Organization

from .models import ExpertTeamMember, Phase
from .services import PROVIDER_TYPES, check_phases, phase_field


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PhasesForm(forms.Form):
    """Two dates per phase; a phase left blank on both is not set."""

    def __init__(self, *args, phases=(), **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        for phase in phases:
            initial[phase_field(phase.kind, "starts_on")] = phase.starts_on
            initial[phase_field(phase.kind, "ends_on")] = phase.ends_on
        super().__init__(*args, initial=initial, **kwargs)
        for kind in Phase.Kind:
            self.fields[phase_field(kind.value, "starts_on")] = forms.DateField(
                label=_("%(phase)s：开始日期") % {"phase": kind.label}, required=False, widget=_date_input()
            )
            self.fields[phase_field(kind.value, "ends_on")] = forms.DateField(
                label=_("%(phase)s：结束日期") % {"phase": kind.label}, required=False, widget=_date_input()
            )

    def clean(self):
        cleaned = super().clean()
        for kind in Phase.Kind:
            start_name, end_name = phase_field(kind.value, "starts_on"), phase_field(kind.value, "ends_on")
            start, end = cleaned.get(start_name), cleaned.get(end_name)
            if (
                (start is None) != (end is None)
                and not self.has_error(start_name)
                and not self.has_error(end_name)
            ):
                missing = start_name if start is None else end_name
                self.add_error(missing, _("请同时填写开始和结束日期，或两项都留空。"))
        # The service checks again; asking here too shows every contradiction in one round.
        complete = {kind: pair for kind, pair in self.dates().items() if pair is not None}
        for name, errors in check_phases(dates=complete).items():
            self.add_error(name, errors)
        return cleaned

    def dates(self) -> dict:
        """kind → (starts_on, ends_on), or None for a phase left blank."""
        result = {}
        for kind in Phase.Kind:
            start = self.cleaned_data.get(phase_field(kind.value, "starts_on"))
            end = self.cleaned_data.get(phase_field(kind.value, "ends_on"))
            result[kind.value] = (start, end) if start and end else None
        return result


class ProviderSubjectForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("承担单位"), queryset=None)
    subject = forms.ModelChoiceField(label=_("学科"), queryset=None)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organization.objects.filter(type__in=PROVIDER_TYPES).order_by(
            "name"
        )
        self.fields["subject"].queryset = project.subjects.all()


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    role = forms.ChoiceField(label=_("团队角色"), choices=ExpertTeamMember.Role.choices)
    organization = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    title = forms.CharField(label=_("职称/职务"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        help_text=_("填写后为此人开通账号（不设密码），并显示一次性激活码，由您转交本人激活。"),
    )
