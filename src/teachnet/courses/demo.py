"""The courses part of `teachnet demo`: 北京师范大学's 初中体育 with its expert team submitted and a course
of real files (two generated lecture videos, a PDF handout, articles, a live session) submitted for review,
so the project office has something in its review queue; 小学体育 is left for the visitor to build. The same
course of the same files, approved, is 国培计划(2010)'s 初中体育, which its learners study now.

The videos are made with Debian's ffmpeg (installed by `make demo`), small but of full length
(DEMO_COURSE_VIDEO_SECONDS, 45 minutes, at one frame per second), since a video credits at most its own
length. Without ffmpeg the course is skipped and the demo says so. Idempotent: a course that exists is left
as it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess  # noqa: S404
from pathlib import Path

from django.conf import settings
from django.core.files import File

from teachnet.accounts.models import User
from teachnet.training.models import ExpertTeamMember, Project, ProviderSubject
from teachnet.training.services import team_member_add, team_submit

from . import services
from .models import Course, Resource

DEMO_PROVIDER = "北京师范大学"
LECTURES = 34  # 34 × 45 min = 25.5 h of video

TEAM = [
    ("expert", ExpertTeamMember.Role.CHIEF_EXPERT, "北京师范大学体育与运动学院", "教授"),
    ("毛振明", ExpertTeamMember.Role.EXPERT, "北京师范大学", "教授"),
    ("季浏", ExpertTeamMember.Role.EXPERT, "华东师范大学", "教授"),
    ("潘绍伟", ExpertTeamMember.Role.EXPERT, "扬州大学", "教授"),
    ("耿培新", ExpertTeamMember.Role.EXPERT, "人民教育出版社", "编审"),
    ("于素梅", ExpertTeamMember.Role.EXPERT, "中国教育科学研究院", "研究员"),
    ("刘晓宇", ExpertTeamMember.Role.FRONTLINE_TEACHER, "北京市第八中学", "高级教师"),
    ("陈佳", ExpertTeamMember.Role.FRONTLINE_TEACHER, "广州市第六中学", "高级教师"),
    ("王海峰", ExpertTeamMember.Role.FRONTLINE_TEACHER, "南京市金陵中学", "一级教师"),
    ("赵敏", ExpertTeamMember.Role.FRONTLINE_TEACHER, "成都七中", "高级教师"),
    ("孙立国", ExpertTeamMember.Role.TEACHING_RESEARCHER, "北京市海淀区教师进修学校", "教研员"),
    ("吴丹", ExpertTeamMember.Role.TEACHING_RESEARCHER, "深圳市教育科学研究院", "教研员"),
]

MODULES = [
    ("课程导学", []),
    ("专题讲座：新课程标准与体育教学设计", [f"专题讲座 {i}" for i in range(1, 18)]),
    ("课例研修：田径、球类与体操教学", [f"课例研修 {i}" for i in range(1, 18)]),
    ("拓展资源", []),
]

ARTICLES = [
    (
        "课程导学：如何参加本次远程培训",
        "<h2>学习安排</h2><p>本课程共 50 学时以上，其中视频课程不少于 25 学时。请按模块顺序学习，"
        "每个模块后完成研修日志。</p><ul><li>专题讲座：理解课程标准</li><li>课例研修：观摩与反思</li>"
        "<li>拓展资源：教学设计范例</li></ul>",
        120,
    ),
    (
        "体育课堂常规与安全管理要点",
        "<p>课前检查场地器材；准备活动充分；分组练习明确保护帮助的分工。</p>",
        240,
    ),
    ("大课间活动的设计与组织", "<p>以班级为单位，兼顾全员参与、运动负荷与趣味性。</p>", 240),
    (
        "学生体质健康测试的组织与数据分析",
        "<p>依据《国家学生体质健康标准》组织测试，分析结果并调整教学。</p>",
        240,
    ),
    ("体育教学评价的多元化", "<p>过程性评价与终结性评价相结合，关注学生的进步幅度。</p>", 240),
    ("校园足球教学的组织与训练", "<p>技能教学与比赛相结合，分层设计练习。</p>", 240),
    ("研修总结写作指导", "<p>结合本校实际，写出可操作的改进计划。</p>", 240),
]


def _make_video(path: Path, *, seconds: int, pattern: str, tone: int) -> bool:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.mp4")
    subprocess.run(  # noqa: S603
        [
            ffmpeg, "-v", "error", "-y",
            "-f", "lavfi", "-i", f"{pattern}=size=320x180:rate=1",
            "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=8000",
            "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "40", "-g", "600", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "8k", "-ac", "1", "-movflags", "+faststart",
            str(partial),
        ],
        check=True,
        timeout=300,
    )  # fmt: skip
    partial.replace(path)
    return True


def _handout_pdf(path: Path) -> None:
    """A one-page PDF written by hand (a content stream with one line of text)."""
    text = b"BT /F1 18 Tf 72 760 Td (Junior high PE - course handout) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))


def _add_file(actor, module, kind: str, path: Path, title: str, minutes=None) -> Resource:
    with path.open("rb") as fh:
        return services.resource_add(
            actor=actor,
            module=module,
            kind=kind,
            title=title,
            credit_minutes=minutes,
            upload=File(fh, path.name),
        )


def _team_ensure(provider_admin: User, ps: ProviderSubject) -> None:
    if ps.members.exists():
        return
    for name, role, org, title in TEAM:
        user = User.objects.filter(username=name).first()
        team_member_add(
            actor=provider_admin,
            provider_subject=ps,
            name=user.real_name if user else name,
            role=role,
            organization=org,
            title=title,
            user=user,
        )
    team_submit(actor=provider_admin, provider_subject=ps)


def _media_ensure() -> tuple[list[Path], Path] | None:
    """The two lecture videos (made once, then found on disk) and the handout; None without ffmpeg. Every
    course of the demo uses these same files: stored under their SHA-256, they are kept once."""
    media = Path(settings.VAR_DIR) / "demo" / "media"
    lectures = [media / "lecture-a.mp4", media / "lecture-b.mp4"]
    for path, pattern, tone in zip(lectures, ("testsrc2", "smptebars"), (440, 330), strict=True):
        if not path.exists() and not _make_video(
            path, seconds=settings.DEMO_COURSE_VIDEO_SECONDS, pattern=pattern, tone=tone
        ):
            return None
    handout = media / "handout.pdf"
    if not handout.exists():
        _handout_pdf(handout)
    return lectures, handout


def _course_build(
    *, provider_admin: User, ps: ProviderSubject, title: str, live_url: str
) -> tuple[Course | None, str]:
    """A course of 34 lectures, a handout and articles (≥ 50 h, ≥ 25 h of video), with its expert team
    submitted, ready to submit; (None, why) when it cannot be built."""
    media = _media_ensure()
    if media is None:
        return None, "skipped: ffmpeg is missing (apt-get install ffmpeg)"
    lectures, handout = media
    project = ps.project
    _team_ensure(provider_admin, ps)
    course = services.course_ensure(actor=provider_admin, provider_subject=ps)
    services.course_update(
        actor=provider_admin,
        course=course,
        title=title,
        description="依据义务教育体育与健康课程标准，围绕教学设计、课例研修与课堂常规组织。",
    )
    first = course.modules.get()
    services.module_rename(actor=provider_admin, module=first, title=MODULES[0][0])
    modules = [first] + [
        services.module_add(actor=provider_admin, course=course, title=t) for t, _ in MODULES[1:]
    ]
    title, body, minutes = ARTICLES[0]
    services.resource_add(
        actor=provider_admin, module=first, kind="article", title=title, body=body, credit_minutes=minutes
    )
    n = 0
    for module, (_title, lecture_titles) in zip(modules, MODULES, strict=True):
        for lecture in lecture_titles[: LECTURES - n]:
            _add_file(provider_admin, module, "video", lectures[n % 2], lecture)
            n += 1
    _add_file(provider_admin, modules[3], "document", handout, "课程学习手册", 60)
    for title, body, minutes in ARTICLES[1:]:
        services.resource_add(
            actor=provider_admin,
            module=modules[3],
            kind="article",
            title=title,
            body=body,
            credit_minutes=minutes,
        )
    phase_start = project.phases.filter(kind="remote_training").values_list("starts_on", flat=True).first()
    if phase_start is not None:
        services.resource_add(
            actor=provider_admin,
            module=first,
            kind="live",
            title="开班典礼与学习指导（直播）",
            url=live_url,
            starts_at=dt.datetime.combine(phase_start, dt.time(19, 0), tzinfo=dt.UTC),
            credit_minutes=90,
        )
    problems = services.course_problems(course=course)
    if problems:
        return None, "draft: " + " ".join(problems)
    return course, ""


def _pe_subject(project: Project) -> tuple[ProviderSubject | None, User | None]:
    ps = ProviderSubject.objects.filter(
        project=project, provider__name=DEMO_PROVIDER, subject__stage="初中", subject__name="体育"
    ).first()
    return ps, User.objects.filter(username="provider").first()


def demo_courses_ensure(*, project: Project) -> dict[str, object]:
    if settings.DEMO_COURSE_VIDEO_SECONDS <= 0:
        return {"course": "skipped (DEMO_COURSE_VIDEO_SECONDS=0)"}
    ps, provider_admin = _pe_subject(project)
    if ps is None or provider_admin is None:
        return {"course": "skipped: no 北京师范大学 · 初中体育 or no provider login"}
    existing = Course.objects.filter(provider_subject=ps).first()
    if existing is not None:
        return {"course": existing.get_status_display()}
    course, why = _course_build(
        provider_admin=provider_admin,
        ps=ps,
        title="初中体育骨干教师远程培训课程",
        live_url="https://live.example.edu.cn/gp2011/pe",
    )
    if course is None:
        return {"course": why}
    services.course_submit(actor=provider_admin, course=course)
    totals = services.course_totals(course=course)
    return {"course": f"submitted for review, {totals.total_hours} h ({totals.video_hours} h video)"}


def demo_course_approved_ensure(*, project: Project) -> dict[str, object]:
    """国培计划(2010)'s 初中体育 course, built from the same files, submitted by the provider and approved by
    the project office, so that its learners can study it now. Returns the course (None when skipped)."""
    if settings.DEMO_COURSE_VIDEO_SECONDS <= 0:
        return {"course": None, "status": "skipped (DEMO_COURSE_VIDEO_SECONDS=0)"}
    ps, provider_admin = _pe_subject(project)
    reviewer = User.objects.filter(username="office").first()
    if ps is None or provider_admin is None or reviewer is None:
        return {
            "course": None,
            "status": "skipped: no 北京师范大学 · 初中体育 or no provider or office login",
        }
    course = Course.objects.filter(provider_subject=ps).first()
    if course is None:
        course, why = _course_build(
            provider_admin=provider_admin,
            ps=ps,
            title="初中体育教师远程培训课程",
            live_url="https://live.example.edu.cn/gp2010/pe",
        )
        if course is None:
            return {"course": None, "status": why}
        services.course_submit(actor=provider_admin, course=course)
        services.course_approve(actor=reviewer, course=course, note="资源完整，准予开课。")
        course.refresh_from_db()
        totals = services.course_totals(course=course)
        return {
            "course": course,
            "status": f"approved, {totals.total_hours} h ({totals.video_hours} h video)",
        }
    return {"course": course if course.approved_version_id else None, "status": course.get_status_display()}
