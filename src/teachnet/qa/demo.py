"""The Q&A part of `teachnet demo`: 国培计划(2010)'s 初中体育 (北京师范大学) with its expert Q&A sessions
(ACT-5), so that every role finds one held and one about to start:

- two sessions held and archived in the past week, hosted by the chief expert (the demo `expert`, 孙明远),
  with their transcripts: questions of the class's learners, upvotes, the expert's answers, one question left
  unanswered (for the subject board once it is connected), and the learners' attendance;
- one short session held two days ago (1.5 h), which does not count, so the counter shows why;
- the next session, starting within the hour each time the demo runs (its room is open already: the demo
  learner can enter and ask at once; the reminders at the end of the demo tell the learners it is starting).

So the subject reads "已计入 2 / 3 次：1 次不足 2 小时；1 次待举行". Everything goes through the services,
with
the clock set back for what happened in the past. Idempotent: sessions are found by their title; the next one
is moved to start within the hour again (never duplicated) when a later run finds it started or gone by.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.training.models import (
    ClassMembership,
    ExpertTeamMember,
    Project,
    ProviderSubject,
    TrainingClass,
)
from teachnet.training.services import team_member_add

from . import services
from .models import QaSession

SEED = 2010
NEXT_TITLE = "第三次专家答疑：学练赛一体化的课堂评价"
# (title, days ago, start hour, hours, [(question, votes, answer or None)])
HELD = (
    (
        "第一次专家答疑：新课标下的体育教学设计",
        6,
        14,
        2.5,
        [
            (
                "水平四的篮球单元，学练赛怎么安排课时比较合理？",
                9,
                "建议 18 课时左右的大单元：前 6 课时以技术学练为主，中段结合小场地比赛，最后 4 课时以班级联赛"
                "检验。每课都留出 10 分钟左右的比赛时间。",
            ),
            (
                "学生体能差异大，分层教学怎么落地而不给学生贴标签？",
                12,
                "分层看任务不看人：同一练习给出三档难度，让学生自选、可随时调整，评价看进步幅度。",
            ),
            (
                "课堂上安全与运动负荷怎么兼顾？",
                6,
                "先做好场地器材检查和分组保护，再用心率带或主观体力感觉抽查负荷，"
                "平均心率 140 次/分左右比较适宜。",
            ),
            (
                "大单元教学的评价表能否提供一个样例？",
                7,
                "课程资源“拓展资源”模块里有评价表样例，下一期简报也会附上。",
            ),
            ("乡村学校场地小，足球教学怎么开展？", 4, None),
        ],
    ),
    (
        "第二次专家答疑：课堂常规与安全管理",
        3,
        19,
        2.0,
        [
            (
                "准备活动用游戏代替慢跑，时间控制在多少合适？",
                5,
                "8 到 10 分钟为宜，游戏要有明确的热身目标，最后过渡到专项准备。",
            ),
            ("雨天室内课可以上哪些内容？", 8, "体育与健康知识、柔韧与核心力量练习、规则与裁判法都适合室内。"),
            (
                "学生运动中受伤，第一时间怎么处理？",
                6,
                "先停止运动、评估伤情，软组织损伤按“冰敷、加压、抬高”处理，严重的立即送医并通知家长和学校。",
            ),
        ],
    ),
    (
        "临时答疑：体质健康测试数据分析",
        2,
        16,
        1.5,
        [("测试数据如何反馈给学生和家长？", 3, "用个人报告单呈现达标情况和进步，附上有针对性的锻炼建议。")],
    ),
)
NEXT_QUESTION = ("怎样在一节课里同时评价技能和体能？", 2)


def _team(ps: ProviderSubject, *, expert: User, provider_admin: User) -> tuple[ExpertTeamMember, list]:
    """The chief expert (the demo `expert`) and one more expert as hosts; added to the team if missing."""
    chief = ps.members.filter(user=expert).first()
    if chief is None:
        chief, _code = team_member_add(
            actor=provider_admin,
            provider_subject=ps,
            name=expert.real_name,
            role=ExpertTeamMember.Role.CHIEF_EXPERT,
            organization="北京师范大学体育与运动学院",
            title="教授",
            user=expert,
        )
    others = list(ps.members.exclude(pk=chief.pk).filter(role=ExpertTeamMember.Role.EXPERT)[:1])
    return chief, [chief, *others]


def _held(ps, *, spec, hosts, expert, learner, askers, rnd, now) -> int:
    """One past session with its transcript and attendance, as it happened; 0 if it exists already."""
    title, days_ago, hour, hours, items = spec
    if QaSession.objects.filter(provider_subject=ps, title=title).exists():
        return 0
    day = timezone.localtime(now - dt.timedelta(days=days_ago)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    session = services.session_schedule(
        actor=expert,
        provider_subject=ps,
        title=title,
        starts_at=day,
        ends_at=day + dt.timedelta(hours=hours),
        host_ids=[h.pk for h in hosts],
        description="围绕本阶段课程学习中学员关注的共性问题和重难点问题，专家在线集中解答。",
        now=day - dt.timedelta(days=5),
    )
    present = rnd.sample(askers, k=min(len(askers), 8))
    # The demo learner was at the two that count, and missed the short one.
    present = [p for p in present if p != learner] + ([learner] if spec is not HELD[-1] else [])
    minute = 0
    for question, votes, answer in items:
        minute += rnd.randint(4, 12)
        at = day + dt.timedelta(minutes=minute)
        asker = present[(len(items) + minute) % len(present)]
        q = services.question_ask(actor=asker, session=session, body=question, now=at)
        for voter in [p for p in present if p != asker][:votes]:
            services.vote_set(actor=voter, question=q, now=at + dt.timedelta(minutes=1))
        if answer:
            services.answer_post(
                actor=expert, question=q, body=answer, now=at + dt.timedelta(minutes=rnd.randint(2, 6))
            )
    end = day + dt.timedelta(hours=hours)
    for person in [expert, *present]:
        stay_from = day + dt.timedelta(minutes=rnd.choice((0, 0, 5, 15)))
        stay_to = end - dt.timedelta(minutes=rnd.choice((0, 0, 10, 40)), seconds=1)
        step = dt.timedelta(seconds=settings.QA_PRESENCE_GAP_SECONDS - 10)  # pings close enough to join up
        t = stay_from
        while True:
            services.presence_ping(actor=person, session=session, now=t)
            if t >= stay_to:
                break
            t = min(t + step, stay_to)
    services.session_archive(session=session, now=end + dt.timedelta(minutes=5))
    return 1


def _next(ps, *, hosts, expert, learner, now) -> str:
    """The next session, starting 20–25 minutes from now (its room open, its reminder due): created, left as
    it is when it already starts within the hour, or moved there."""
    start = (now + dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    start += dt.timedelta(minutes=-start.minute % 5)
    fields = {
        "title": NEXT_TITLE,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "host_ids": [h.pk for h in hosts],
        "description": "本次答疑聚焦课堂评价：如何在学练赛中评价技能、体能与体育品德。欢迎提前提问。",
        "video_url": "https://live.bnu.edu.cn/guopei2010/pe",
    }
    session = QaSession.objects.filter(provider_subject=ps, title=NEXT_TITLE).first()
    if session is None:
        session = services.session_schedule(actor=expert, provider_subject=ps, now=now, **fields)
        q, votes = NEXT_QUESTION
        services.question_ask(actor=learner, session=session, body=q, now=now)
        return "created"
    if now < session.starts_at <= now + dt.timedelta(hours=1) and session.cancelled_at is None:
        return "already starting within the hour"
    if session.starts_at > now and session.cancelled_at is None:
        services.session_update(actor=expert, session=session, version=None, now=now, **fields)
        return "moved to start within the hour"
    # Held (or cancelled) since an earlier run: the demo's next session is this one again, an hour ahead.
    # The services never reopen a session; the demo owns this row and sets it back by hand.
    with transaction.atomic():
        QaSession.objects.filter(pk=session.pk).update(
            starts_at=fields["starts_at"], ends_at=fields["ends_at"], ended_at=None, archived_at=None,
            cancelled_at=None, notified_at=None,
        )  # fmt: skip
    services.live.touch(session.pk)
    return "set again to start within the hour"


def demo_qa_ensure(*, project: Project, training_class: TrainingClass | None) -> dict:
    """国培计划(2010)'s 初中体育 sessions; returns what it did. Needs the class (its learners ask)."""
    ps = (
        ProviderSubject.objects.filter(project=project, subject__stage="初中", subject__name="体育")
        .select_related("project", "subject")
        .first()
    )
    logins = {u.username: u for u in User.objects.filter(username__in=["expert", "provider", "learner"])}
    if ps is None or len(logins) < 3 or training_class is None:
        return {"status": "skipped: 2010's 初中体育, its class or a demo login is missing", "held": 0}
    expert, learner = logins["expert"], logins["learner"]
    _chief, hosts = _team(ps, expert=expert, provider_admin=logins["provider"])
    askers = list(
        User.objects.filter(
            pk__in=ClassMembership.objects.filter(training_class=training_class).values("enrollment__user_id")
        ).order_by("pk")
    )
    if learner not in askers:
        return {"status": "skipped: the demo learner is not in the class", "held": 0}
    rnd = random.Random(SEED)
    now = timezone.now()
    held = sum(
        _held(ps, spec=spec, hosts=hosts, expert=expert, learner=learner, askers=askers, rnd=rnd, now=now)
        for spec in HELD
    )
    status = _next(ps, hosts=hosts, expert=expert, learner=learner, now=now)
    return {"status": status, "held": held, "provider_subject": ps}
