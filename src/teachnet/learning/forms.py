from django import forms
from django.utils.translation import gettext_lazy as _


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
