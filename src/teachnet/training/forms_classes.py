"""Forms of the class pages (TRN-6) and adjustments (TRN-7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teachnet.reporting.columns import ETHNICITIES, GENDERS

from .models import TrainingClass

# Form field → trainee table column: the replacement is checked as a roster row under these headers.
PERSON_FIELDS = {
    "real_name": "姓名", "gender": "性别", "ethnicity": "民族", "id_card": "身份证号", "phone": "手机号码",
    "email": "电子邮箱", "county": "所在区县", "organization": "工作单位", "title": "职称",
    "position": "职务", "note": "备注",
}  # fmt: skip


class BuildForm(forms.Form):
    size = forms.IntegerField(label=_("每班人数"), min_value=2, max_value=500, initial=100)


class MoveForm(forms.Form):
    to_class = forms.ModelChoiceField(label=_("调入班级"), queryset=TrainingClass.objects.none())
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, training_class: TrainingClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = TrainingClass.objects.filter(
            project_id=training_class.project_id,
            subject_id=training_class.subject_id,
            province_id=training_class.province_id,
        ).exclude(pk=training_class.pk)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ReplaceForm(forms.Form):
    real_name = forms.CharField(label=_("姓名"), max_length=30)
    gender = forms.ChoiceField(label=_("性别"), choices=[(g, g) for g in GENDERS])
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[(e, e) for e in ETHNICITIES])
    id_card = forms.CharField(label=_("身份证号"), max_length=30)
    phone = forms.CharField(label=_("手机号码"), max_length=30)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    county = forms.ChoiceField(label=_("所在区县"))
    organization = forms.CharField(label=_("工作单位"), max_length=100)
    title = forms.CharField(label=_("职称"), max_length=30, required=False)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(r.code, r.name) for r in city.children.order_by("code")]

    def values(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f) or "" for f, column in PERSON_FIELDS.items()}
