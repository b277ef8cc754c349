"""The templates a briefing starts from, as data: the three the platform ships with (a data migration
writes them; the project office may change them or add others in Django admin) and the check a template's
sections must pass."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MAX_SECTIONS = 12
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# GP 四.2(3): 内容包括解答学员关注的共性问题、重难点问题，典型案例评析，前阶段学习的总结与反馈，
# 下阶段学习的引领.
EXPERT_SECTIONS = [
    {"key": "common", "title": "共性问题", "hint": "解答学员在学习与研讨中普遍关注的问题。"},
    {"key": "difficult", "title": "重难点问题", "hint": "本阶段课程的重点、难点及专家的解读。"},
    {"key": "cases", "title": "典型案例评析", "hint": "选取学员作业、研讨或教学中的典型案例加以评析。"},
    {"key": "review", "title": "前阶段总结与反馈", "hint": "总结前一阶段的学习情况，反馈学员的进步与不足。"},
    {"key": "next", "title": "下阶段学习引领", "hint": "说明下一阶段的学习重点、任务与建议。"},
]
# A class's briefing: what the class did, what stood out, what comes next.
CLASS_SECTIONS = [
    {"key": "progress", "title": "本期学习情况", "hint": "全班学习进度、学时与作业完成情况。"},
    {"key": "highlights", "title": "研讨交流与优秀作业", "hint": "班级研讨的亮点、优秀作业与学员心得。"},
    {"key": "next", "title": "问题与下阶段安排", "hint": "存在的问题、改进措施与下阶段的安排。"},
]
# A province's work briefing to the project office (GP 七.1).
PROVINCIAL_SECTIONS = [
    {"key": "work", "title": "工作进展", "hint": "本省组织管理、学员参训与学习进度。"},
    {"key": "practice", "title": "经验与做法", "hint": "各地市的有效做法与典型经验。"},
    {"key": "issues", "title": "问题与建议", "hint": "存在的问题、需要项目办协调的事项与建议。"},
]

DEFAULTS = [
    ("expert", "专家简报（国培五栏目）", EXPERT_SECTIONS),
    ("class", "班级学习简报", CLASS_SECTIONS),
    ("provincial", "省级工作简报", PROVINCIAL_SECTIONS),
]


def sections_problems(sections) -> list[str]:
    """What is wrong with a template's sections, in words for the person editing it (empty when fine)."""
    if not isinstance(sections, list) or not sections:
        return [_("栏目应为非空列表，每项含 key（英文小写标识）与 title（栏目名称）。")]
    if len(sections) > MAX_SECTIONS:
        return [_("栏目最多 %(n)d 个。") % {"n": MAX_SECTIONS}]
    problems, keys = [], set()
    for i, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            problems.append(_("第 %(i)d 个栏目应为对象。") % {"i": i})
            continue
        key, title = section.get("key"), section.get("title")
        if not isinstance(key, str) or not _KEY.match(key):
            problems.append(_("第 %(i)d 个栏目的 key 应为英文小写字母开头的标识。") % {"i": i})
        elif key in keys:
            problems.append(_("栏目 key “%(key)s” 重复。") % {"key": key})
        else:
            keys.add(key)
        if not isinstance(title, str) or not title.strip() or len(title) > 60:
            problems.append(_("第 %(i)d 个栏目应有 1–60 字的名称。") % {"i": i})
        hint = section.get("hint", "")
        if not isinstance(hint, str) or len(hint) > 300:
            problems.append(_("第 %(i)d 个栏目的提示最多 300 字。") % {"i": i})
    return problems
