from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # an empty file gets the roster check's own message, not "choose a file"
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("用平台下载的模板填写；上传后几秒钟内给出检查结果。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RowForm(forms.Form):
    """One row of a table, column by column as in the template; the roster check judges it, not the form."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        for column in columns:
            if column != "序号":
                self.fields[column] = forms.CharField(label=column, required=False, max_length=200)


class WindowForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("报表"), choices=[("trainee", _("学员信息表")), ("trainer", _("培训者信息表"))]
    )
    opens_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("到时上传和提交自动关闭；审核不受影响，审核人可为单张表重新开放。"),
    )
