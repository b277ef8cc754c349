"""`teachnet demo` (demo.world): the 国培计划(2011) world, a login per role, learners (ORG-1..ORG-4, TRN-1);
国培计划(2010) in its remote training, where the demo learner studies at once and the tutor reads the class's
records (TRN-6, LRN-1 … LRN-5)."""

import datetime as dt
import re
import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from teachnet.accounts.models import RoleAssignment, User
from teachnet.core.identity import id_birth_date, id_gender, validate_id_card, validate_mobile
from teachnet.courses.models import Course
from teachnet.learning.models import CreditInterval, PlanItem, StudyPolicy, StudySession, StudyTotal
from teachnet.learning.services import session_start
from teachnet.orgs.models import Organization
from teachnet.reporting.models import Submission, SubmissionEvent, SubmissionRow
from teachnet.training.models import ClassMembership, Enrollment, Phase, Project, TrainingClass

pytestmark = pytest.mark.django_db

GP_NAME = "国培计划(2011)——义务教育骨干教师远程培训项目"
GP2010_NAME = "国培计划(2010)——中小学教师远程培训项目"
# 2010's course is built from real generated videos, 45 minutes long as `make demo` makes them (the tests'
# settings skip the courses otherwise).
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg (make media-tools)"
)
full_length_videos = override_settings(DEMO_COURSE_VIDEO_SECONDS=45 * 60)
PROVIDERS = {
    "北京师范大学",
    "西南大学",
    "北京大学",
    "中国教育电视台",
    "高等教育出版社",
    "全国中小学教师继续教育网",
    "百年树人网",
    "奥鹏远程教育中心",
}
PROVINCES = {"110000", "120000", "210000", "320000", "330000", "350000", "370000", "440000"}
# username: (role, region scope, organization scope)
LOGINS = {
    "office": ("project_office", "000000", None),
    "gd_lead": ("province_lead", "440000", None),
    "gz_lead": ("city_lead", "440100", None),
    "sz_lead": ("city_lead", "440300", None),
    "provider": ("provider_admin", None, "北京师范大学"),
    "expert": ("chief_expert", None, "北京师范大学"),
    "tutor": ("tutor", None, "北京师范大学"),
    "learner": ("learner", None, "广州市天河区第一小学"),
}


