from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Rubric

RUBRIC_HELP = _(
    "每行一个评价维度：「维度 | 说明」；其下每行一个等级：「- 等级 | 分值 | 描述」。例如：\n"
    "教学目标 | 目标明确、可检测\n- 优秀 | 10 | 三维目标具体可测，符合学情\n- 合格 | 6 | 目标基本明确"
)


class RubricForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120)
    text = forms.CharField(
        label=_("评价维度与等级"), widget=forms.Textarea(attrs={"rows": 14}), help_text=RUBRIC_HELP
    )


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("作业题目"), max_length=200)
    prompt = forms.CharField(
        label=_("作业要求"), widget=forms.Textarea(attrs={"data-richtext": "1", "rows": 8})
    )
    template_text = forms.CharField(
        label=_("引用的模板文字"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("学员会照抄的模板或引文（如教学设计表头），查重时不计为雷同。"),
    )
    deadline = forms.DateTimeField(
        label=_("截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    late_policy = forms.ChoiceField(label=_("迟交"), choices=Assignment.LatePolicy.choices)
    rubric = forms.ModelChoiceField(
        label=_("评价标准"),
        queryset=Rubric.objects.none(),
        required=False,
        empty_label=_("（在下面直接编写）"),
    )
    rubric_text = forms.CharField(
        label=_("或直接编写评价标准"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=RUBRIC_HELP,
    )
    spot_share = forms.DecimalField(
        label=_("专家抽查比例"), min_value=0, max_value=1, initial=0.1, decimal_places=2
    )
    spot_minimum = forms.IntegerField(
        label=_("每位辅导教师至少抽查（份）"), min_value=0, max_value=50, initial=2
    )

    def __init__(self, *args, rubrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rubrics is None:
            del self.fields["rubric"]
        else:
            self.fields["rubric"].queryset = rubrics
