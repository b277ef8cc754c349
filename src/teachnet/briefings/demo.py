"""The briefings part of `teachnet demo`: 国培计划(2010)'s 初中体育 a week into its remote training.

- the expert team's briefings: 3 published (第 1–3 期, one with the study table inserted), so the counter
  reads 3/5, and a fourth left as a draft for the demo chief expert `expert` to finish and publish;
- the Guangzhou class's: 2 published by the demo tutor `tutor` (the first with the class's study table) and
  a third as a draft;
- Guangdong's work briefing: 1 sent to the project office by `gd_lead` (of the 2 GP 七.1 asks for).

Built through the services, as the writers would; only the publication dates are moved back over the past
week afterwards, as the demo's week of study is. A scope that has any briefing is left as it is, so a second
run writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.orgs.models import Region
from teachnet.training.models import ExpertTeamMember, Project, ProviderSubject, TrainingClass

from . import services
from .models import Briefing, Kind
from .selectors import ScopeRef

STUDY = "learning.study"

# (title, {section: text}, insert the study table after this section or None, days ago published)
EXPERT_ISSUES = (
    (
        "开班导学：明确任务，规划学习",
        {
            "common": "<p>不少学员询问“50 学时如何计算”。平台按在线学习时长计时，每 45 分钟计 1 学时，"
            "每日最多计 6 小时；视频须按顺序观看，中途弹出的随机问题请及时作答。</p>",
            "difficult": "<p>本阶段的重点是理解《义务教育体育与健康课程标准》中“学练赛评”一体化的要求，"
            "难点在于把课程目标落实到每一节课的教学设计中。</p>",
            "cases": "<p>广州市天河区一位学员把篮球运球单元分为“学—练—赛”三段，每段都设计了可观察的"
            "评价要点，值得借鉴。</p>",
            "review": "<p>开班三天，大部分学员已完成课程导学，少数学员尚未登录，请辅导教师及时提醒。</p>",
            "next": "<p>下周请完成专题讲座 1–5，并在班级研讨区提交一份单元教学设计初稿。</p>",
        },
        "review",
        6,
    ),
    (
        "聚焦课堂常规与安全",
        {
            "common": "<p>学员普遍关心大班额条件下如何组织练习。建议采用分组轮换、固定场地分区，"
            "并提前明确信号与口令。</p>",
            "difficult": "<p>难点是准备活动与专项练习的衔接：准备活动应服务于本课的主要动作技能。</p>",
            "cases": "<p>深圳一所学校的跳箱教学案例：保护与帮助分工明确、器材检查有记录，"
            "安全意识贯穿全课。</p>",
            "review": "<p>第一周学员累计学习时长稳步增长，研讨区发帖踊跃。</p>",
            "next": "<p>请结合本校场地器材，完成一份课堂常规检查表，下期简报将选登优秀案例。</p>",
        },
        None,
        4,
    ),
    (
        "学练赛评一体化的单元设计",
        {
            "common": "<p>关于“比赛”环节如何评价：可采用简化规则的小组赛，观察学生运用技能的情况，"
            "而非只看输赢。</p>",
            "difficult": "<p>重点：单元目标—课时目标—评价要点的一致性；"
            "难点：为不同水平学生设计分层任务。</p>",
            "cases": "<p>本期评析三份学员提交的足球单元设计，指出目标表述笼统、评价缺少证据等共性问题。</p>",
            "review": "<p>前阶段学员的单元设计初稿总体质量较好，约三成需要在评价设计上进一步完善。</p>",
            "next": "<p>下阶段请观看课例视频并参加首席专家主持的在线答疑。</p>",
        },
        None,
        2,
    ),
)
EXPERT_DRAFT = (
    "课例研修：从观课到议课",
    {
        "common": "<p>（待补充：本周答疑中学员集中提出的问题。）</p>",
        "difficult": "<p>观课要有明确的观察点，议课要基于课堂证据。</p>",
    },
)
CLASS_ISSUES = (
    (
        "广州一班第一期：开班一周",
        {
            "progress": "<p>二〇一〇年国培计划远程培训开班一周，全班学员均已登录平台，"
            "多数学员完成了课程导学。</p>",
            "highlights": "<p>林小燕老师在研修日志中分享了把技能练习与比赛结合的做法，获得多位学员点赞。</p>",
            "next": "<p>请尚未完成“课程学习手册”的学员抓紧补学，下周三晚八点开展线上研讨。</p>",
        },
        "progress",
        5,
    ),
    (
        "广州一班第二期：研讨交流",
        {
            "progress": "<p>本周全班围绕“大课间活动设计”开展研讨，发帖与回帖较上周明显增加。</p>",
            "highlights": "<p>天河区、海珠区的老师分享了结合本校场地的大课间轮换方案。</p>",
            "next": "<p>下周请完成专题讲座 5，并提交单元教学设计作业。</p>",
        },
        None,
        1,
    ),
)
CLASS_DRAFT = ("广州一班第三期", {"progress": "<p>（本周学习情况待整理。）</p>"})
PROVINCIAL_ISSUE = (
    "广东省“国培计划(2010)”远程培训工作简报（第一期）",
    {
        "work": "<p>广东省按学科、分地市组建培训班级，远程培训已全面启动。"
        "省项目办每周通报各地市学员登录与学习进度。</p>",
        "practice": "<p>广州市建立“市—区—校”三级督学机制，深圳市为每个班级配备技术联络员。</p>",
        "issues": "<p>少数偏远地区学校网络条件不足，建议培训任务承担单位提供离线学习资源。</p>",
    },
    3,
)


def _write(actor, scope: ScopeRef, title: str, texts: dict[str, str], figure_after: str | None = None):
    draft = services.briefing_create(actor=actor, scope=scope, title=title)
    draft = services.briefing_update(
        actor=actor, briefing=draft, title=title, sections=texts, version=draft.version
    )
    if figure_after:
        services.figure_insert(actor=actor, briefing=draft, key=STUDY, section_key=figure_after)
    return draft


def _publish(actor, scope: ScopeRef, title, texts, figure_after, days_ago: int) -> Briefing:
    issued = services.briefing_publish(actor=actor, briefing=_write(actor, scope, title, texts, figure_after))
    # The demo's week: the issue went out days ago (its table was taken then too).
    when = timezone.now() - dt.timedelta(days=days_ago)
    Briefing.objects.filter(pk=issued.pk).update(published_at=when, updated_at=when)
    issued.figures.update(taken_at=when)
    return issued


@transaction.atomic
def demo_briefings_ensure(*, project: Project, training_class: TrainingClass | None) -> dict[str, object]:
    """2010's 初中体育 expert briefings, the Guangzhou class's and Guangdong's work briefing; what was
    written this run, by scope ("skipped: …" where a writer or the scope is missing)."""
    logins = {u.username: u for u in User.objects.filter(username__in=["expert", "tutor", "gd_lead"])}
    out: dict[str, object] = {}

    ps = ProviderSubject.objects.filter(
        project=project, provider__name="北京师范大学", subject__stage="初中", subject__name="体育"
    ).first()
    expert = logins.get("expert")
    if (
        ps is None
        or expert is None
        or not ExpertTeamMember.objects.filter(provider_subject=ps, user=expert).exists()
    ):
        out["expert"] = "skipped: the demo expert is not on 初中体育's team"
    else:
        scope = ScopeRef(Kind.EXPERT, project, provider_subject=ps)
        if scope.briefings().exists():
            out["expert"] = 0
        else:
            for title, texts, figure_after, days in EXPERT_ISSUES:
                _publish(expert, scope, title, texts, figure_after, days)
            _write(expert, scope, *EXPERT_DRAFT)
            out["expert"] = len(EXPERT_ISSUES) + 1

    tutor = logins.get("tutor")
    if training_class is None or tutor is None or training_class.tutor_id != tutor.pk:
        out["class"] = "skipped: no demo class with the demo tutor"
    else:
        scope = ScopeRef(Kind.CLASS, project, training_class=training_class)
        if scope.briefings().exists():
            out["class"] = 0
        else:
            for title, texts, figure_after, days in CLASS_ISSUES:
                _publish(tutor, scope, title, texts, figure_after, days)
            _write(tutor, scope, *CLASS_DRAFT)
            out["class"] = len(CLASS_ISSUES) + 1

    lead = logins.get("gd_lead")
    province = project.provinces.filter(code="440000").first()
    if lead is None or province is None:
        out["provincial"] = "skipped: no 广东 lead or 广东 is not in the project"
    else:
        scope = ScopeRef(Kind.PROVINCIAL, project, province=Region.objects.get(code="440000"))
        if scope.briefings().exists():
            out["provincial"] = 0
        else:
            title, texts, days = PROVINCIAL_ISSUE
            _publish(lead, scope, title, texts, None, days)
            out["provincial"] = 1
    return out
