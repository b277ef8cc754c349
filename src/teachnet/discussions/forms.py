from django import forms
from django.utils.translation import gettext_lazy as _

# The services check and say what is wrong, naming the field; the forms only carry what was typed, so a
# refused post comes back with its text intact.


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("标题"), required=False, widget=forms.TextInput(attrs={"maxlength": 120}))
    body = forms.CharField(
        label=_("正文"), required=False, widget=forms.Textarea(attrs={"data-richtext": "1", "rows": 8})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("回复内容"), required=False, widget=forms.Textarea(attrs={"data-richtext": "1", "rows": 6})
    )
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("隐藏原因"), required=False, max_length=400)


class ForwardForm(forms.Form):
    note = forms.CharField(label=_("转交说明（可选）"), required=False, max_length=1000)


class SeminarForm(forms.Form):
    title = forms.CharField(label=_("研讨主题"), required=False)
    held_on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), required=False)
    organizer = forms.TypedChoiceField(label=_("组织者"), coerce=int, required=False, empty_value=None)
    attendees = forms.TypedMultipleChoiceField(
        label=_("出席学员"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label=_("研讨纪要"), required=False, widget=forms.Textarea(attrs={"data-richtext": "1", "rows": 10})
    )
    # The version the editor read (the record's updated_at, ISO 8601): a save over a newer one is refused.
    read_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, training_class, learners, **kwargs):
        super().__init__(*args, **kwargs)
        people = [(training_class.tutor_id, training_class.tutor.real_name if training_class.tutor else "")]
        people += [(e.user_id, e.user.real_name or e.user.username) for e in learners]
        self.fields["organizer"].choices = [(pk, name) for pk, name in people if pk]
        self.fields["attendees"].choices = [(e.pk, e.user.real_name or e.user.username) for e in learners]
