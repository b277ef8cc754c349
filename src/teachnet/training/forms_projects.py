"""Forms of a project's setup (TRN-1, REP-8): the project, a subject, one quota, a quota file.

The forms parse; the services judge (a unique name, the year's range, a province still holding quotas, a
subject already there) and their errors are put back on the field they name.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from teachnet.orgs.models import Organization, Region

from .services import PROVIDER_TYPES
from .services_projects import SUBJECT_STAGES, YEAR_MAX, YEAR_MIN


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    year = forms.IntegerField(
        label=_("年度"), widget=forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX})
    )
    target_headcount = forms.IntegerField(
        label=_("计划培训人数"), initial=0, widget=forms.NumberInput(attrs={"min": 0})
    )
    office = forms.ModelChoiceField(label=_("项目办"), queryset=Organization.objects.none())
    provinces = forms.ModelMultipleChoiceField(
        label=_("参与省份"),
        queryset=Region.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个参与省份。")},
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("培训任务承担单位"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("承担单位在项目概况中分配学科；已分配学科的单位不能移除。"),
    )

    def __init__(self, *args, project=None, **kwargs):
        if project is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": project.name,
                    "short_name": project.short_name,
                    "year": project.year,
                    "target_headcount": project.target_headcount,
                    "office": project.office_id,
                    "provinces": list(project.provinces.all()),
                    "providers": list(project.providers.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organization.objects.filter(
            type=Organization.Type.PROJECT_OFFICE
        ).order_by("name")
        self.fields["provinces"].queryset = Region.objects.filter(level=Region.Level.PROVINCE).order_by(
            "code"
        )
        self.fields["provinces"].label_from_instance = lambda r: r.name
        self.fields["providers"].queryset = Organization.objects.filter(type__in=PROVIDER_TYPES).order_by(
            "name"
        )


class SubjectForm(forms.Form):
    stage = forms.ChoiceField(label=_("学段"), choices=[(s, s) for s in SUBJECT_STAGES])
    name = forms.CharField(
        label=_("学科"), max_length=20, widget=forms.TextInput(attrs={"placeholder": _("如：数学")})
    )


class QuotaForm(forms.Form):
    region = forms.ChoiceField(label=_("地区"))
    subject = forms.ModelChoiceField(label=_("学科"), queryset=None)
    places = forms.IntegerField(
        label=_("名额"),
        widget=forms.NumberInput(attrs={"min": 0}),
        help_text=_("填 0 删除该名额。"),
    )

    def __init__(self, *args, project, region_choices, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices
        self.fields["subject"].queryset = project.subjects.all()
        self.fields["subject"].choices = [(s.pk, s.label) for s in subjects]

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])


class QuotaUploadForm(forms.Form):
    MODE_ADD = "add"
    MODE_REPLACE = "replace"

    file = forms.FileField(
        allow_empty_file=True,  # an empty file gets the check's own message, not "choose a file"
        label=_("名额表（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_(
            "列：地区代码、地区、学段、学科、名额，每行一个地区一个学科；可先下载当前名额表作为模板。"
        ),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=[
            (MODE_ADD, _("新增和修改：文件中没有的名额保留")),
            (MODE_REPLACE, _("全部替换：文件中没有的名额删除")),
        ],
        initial=MODE_ADD,
        widget=forms.RadioSelect,
    )
