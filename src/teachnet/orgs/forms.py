from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization, Region


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "short_name", "type", "region", "parent", "credit_code", "website"]

    def __init__(self, *args, regions, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: (
            f"{'　' * max(r.level - 1, 0)}{r.name}（{r.code}）"
        )
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False)
    type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + list(Organization.Type.choices)
    )
    region = forms.CharField(label=_("地区代码"), required=False, max_length=6)

    def clean_region(self):
        value = self.cleaned_data["region"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("地区代码只含数字，如 440100。"))
        if value and len(value) == 6 and Region.objects.filter(code=value).exists():
            region = Region.objects.get(code=value)
            return region.prefix
        return value
