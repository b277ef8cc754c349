"""The homework part of `teachnet demo` (ACT-6): in 国培计划(2010)'s 初中体育 class, the expert team's
assignment a week and more under way, and a second one due in a few days, all built through the services.

- 作业一 (deadline two days ago, late work accepted and marked): most of the class submitted, three of them
  late, two only drafts; the tutor has graded part of it (one piece returned and revised, two recommended as
  excellent) and has the rest waiting; one classmate copied another (characters swapped per sentence), so a
  pair is flagged; the platform has drawn a spot-check sample for the chief expert, waiting to be scored;
- 作业二 (due in four days): the demo learner has a draft saved, a few classmates have submitted.

Texts come from the seeded generator (textgen), so every run makes the same ones; when 作业一 exists the step
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.training.models import ClassMembership, ExpertTeamMember, ProviderSubject, TrainingClass

from . import services, textgen
from .models import Assignment, Rubric, SpotCheck, Submission

PROVIDER = "北京师范大学"
A1_TITLE = "作业一：一节体育课的教学设计"
A2_TITLE = "作业二：学习反思——我的体育课堂改进计划"
A1_PROMPT = (
    "<p>结合本校实际，设计一节初中体育课（如篮球行进间运球、立定跳远、耐久跑）的教学方案，写明：</p>"
    "<ol><li>教学目标与学情分析；</li><li>教学重点与难点；</li><li>教学过程（开始、基本、结束部分）；</li>"
    "<li>评价方式与安全措施。</li></ol><p>不少于 600 字，可附教案或场地图（图片、PDF、Word）。</p>"
)
A2_PROMPT = "<p>结合前两周的课程学习，反思自己的体育课堂，写出一项可操作的改进计划（不少于 500 字）。</p>"
RUBRIC_TITLE = "体育教学设计评价标准"
RUBRIC = """教学目标 | 目标明确、具体、可检测，符合学情
- 优秀 | 10 | 三维目标具体可测，与学情分析一致
- 良好 | 7 | 目标明确，个别不可检测
- 待改进 | 3 | 目标笼统，难以检测
教学过程 | 环节完整，练习密度与运动负荷合理
- 优秀 | 20 | 环节完整、层层递进，练习密度合理
- 良好 | 14 | 环节完整，个别环节衔接不畅
- 待改进 | 6 | 环节缺失或练习时间不足
评价方式 | 多元评价，关注进步
- 优秀 | 10 | 教师评价、同伴互评、学生自评相结合
- 良好 | 7 | 有两种评价方式
- 待改进 | 4 | 只有教师评价
安全措施 | 场地器材与保护帮助
- 到位 | 10 | 检查场地器材，保护帮助分工明确
- 不足 | 4 | 安全措施笼统
"""
RETURN_REASON = "评价方式只写了教师评价，请补充学生自评与互评的具体做法。"
COMMENTS = [
    "目标具体，练习设计有梯度，评价方式还可以更多样。",
    "教学过程完整，建议增加学生自评环节。",
    "安全措施写得细致，运动负荷的安排合理。",
    "重难点把握准确，游戏化练习有创意。",
]


def _levels(rnd: random.Random, criteria: list[dict], *, top: bool = False) -> dict:
    return {c["key"]: c["levels"][0 if top else rnd.randrange(len(c["levels"]))]["key"] for c in criteria}


@transaction.atomic
def demo_homework_ensure(*, training_class: TrainingClass | None) -> dict:
    """Build the class's homework once; returns what it made (or why not)."""
    if training_class is None:
        return {"status": "skipped: no demo class"}
    ps = ProviderSubject.objects.filter(
        project=training_class.project, subject=training_class.subject, provider__name=PROVIDER
    ).first()
    logins = {u.username: u for u in User.objects.filter(username__in=["learner", "tutor", "expert"])}
    if ps is None or len(logins) < 3:
        return {"status": "skipped: the provider's subject or a demo login is missing"}
    if Assignment.objects.filter(provider_subject=ps, title=A1_TITLE).exists():
        return {"status": "already there"}
    learner, tutor, expert = logins["learner"], logins["tutor"], logins["expert"]
    if not ExpertTeamMember.objects.filter(provider_subject=ps, user=expert).exists():
        return {"status": "skipped: the demo expert is not on the 初中体育 expert team"}
    members = list(
        User.objects.filter(
            pk__in=ClassMembership.objects.filter(training_class=training_class).values("enrollment__user_id")
        )
        .exclude(pk=learner.pk)
        .order_by("pk")
    )
    rnd = random.Random(2010)
    now = timezone.now()
    set_at = now - dt.timedelta(days=12)
    rubric = Rubric.objects.filter(provider_subject=ps, title=RUBRIC_TITLE).first() or services.rubric_save(
        actor=expert, provider_subject=ps, title=RUBRIC_TITLE, text=RUBRIC
    )
    a1 = services.assignment_create(
        actor=expert, provider_subject=ps, title=A1_TITLE, prompt=A1_PROMPT,
        deadline=now - dt.timedelta(days=2), rubric=rubric, spot_share=0.1, spot_minimum=3, now=set_at,
    )  # fmt: skip
    a2 = services.assignment_create(
        actor=expert, provider_subject=ps, title=A2_TITLE, prompt=A2_PROMPT,
        deadline=now + dt.timedelta(days=4), rubric=rubric, now=now - dt.timedelta(days=3),
    )  # fmt: skip

    def write(user, assignment, text, *, at, submit=True):
        s = services.submission_for(actor=user, assignment=assignment)
        return services.submission_save(
            actor=user, submission=s, body=text, version=s.version, submit=submit, now=at
        )

    # 作业一: who did what (in proportion, for a demo class of any size: 40 in `teachnet demo`).
    n = len(members)
    on_time = members[: n * 3 // 4]
    late = members[len(on_time) : len(on_time) + 3]
    drafts = members[len(on_time) + len(late) : len(on_time) + len(late) + 2]
    texts = {u.pk: textgen.essay(rnd, chars=700) for u in [learner, *members]}
    if len(on_time) >= 8:  # the copy not yet graded: the flag waits for the tutor
        copier, copied_from = on_time[-1], on_time[len(on_time) // 5]
        texts[copier.pk] = textgen.copy_synonyms(texts[copied_from.pk], rnd)
    done = []
    for i, u in enumerate([learner, *on_time]):
        done.append(write(u, a1, texts[u.pk], at=set_at + dt.timedelta(days=3, hours=i)))
    for i, u in enumerate(late):
        done.append(write(u, a1, texts[u.pk], at=now - dt.timedelta(days=1, hours=i)))
    for u in drafts:
        write(u, a1, texts[u.pk][:300], at=now - dt.timedelta(days=3), submit=False)

    # The tutor has graded the learner's and about half the rest, returned one (revised since), recommended
    # two, and has the others waiting.
    criteria = a1.criteria
    graded_at = now - dt.timedelta(days=1)
    to_grade = done[: max(1, len(done) // 2)]
    recommended = {len(to_grade) // 4, len(to_grade) // 2} - {0} if len(to_grade) > 2 else set()
    for i, s in enumerate(to_grade):
        s = services.submission_grade(
            actor=tutor, submission=s, levels=_levels(rnd, criteria, top=i in recommended),
            comment=COMMENTS[i % len(COMMENTS)], version=s.version, now=graded_at,
        )  # fmt: skip
        if i in recommended:
            services.submission_recommend(
                actor=tutor, submission=s, on=True, version=s.version, now=graded_at
            )
    if len(done) > len(to_grade) + 1:
        returned = done[len(to_grade)]
        returned = services.submission_return(
            actor=tutor, submission=returned, reason=RETURN_REASON, version=returned.version,
            now=now - dt.timedelta(days=4),
        )  # fmt: skip
        revised = texts[returned.learner_id] + "\n补充：下课前学生在学习单上自评，小组长记录组员表现并互评。"
        write(returned.learner, a1, revised, at=now - dt.timedelta(days=3))
    services.spot_checks_draw(assignment=a1, rng=random.Random(2010))

    # 作业二: the learner's draft, and a few classmates already done.
    write(
        learner, a2, "<p>我的改进计划（草稿）：先从课堂常规入手，让热身更有针对性……</p>", at=now, submit=False
    )
    for n, u in enumerate(members[:5]):
        write(u, a2, textgen.essay(rnd, chars=520), at=now - dt.timedelta(hours=5 + n))
    return {
        "status": "created",
        "submitted": Submission.objects.filter(assignment=a1).exclude(state="draft").count(),
        "waiting": Submission.objects.filter(assignment=a1, state="submitted").count(),
        "spot_checks": SpotCheck.objects.filter(assignment=a1).count(),
        "pairs": a1.similar_pairs.count(),
    }
