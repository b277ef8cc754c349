"""The discussions part of `teachnet demo` (ACT-1, ACT-2): 国培计划(2010)'s Guangzhou 初中体育 class talking.

In the class board: a pinned note from the tutor, threads started by classmates and by the demo learner
with replies (one quoting another, one with an image, one hidden by the tutor with a reason); a question
the tutor forwarded to the expert team, waiting in 北京师范大学's queue for the expert on duty today (the
demo expert); and one forwarded earlier, already answered by the demo expert and posted back (so the demo
learner, who asked it, has the notice in her inbox). In the subject board, a few threads. One offline
seminar with minutes, photos and attendees.

Everything is written through the services, then moved into the past (the last week), as a week of real use
would have left it. Idempotent: a class board with threads is left as it is.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.duty import services as duty_services
from teachnet.duty.models import Question, QuestionEvent
from teachnet.training.models import TrainingClass

from . import selectors, services
from .models import Moderation, Post, Thread

# Hours ago: when a post of the demo was written.
When = float


def _png(text_color: tuple[int, int, int], fill: tuple[int, int, int], size=(640, 400)) -> SimpleUploadedFile:
    """A plain drawn picture (a track, a court) as a PNG upload, made with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, fill)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rounded_rectangle([40, 60, w - 40, h - 60], radius=120, outline=text_color, width=10)
    draw.rounded_rectangle([90, 110, w - 90, h - 110], radius=80, outline=(255, 255, 255), width=4)
    draw.line([w // 2, 60, w // 2, h - 60], fill=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("track.png", out.getvalue(), content_type="image/png")


def _at(hours_ago: When) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours_ago)


def _backdate(post: Post, when: When) -> None:
    at = _at(when)
    Post.objects.filter(pk=post.pk).update(created_at=at, updated_at=at)
    thread = post.thread
    latest = (
        Post.objects.filter(thread=thread).order_by("-created_at").values_list("created_at", flat=True)[0]
    )
    Thread.objects.filter(pk=thread.pk).update(last_post_at=max(latest, at))
    if post.opening:
        Thread.objects.filter(pk=thread.pk).update(created_at=at)


def _thread(access, author, title, body, when: When, images=()) -> Thread:
    thread = services.thread_create(actor=author, access=access, title=title, body=body, images=images)
    _backdate(thread.posts.get(opening=True), when)
    return thread


def _reply(access, thread, author, body, when: When, quote: Post | None = None, images=()) -> Post:
    post = services.post_reply(
        actor=author,
        access=access,
        thread=thread,
        body=body,
        quote_id=quote.pk if quote else None,
        images=images,
    )
    _backdate(post, when)
    return post


def _question_backdate(
    question: Question, forwarded: When, claimed: When | None, answered: When | None
) -> None:
    times = {"forwarded_at": _at(forwarded)}
    if claimed:
        times["claimed_at"] = _at(claimed)
    if answered:
        times["answered_at"] = _at(answered)
    Question.objects.filter(pk=question.pk).update(**times)
    kinds = {"forwarded": "forwarded_at", "claimed": "claimed_at", "answered": "answered_at"}
    for event in QuestionEvent.objects.filter(question=question):
        if kinds.get(event.kind) in times:
            QuestionEvent.objects.filter(pk=event.pk).update(created_at=times[kinds[event.kind]])


def _access(user, board):
    return selectors.access_for(actor=user, board=board)


@transaction.atomic
def demo_discussions_ensure(*, training_class: TrainingClass) -> dict[str, int | str]:
    logins = {u.username: u for u in User.objects.filter(username__in=["tutor", "learner", "expert"])}
    if len(logins) < 3 or training_class.tutor_id != logins["tutor"].pk:
        return {"status": "skipped: a demo login is missing"}
    tutor, learner, expert = logins["tutor"], logins["learner"], logins["expert"]
    board = selectors.board_of_class(training_class=training_class)
    if board.threads.exists():
        return {"status": "already there", "threads": board.threads.count()}
    classmates = [
        e.user for e in selectors.class_learners(training_class=training_class) if e.user_id != learner.pk
    ][:12]
    if len(classmates) < 6:
        return {"status": "skipped: the class has too few learners"}
    a, b, c, d, e, f = classmates[:6]
    as_ = {u.pk: _access(u, board) for u in [tutor, learner, expert, *classmates]}

    def acc(user):
        return as_[user.pk]

    # 1. The tutor's note, pinned.
    note = _thread(
        acc(tutor), tutor, "本班研修讨论须知与第一阶段研讨主题",
        "<p>各位老师好！欢迎来到本班讨论区。第一阶段（导学与专题讲座）请围绕以下话题发帖交流：</p>"
        "<ol><li>结合本校实际，谈谈《义务教育体育与健康课程标准》中“学、练、赛”一体化的落实；</li>"
        "<li>耐久跑、跳远等“不受欢迎”项目如何提高学生兴趣；</li><li>体育课运动负荷与安全管理。</li></ol>"
        "<p>发帖请写清年级、场地与班额；遇到拿不准的问题我会汇总后转交学科专家团队答复。</p>",
        170,
    )  # fmt: skip
    services.thread_pin(actor=tutor, access=acc(tutor), thread=note, pinned=True)

    # 2. A classmate's question with replies: one quotes another, one carries an image.
    run = _thread(
        acc(a), a, "初一学生耐久跑兴趣不高，课堂上怎样设计？",
        "<p>我校初一每班 45 人左右，一到耐久跑单元学生就叫苦，800 米/1000 米测试前很多人请假。"
        "想请教各位老师：平时课上有哪些既有趣又能保证运动负荷的练习方式？</p>",
        150,
    )  # fmt: skip
    first = _reply(
        acc(learner), run, learner,
        "<p>我们学校试过“定时跑”代替“定距跑”：6 分钟内能跑多远就跑多远，按小组累计圈数比赛，"
        "学生的积极性明显提高。还可以配合音乐节奏，140 拍左右比较合适。</p>",
        149,
    )  # fmt: skip
    _reply(
        acc(b), run, b,
        "<p>赞同定时跑。我们还用了“图形跑”：在操场上画出字母或数字路线，小组接力跑完一个图形，"
        "附上我们的场地示意图，供参考。</p>",
        130, images=[_png((220, 90, 40), (46, 125, 50))],
    )  # fmt: skip
    _reply(
        acc(c), run, c,
        "<p>定时跑的距离怎么记录？45 人一起跑，老师一个人数圈数数不过来。</p>",
        126, quote=first,
    )  # fmt: skip
    _reply(
        acc(tutor), run, tutor,
        "<p>可以让学生两人一组，一人跑一人记，轮换进行，同时培养学生的自我监测能力。"
        "大家的做法都很好，请在线下研讨时带上本校的课例。</p>",
        119,
    )  # fmt: skip
    spam = _reply(acc(d), run, d, "<p>出售二手篮球架、乒乓球台，价格优惠，有意者私聊。</p>", 104)
    services.post_hide(actor=tutor, access=acc(tutor), post=spam, reason="与研讨主题无关的广告信息")

    # 3. The demo learner asked about assessment; the tutor forwarded it and the expert team answered.
    asked = _thread(
        acc(learner), learner, "体育课上如何对运动技能进行过程性评价？",
        "<p>新课标强调“教会、勤练、常赛”，也要求重视过程性评价。但一节课 40 分钟、一个班 40 多人，"
        "技能评价很难做到每人每课都有记录。请问有什么可操作的评价方法或工具？</p>",
        100,
    )  # fmt: skip
    _reply(
        acc(e), asked, e,
        "<p>同样困惑。我们现在只在单元末做一次技能测试，过程性评价基本靠印象。</p>", 99
    )  # fmt: skip
    opening = asked.posts.get(opening=True)
    forward = services.post_forward(
        actor=tutor, access=acc(tutor), post=opening, note="本班多位学员有同样的困惑，请专家给出可操作的建议"
    )
    question = duty_services.question_claim(actor=expert, question=forward.question)
    duty_services.question_answer(
        actor=expert, question=question,
        answer="<p>过程性评价不必追求“每人每课都测”，关键是<strong>有计划地分组轮评</strong>：</p>"
        "<ol><li>每个单元确定 2～3 个关键技术环节，制成简明的评价量表"
        "（如“优秀、良好、需改进”三级，配描述语）；</li>"
        "<li>每节课重点观察 1～2 个小组，一个单元下来覆盖全班；</li>"
        "<li>引导学生自评、互评，小组长用量表记录，教师抽查；</li>"
        "<li>用平板或手机拍摄短视频，课后补评并作为学生成长档案。</li></ol>"
        "<p>评价结果要及时反馈给学生，用于调整下一节课的练习安排，这才是过程性评价的目的。</p>",
    )  # fmt: skip
    _question_backdate(forward.question, forwarded=98, claimed=84, answered=82)
    forward.refresh_from_db()
    _backdate(forward.answer_post, 82)

    # 4. A classmate's hard question, forwarded by the tutor this morning: waiting for the expert on duty.
    hard = _thread(
        acc(f), f, "新课标“学、练、赛”一体化如何落实到一节篮球课？",
        "<p>按照新课标要求，一节课中要有学、有练、有赛。但初二篮球行进间运球上篮，技术还没掌握就组织比赛，"
        "课堂容易乱，安全也有隐患。比赛环节应该安排在什么时候、用什么形式比较合适？</p>",
        26,
    )  # fmt: skip
    _reply(
        acc(a), hard, a,
        "<p>我一般在课的后 10 分钟安排 3 对 3 半场小比赛，但技术动作确实会变形。</p>", 6
    )  # fmt: skip
    waiting = services.post_forward(
        actor=tutor, access=acc(tutor), post=hard.posts.get(opening=True), note="涉及新课标理解，请专家指导"
    )
    _question_backdate(waiting.question, forwarded=3, claimed=None, answered=None)

    # 5. The demo learner's own experience, with a classmate's reply.
    safety = _thread(
        acc(learner), learner, "大课间活动中的安全组织经验分享",
        "<p>我校大课间 1200 名学生同时在操场活动，我们的做法是：分区域、定路线、设岗位。"
        "每个年级固定进出场路线，体育教师和班主任分岗到点，器材由学生干部按清单收发。欢迎大家补充。</p>",
        56,
    )  # fmt: skip
    _reply(acc(b), safety, b, "<p>很实用！请问雨天的室内大课间你们怎么安排？</p>", 54)
    _reply(acc(learner), safety, learner, "<p>雨天改为教室内的韵律操和微课跟练，每班一台电脑播放。</p>", 40)

    # The subject board: the expert team's topic, a question from the class, the tutor's reply.
    subject_board = selectors.board_of_subject(subject=training_class.subject)
    topic = _thread(
        _access(expert, subject_board), expert, "学科专家团队：本周研讨话题——体能练习如何“趣味化、多样化”",
        "<p>新课标要求每节课安排 10 分钟左右的体能练习。请各班老师分享：如何把体能练习与技能学习结合，"
        "避免单调重复？优秀案例将收入下一期专家简报。</p>",
        80,
    )  # fmt: skip
    _reply(
        _access(c, subject_board), topic, c,
        "<p>我们把体能练习做成“闯关”：跳绳、开合跳、平板支撑等 6 个站点，小组计时闯关，学生很喜欢。</p>",
        58,
    )  # fmt: skip
    _reply(
        _access(tutor, subject_board), topic, tutor,
        "<p>本班线下研讨也讨论了这个话题，纪要已上传到班级研讨记录。</p>", 32
    )  # fmt: skip
    _thread(
        _access(e, subject_board), e, "求推荐适合农村学校的器材替代方案",
        "<p>我们学校器材少，跨栏架、体操垫都不够。有没有用自制器材上好体育课的经验？</p>", 36
    )  # fmt: skip

    # An offline seminar held three days ago, with minutes, photos and attendees.
    attendees = [en.pk for en in selectors.class_learners(training_class=training_class)][:18]
    learner_enrollment = next(
        en.pk for en in selectors.class_learners(training_class=training_class) if en.user_id == learner.pk
    )
    services.seminar_create(
        actor=tutor,
        training_class=training_class,
        title="第一次线下研讨：耐久跑教学的趣味化设计",
        held_on=timezone.localdate() - dt.timedelta(days=3),
        place="广州市天河区体育中心二楼会议室",
        organizer_id=tutor.pk,
        attendee_ids=sorted({*attendees, learner_enrollment}),
        minutes="<h3>研讨内容</h3><ol><li>观摩天河区第一小学林小燕老师的“定时跑”课例视频；</li>"
        "<li>分组讨论耐久跑的兴趣激发与运动负荷监控；</li><li>各组汇报，辅导教师总结。</li></ol>"
        "<h3>主要结论</h3><ul><li>以“定时跑”“图形跑”“接力跑”替代单一的定距跑；</li>"
        "<li>用心率或主观疲劳量表（RPE）监控负荷，课中设置补水与调整环节；</li>"
        "<li>下次研讨主题：篮球“学、练、赛”一体化课例。</li></ul>",
        photos=[_png((255, 255, 255), (33, 100, 180)), _png((250, 200, 60), (120, 60, 30))],
    )
    return {
        "status": "made",
        "threads": Thread.objects.filter(board__in=[board, subject_board]).count(),
        "posts": Post.objects.filter(thread__board__in=[board, subject_board]).count(),
        "moderations": Moderation.objects.filter(board=board).count(),
        "waiting_question": waiting.question_id,
    }
