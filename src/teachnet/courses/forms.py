"""Forms of the course pages (TRN-4). The forms parse; the services judge (file content, lengths, the
review rules) and their errors are put back on the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Course, Resource


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("模块名称"), max_length=200)


class ResourceForm(forms.Form):
    """One form for every kind; the fields a kind does not use are ignored (the page shows only the kind's
    own)."""

    module = forms.TypedChoiceField(label=_("所属模块"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("类型"), choices=Resource.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("不填则用文件名。"))
    credit_minutes = forms.IntegerField(
        label=_("计学时长（分钟）"),
        required=False,
        min_value=1,
        help_text=_("视频不填则按视频长度计。"),
    )
    upload = forms.FileField(
        label=_("文件"),
        required=False,
        help_text=_(
            "视频：MP4 或 WebM，不超过 2 GB；文档：PDF 或 Word/PowerPoint/Excel。按文件内容识别类型。"
        ),
    )
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    url = forms.CharField(label=_("直播链接"), required=False, max_length=500)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, modules=(), kind_fixed: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m.pk, m.title) for m in modules]
        if kind_fixed:
            self.fields["kind"].initial = kind_fixed
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].required = False


class CommentForm(forms.Form):
    body = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
