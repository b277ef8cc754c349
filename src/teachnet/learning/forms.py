import functools

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import gettext_lazy as _

from .models import StudyPolicy
from .services_rules import BOUNDS, POLICY_FIELDS, bound_problem, policy_problems


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
    """The study policy's figures, each with its range shown and checked (services_rules.BOUNDS), and how they
    fit together checked in the same round (services_rules.policy_problems)."""

    class Meta:
        model = StudyPolicy
        fields = list(POLICY_FIELDS)

    CONVERSION = _("换算规则：保存后，所有学员已计的时间都按新值折算成学时（已计的秒数不变）。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in BOUNDS.items():
            field = self.fields[name]
            bound = functools.partial(_within, name)
            # Our range, in our words, instead of the model field's (">= 0", "at most 3 digits").
            field.validators = [bound] + (
                [DecimalValidator(8, 2)] if isinstance(field, forms.DecimalField) else []
            )
            field.widget.attrs.update({"min": low, "max": high})
            if isinstance(field, forms.DecimalField):
                field.max_digits, field.widget.attrs["step"] = 8, "0.05"
            field.help_text = _("范围：%(low)s–%(high)s") % {"low": low, "high": high}
        for name in ("required_units", "minutes_per_unit"):
            self.fields[name].help_text = f"{self.fields[name].help_text}。{self.CONVERSION}"

    def clean(self):
        cleaned = super().clean()
        for name, problem in policy_problems(cleaned).items():
            if name not in self.errors:
                self.add_error(name, problem)
        return cleaned

    def _post_clean(self):  # the service saves; the model's own checks are the ones above
        pass


def _within(name, value):
    problem = bound_problem(name, value)
    if problem:
        raise ValidationError(problem)


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("问题"), max_length=200, error_messages={"required": _("请填写问题。")})
    answer = forms.CharField(
        label=_("答案"),
        max_length=60,
        error_messages={"required": _("请填写答案（学员须输入它才能继续计时）。")},
    )
