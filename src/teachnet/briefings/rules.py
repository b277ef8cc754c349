"""The minimums the seeds set for briefings, as core.rules Rules (counted by selectors.standings_for)."""

from django.utils.translation import gettext_lazy as _

from teachnet.core.rules import Rule

# GP 四.2(3): 培训任务承担单位组织专家编写培训简报……每学科不少于5期.
EXPERT_RULE = Rule("briefings.expert_per_subject", _("每学科专家简报不少于 5 期"), 5, "GP 四.2(3)")
# GP 四.2(3): 班级辅导教师负责编辑并提交班级学习简报，每学科不少于5期 — read as per class: each class's tutor
# writes the class's briefings.
CLASS_RULE = Rule("briefings.class_per_class", _("每班班级简报不少于 5 期"), 5, "GP 四.2(3)")
# GP 七.1: 各省(市)在培训期间至少向项目办提交2期工作简报.
PROVINCIAL_RULE = Rule("briefings.provincial_per_province", _("每省工作简报不少于 2 期"), 2, "GP 七.1")

RULE_OF = {"expert": EXPERT_RULE, "class": CLASS_RULE, "provincial": PROVINCIAL_RULE}
