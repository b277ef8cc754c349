from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StudyPolicy
from .services_rules import POLICY_FIELDS


class JournalForm(forms.Form):
    project = forms.TypedChoiceField(label=_("项目"), coerce=int)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("学习反思"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._projects = {p.pk: p for p in projects}
        self.fields["project"].choices = [(p.pk, str(p)) for p in projects]

    def clean_project(self):
        return self._projects[self.cleaned_data["project"]]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=200)


class PlanItemForm(forms.Form):
    resource = forms.TypedChoiceField(label=_("资源"), coerce=int)
    due_on = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = list(resources)


class PolicyForm(forms.ModelForm):
    """The study policy's figures; the service checks how they fit together (services_rules)."""

    class Meta:
        model = StudyPolicy
        fields = list(POLICY_FIELDS)

    def _post_clean(self):  # the service validates, with messages an office can act on
        pass


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("问题"), max_length=200)
    answer = forms.CharField(label=_("答案"), max_length=60)