def run_demo(*args: str, learners: int = 50) -> str:
    out = StringIO()
    call_command("demo", f"--learners={learners}", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    """username → password, from the table the command prints (角色  用户名  密码)."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in {*LOGINS, "admin"} and not parts[2].startswith("("):
            found[parts[1]] = parts[2]
    return found


def can_log_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")  # django-axes wants the request
    return authenticate(request, username=username, password=password) is not None


def bulk_learners(project: Project):
    """The learners `--learners` makes: not the demo login, not the people of the tables approved."""
    return (
        User.objects.filter(role_assignments__project=project, role_assignments__role="learner")
        .exclude(username="learner")
        .exclude(enrollments__source__startswith="submission:")
        .select_related("organization")
    )


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "projects": Project.objects.count(),
    }


def every_row_count() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_demo_builds_the_gp_world():
    # When
    output = run_demo()

    # Then: the office, the eight providers, a bureau per province and per city, counties with schools
    office = Organization.objects.get(type=Organization.Type.PROJECT_OFFICE)
    assert office.region_id == "110000"
    providers = Organization.objects.filter(type=Organization.Type.PROVIDER)
    assert set(providers.values_list("name", flat=True)) == PROVIDERS
    assert providers.get(name="西南大学").region_id == "500109"
    province_bureaus = Organization.objects.filter(type=Organization.Type.BUREAU, region__level=1)
    assert set(province_bureaus.values_list("region_id", flat=True)) == PROVINCES
    assert province_bureaus.get(region_id="110000").name == "北京市教育委员会"
    gd = province_bureaus.get(region_id="440000")
    assert gd.name == "广东省教育厅"
    assert Organization.objects.get(region_id="440100", name="广州市教育局").parent == gd
    assert Organization.objects.filter(type=Organization.Type.BUREAU, region_id="445100").exists()  # 潮州市
    assert Organization.objects.filter(
        type=Organization.Type.WORKSTATION, region_id="440106", name="天河区教师远程学习工作站"
    ).exists()
    schools = Organization.objects.filter(type=Organization.Type.SCHOOL)
    assert 200 <= schools.count() <= 500
    assert {code[:2] + "0000" for code in schools.values_list("region_id", flat=True)} == PROVINCES

    # and the project with its provinces and providers
    project = Project.objects.get(name=GP_NAME)
    assert (project.short_name, project.year, project.target_headcount) == ("国培计划(2011)", 2011, 100000)
    assert project.office == office
    assert set(project.provinces.values_list("code", flat=True)) == PROVINCES
    assert set(project.providers.values_list("name", flat=True)) == PROVIDERS
    assert "http://127.0.0.1:8000" in output


def test_the_demos_reporting_is_under_way_for_every_reporting_login():
    # When
    run_demo()
    logins = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    project = Project.objects.get(name=GP_NAME)
    tables = Submission.objects.filter(project=project)

    # Then tables stand in every state, each taken there by the people whose work it is
    states = set(tables.values_list("state", flat=True))
    assert {"draft", "submitted", "rejected", "approved"} <= states
    assert {e.action for e in SubmissionEvent.objects.filter(submission__project=project)} >= {
        "upload", "submit", "reject", "approve", "enroll"
    }  # fmt: skip
    # the office's board opens on 2011 with figures in more than one province
    board = client_for(logins["office"]).get("/reporting/board/").context["board"]
    assert board.project == project and board.total.reported > 0 and board.total.approved > 0
    assert sum(1 for row in board.rows if row.reported) >= 2
    # the provincial lead has tables to review, the office the province's trainer table
    gd_queue = client_for(logins["gd_lead"]).get("/reporting/").context["to_review"]
    assert {s.region_id for s in gd_queue} >= {"440100", "440300"}
    office_queue = client_for(logins["office"]).get("/reporting/").context["to_review"]
    assert "trainer" in {s.kind for s in office_queue}
    # Shenzhen's lead finds a table returned with the reason
    returned = tables.get(region_id="440300", state="rejected")
    page = client_for(logins["sz_lead"]).get(reverse("reporting:detail", args=[returned.pk])).content.decode()
    assert returned.reason and returned.reason in page
    # and Guangzhou's lead finds the accounts the approved table opened, waiting for activation codes
    approved = tables.get(region_id="440100", state="approved")
    opened = User.objects.filter(role_assignments__project=project, region__code__startswith="4401",
                                 activated_at__isnull=True).distinct()  # fmt: skip
    assert opened.count() >= approved.row_count
    people = client_for(logins["gz_lead"]).get(reverse("accounts:user_list")).content.decode()
    row = SubmissionRow.objects.filter(submission=approved).first()
    assert row.real_name in people

    # and a second run changes nothing
    before = every_row_count()
    run_demo()
    assert every_row_count() == before


def test_the_demo_refuses_an_address_it_cannot_print():
    with pytest.raises(CommandError, match="--url"):
        run_demo("--url=127.0.0.1:8200")


def test_each_demo_login_holds_its_role_and_its_printed_password_works():
    # When
    passwords = printed_passwords(run_demo())

    # Then
    project = Project.objects.get(name=GP_NAME)
    gp2010 = Project.objects.get(name=GP2010_NAME)
    assert set(passwords) == set(LOGINS)
    for username, (role, region, organization) in LOGINS.items():
        user = User.objects.get(username=username)
        for each in (project, gp2010):  # each login holds its role in both projects
            assignment = RoleAssignment.objects.get(user=user, role=role, project=each)
            assert assignment.region_id == region
            assert (assignment.organization.name if assignment.organization else None) == organization
        assert user.activated_at is not None
        assert can_log_in(username, passwords[username]), username
    assert User.objects.get(username="learner").region_id == "440106"
    assert not User.objects.filter(username="admin").exists()


def test_learners_have_valid_numbers_a_school_and_no_password():
    # When
    run_demo(learners=50)

    # Then
    learners = list(bulk_learners(Project.objects.get(name=GP_NAME)))
    assert len(learners) == 50
    for user in learners:
        number = user.id_card
        assert validate_id_card(number) == number
        assert number[:6] == user.region_id == user.organization.region_id
        assert user.organization.type == Organization.Type.SCHOOL
        assert 1965 <= id_birth_date(number).year <= 1995
        assert id_gender(number) == user.gender
        assert validate_mobile(user.phone) == user.phone
        assert 2 <= len(user.real_name) <= 3
        assert not user.has_usable_password()
        assert user.activated_at is None
    assert len({u.id_card for u in learners}) == len({u.phone for u in learners}) == 50
    assert len({u.region_id[:2] for u in learners}) > 1


def test_second_run_creates_nothing_and_keeps_passwords():
    # Given
    first = printed_passwords(run_demo())
    before = counts()
    hashes = dict(User.objects.filter(username__in=LOGINS).values_list("username", "password"))

    # When
    output = run_demo()

    # Then
    assert counts() == before
    assert printed_passwords(output) == {}
    assert "password unchanged" in output
    assert dict(User.objects.filter(username__in=LOGINS).values_list("username", "password")) == hashes
    assert can_log_in("gz_lead", first["gz_lead"])


def test_reset_passwords_replaces_the_demo_passwords():
    # Given
    first = printed_passwords(run_demo())
    before = counts()

    # When
    second = printed_passwords(run_demo("--reset-passwords"))

    # Then
    assert set(second) == set(LOGINS)
    assert counts() == before
    assert can_log_in("sz_lead", second["sz_lead"])
    assert not can_log_in("sz_lead", first["sz_lead"])
    assert all(not u.has_usable_password() for u in bulk_learners(Project.objects.get(name=GP_NAME)))


def test_more_learners_adds_only_the_difference():
    # Given
    run_demo(learners=20)
    project = Project.objects.get(name=GP_NAME)
    first_ids = set(bulk_learners(project).values_list("id", flat=True))

    # When
    run_demo(learners=50)

    # Then
    learners = bulk_learners(project)
    assert learners.count() == 50
    assert first_ids < set(learners.values_list("id", flat=True))
    assert len(set(learners.values_list("id_card_hash", flat=True))) == 50


def test_superuser_only_when_asked():
    # Given
    run_demo()
    assert not User.objects.filter(username="admin").exists()

    # When
    passwords = printed_passwords(run_demo("--superuser"))

    # Then: admin is new, everyone else keeps their password
    assert set(passwords) == {"admin"}
    assert User.objects.get(username="admin").is_superuser
    assert can_log_in("admin", passwords["admin"])


def test_demo_reuses_the_organizations_already_there(orgs):
    # Given: the personas' 广东省教育厅 and 北京师范大学 (conftest)

    # When
    run_demo()

    # Then
    assert Organization.objects.filter(name="广东省教育厅").get() == orgs["gd_bureau"]
    assert Organization.objects.filter(name="北京师范大学").get() == orgs["bnu"]
    assert Organization.objects.filter(name="广州市教育局").get() == orgs["gz_bureau"]
    assert Organization.objects.get(name="广州市天河区教育局").parent == orgs["gz_bureau"]


def test_gp2010_is_in_its_remote_training_today():
    # When
    run_demo()

    # Then: 2010's remote training is under way, the phases before it are over, the summary is ahead
    gp2010 = Project.objects.get(name=GP2010_NAME)
    assert (gp2010.short_name, gp2010.year) == ("国培计划(2010)", 2010)
    assert set(gp2010.provinces.values_list("code", flat=True)) == {"110000", "440000"}
    assert set(gp2010.subjects.values_list("stage", "name")) == {
        ("初中", "体育"),
        ("初中", "数学"),
        ("小学", "语文"),
    }
    today = dt.date.today()
    phases = {p.kind: p for p in gp2010.phases.all()}
    remote = phases.pop(Phase.Kind.REMOTE_TRAINING)
    assert remote.starts_on < today <= remote.ends_on
    summary = phases.pop(Phase.Kind.SUMMARY)
    assert summary.starts_on > today
    assert all(p.ends_on < remote.starts_on for p in phases.values())
    # and 2011 is still in its reporting phase, with nothing to study
    reporting = Phase.objects.get(project__name=GP_NAME, kind=Phase.Kind.REPORTING)
    assert reporting.starts_on <= today <= reporting.ends_on


@needs_ffmpeg
@full_length_videos
def test_the_demo_learner_can_study_at_once():
    # When: `make demo HOST=0.0.0.0 PORT=8200`
    output = run_demo("--url=http://0.0.0.0:8200", learners=300)

    # Then every address it prints is where it serves
    addresses = re.findall(r"https?://[^\s）)]+", output)
    assert all(a.startswith("http://0.0.0.0:8200/") for a in addresses), addresses
    assert "http://0.0.0.0:8200/learn/" in addresses and "8000" not in output

    # Then the learner's workspace has 2010's 初中体育 open, with its plan's deadlines
    learner = User.objects.get(username="learner")
    course = Course.objects.get(provider_subject__project__name=GP2010_NAME)
    assert course.status == Course.Status.APPROVED
    page = client_for(learner).get(reverse("learning:workspace")).content.decode()
    assert course.title in page and 'data-testid="closed-reason"' not in page
    assert page.count('data-testid="study-link"') >= 40
    today = dt.date.today()
    dues = set(
        PlanItem.objects.filter(plan__training_class__tutor__username="tutor").values_list(
            "due_on", flat=True
        )
    )
    assert any(d < today for d in dues) and any(today < d <= today + dt.timedelta(days=3) for d in dues)
    assert "/learn/" in output and "learner" in output

    # and the reminder of the item due soon is in the learner's inbox, linking to the workspace
    from teachnet.notifications.models import Notification

    notice = Notification.objects.get(recipient=learner, kind="deadline_soon")
    assert notice.url == reverse("learning:workspace") and "到期" in notice.title
    # and so is the notice that 初中体育's next expert Q&A is about to start (qa.demo, the reminders)
    qa_notice = Notification.objects.get(recipient=learner, kind="qa_starting")
    assert qa_notice.url.startswith("/qa/") and "专家答疑即将开始" in qa_notice.title
    # the badge counts every unread notice the demo left (the answered question, graded homework …)
    unread = Notification.objects.filter(recipient=learner, in_inbox=True, read_at__isnull=True).count()
    assert unread >= 2
    badge = client_for(learner).get(reverse("notifications:badge")).content.decode()
    assert f'data-testid="unread-count">{unread}<' in badge

    # with some study behind them and most of the 50 学时 still to earn
    policy = StudyPolicy.objects.get(project=course.provider_subject.project)
    assert policy.heartbeat_seconds == 30 and 10 <= policy.check_min_minutes <= policy.check_max_minutes <= 20
    earned = StudyTotal.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"]
    assert 0 < earned < policy.required_units * policy.minutes_per_unit * 60 / 4
    assert earned == CreditInterval.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"]
    assert not StudySession.objects.filter(ended_at__isnull=True).exists()

    # and a study session starts on the resource due soon, crediting what is left of it
    due_soon = PlanItem.objects.filter(due_on__gt=today).order_by("due_on").first().resource
    player = reverse("learning:player", args=[course.pk, due_soon.pk])
    assert player in page and client_for(learner).get(player).status_code == 200
    started = session_start(learner=learner, course=course, resource_id=due_soon.pk)
    assert 0 < started.session.resource_room < due_soon.credit_minutes * 60
    assert started.credited_seconds == due_soon.credit_minutes * 60 - started.session.resource_room


@needs_ffmpeg
@full_length_videos
def test_the_tutor_reads_the_class_records_and_a_second_run_writes_nothing():
    # Given
    output = run_demo(learners=300)

    # When the tutor opens the class
    tutor, learner = User.objects.get(username="tutor"), User.objects.get(username="learner")
    klass = TrainingClass.objects.get(project__name=GP2010_NAME, tutor=tutor)
    members = ClassMembership.objects.filter(training_class=klass)
    page = client_for(tutor).get(reverse("learning:class", args=[klass.pk])).content.decode()

    # Then every learner of the class is there, the demo learner and their classmates of Guangzhou
    assert members.count() > 10 and members.filter(enrollment__user=learner).exists()
    assert set(members.values_list("enrollment__region_id", flat=True)) == {"440100"}
    assert learner.real_name in page and reverse("learning:record", args=[learner.pk]) in page
    assert reverse("learning:class", args=[klass.pk]) in output
    assert klass.name in client_for(tutor).get(reverse("training:my_classes")).content.decode()
    studied = StudySession.objects.filter(learner__in=members.values("enrollment__user")).values("learner")
    assert studied.distinct().count() > members.count() // 2
    record = client_for(tutor).get(reverse("learning:record", args=[learner.pk]))
    assert record.status_code == 200 and "专题讲座 1" in record.content.decode()
    # but not the records of a learner outside the class
    outsider = Enrollment.objects.filter(project__name=GP2010_NAME).exclude(
        pk__in=members.values("enrollment")
    )
    assert not outsider.filter(role="learner").exists()
    other = User.objects.filter(role_assignments__role="learner").exclude(
        pk__in=members.values("enrollment__user")
    )
    assert client_for(tutor).get(reverse("learning:record", args=[other.first().pk])).status_code == 404

    # When the demo runs again, then it writes nothing
    before = every_row_count()
    run_demo(learners=300)
    assert every_row_count() == before
