from django import forms
from django.utils.translation import gettext_lazy as _


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("专家答复"),
        widget=forms.Textarea(attrs={"data-richtext": "1", "rows": 8, "data-testid": "answer"}),
        required=False,  # the service says what is missing, naming the field
    )


class ReleaseForm(forms.Form):
    note = forms.CharField(label=_("说明（可选）"), max_length=500, required=False)


class RosterDayForm(forms.Form):
    """The experts on duty on one day: the whole list, as checked."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"] = forms.MultipleChoiceField(
            label=_("值班专家"),
            choices=[(str(u.pk), u.real_name or u.username) for u in candidates],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def experts(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["experts"]]
