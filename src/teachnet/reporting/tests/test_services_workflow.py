"""The reporting workflow (REP-2 … REP-6), persona by persona: upload → check → submit → review, with the
deadline, reopening, read-only approved tables, racing uploads and approval into accounts (REP-4)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teachnet.accounts.models import RoleAssignment, User
from teachnet.core.identity import id_gender
from teachnet.orgs.models import Region
from teachnet.reporting import services
from teachnet.reporting.models import ReportingWindow, Submission, SubmissionEvent, SubmissionRow
from teachnet.reporting.tests.xlsx_builders import make_id, trainee_row, trainer_row, write_roster
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import Enrollment, Quota
from teachnet.training.services import subjects_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def math(project):
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    return project.subjects.get(stage="初中", name="数学")


@pytest.fixture
def gz_math(gz_city_lead, project, math):
    return services.submission_open(
        actor=gz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440100"),
        subject=math,
    )


def upload(actor, submission, tmp_path, rows, name="roster.xlsx", **kwargs):
    path = write_roster(tmp_path / name, rows, **kwargs)
    return services.roster_upload(actor=actor, submission=submission, path=path, source_name=name)


def test_a_clean_file_becomes_the_tables_rows(gz_city_lead, gz_math, tmp_path):
    result = upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 6)])
    assert result.saved and not result.check.errors
    gz_math.refresh_from_db()
    assert gz_math.row_count == 5 and gz_math.state == "draft" and gz_math.version == 1
    row = SubmissionRow.objects.get(submission=gz_math, row_no=2)
    assert row.id_card_masked.startswith("4401") and "*" in row.id_card_masked
    assert make_id(seq=1) not in str(SubmissionRow.objects.filter(pk=row.pk).values().get())
    assert SubmissionEvent.objects.get(submission=gz_math).action == "upload"


def test_a_file_with_errors_changes_nothing_already_saved(gz_city_lead, gz_math, tmp_path):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 4)], name="good.xlsx")
    bad = [trainee_row(n) for n in range(1, 9)]
    bad[3]["手机号码"] = "1391234567"
    result = upload(gz_city_lead, gz_math, tmp_path, bad, name="bad.xlsx")
    assert not result.saved
    assert [(e.row, e.column, e.code) for e in result.check.errors] == [(5, "手机号码", "phone_format")]
    gz_math.refresh_from_db()
    assert gz_math.row_count == 3 and gz_math.rows.count() == 3 and gz_math.source_name == "good.xlsx"


def test_shenzhen_lead_cannot_open_or_upload_guangzhou_tables(sz_city_lead, gz_math, project, math, tmp_path):
    with pytest.raises(PermissionDenied):
        services.submission_open(
            actor=sz_city_lead,
            project=project,
            kind="trainee",
            region=Region.objects.get(code="440100"),
            subject=math,
        )
    with pytest.raises(PermissionDenied):
        upload(sz_city_lead, gz_math, tmp_path, [trainee_row(1)])


def test_submit_reject_with_reason_fix_and_approve(
    gz_city_lead, gd_province_lead, sz_city_lead, gz_math, tmp_path
):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 4)])
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    with pytest.raises(PermissionDenied):  # a city lead does not review, not even another city
        services.submission_reject(actor=sz_city_lead, submission=gz_math, reason="x")
    with pytest.raises(ValidationError):
        services.submission_reject(actor=gd_province_lead, submission=gz_math, reason="  ")
    services.submission_reject(actor=gd_province_lead, submission=gz_math, reason="第3行工作单位写错了")
    gz_math.refresh_from_db()
    assert gz_math.state == "rejected" and gz_math.reason == "第3行工作单位写错了"
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 4)], name="fixed.xlsx")
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    services.submission_approve(actor=gd_province_lead, submission=gz_math)
    actions = list(gz_math.events.values_list("action", "from_state", "to_state"))
    assert actions == [
        ("upload", "draft", "draft"),
        ("submit", "draft", "submitted"),
        ("reject", "submitted", "rejected"),
        ("upload", "rejected", "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
    ]


def test_approved_tables_are_read_only_for_the_city(gz_city_lead, gd_province_lead, gz_math, tmp_path):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)])
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    services.submission_approve(actor=gd_province_lead, submission=gz_math)
    with pytest.raises(ValidationError) as exc:
        upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)], name="again.xlsx")
    assert exc.value.code == "not_editable"
    with pytest.raises(ValidationError):
        services.row_delete(actor=gz_city_lead, row=gz_math.rows.get())


def test_deadline_closes_uploads_and_a_reopening_gives_one_table_back(
    gz_city_lead, gd_province_lead, gz_math, project, tmp_path
):
    now = timezone.now()
    ReportingWindow.objects.create(
        project=project,
        kind="trainee",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(minutes=1),
    )
    with pytest.raises(ValidationError) as exc:
        upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)])
    assert exc.value.code == "closed"
    services.submission_reopen(actor=gd_province_lead, submission=gz_math, reason="补报一名学员")
    assert upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)]).saved


def test_the_second_of_two_racing_uploads_is_told_and_saves_nothing(
    gz_city_lead, gz_math, tmp_path, monkeypatch
):
    first = write_roster(tmp_path / "first.xlsx", [trainee_row(n) for n in range(1, 4)])
    second = write_roster(tmp_path / "second.xlsx", [trainee_row(n) for n in range(10, 12)])
    real_check = services.roster_check

    def check_while_another_upload_lands(**kwargs):
        result = real_check(**kwargs)
        monkeypatch.setattr(services, "roster_check", real_check)
        services.roster_upload(
            actor=gz_city_lead,
            submission=Submission.objects.get(pk=gz_math.pk),
            path=first,
            source_name="first.xlsx",
        )
        return result

    monkeypatch.setattr(services, "roster_check", check_while_another_upload_lands)
    with pytest.raises(services.ConcurrentUpload):
        services.roster_upload(actor=gz_city_lead, submission=gz_math, path=second, source_name="second.xlsx")
    gz_math.refresh_from_db()
    assert gz_math.source_name == "first.xlsx" and gz_math.row_count == 3 and gz_math.rows.count() == 3


def test_an_id_reported_by_another_city_is_flagged_without_saying_where(
    gz_city_lead, sz_city_lead, gz_math, project, math, tmp_path
):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)])
    sz_math = services.submission_open(
        actor=sz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440300"),
        subject=math,
    )
    result = upload(sz_city_lead, sz_math, tmp_path, [trainee_row(1, 所在区县="南山区")], name="sz.xlsx")
    assert [e.code for e in result.check.errors] == ["id_in_other_submission"]
    message = result.check.errors[0].message
    assert "广州" not in message and "张三" not in message


def test_quota_is_checked(gz_city_lead, gz_math, project, math, tmp_path):
    Quota.objects.create(project=project, region=Region.objects.get(code="440100"), subject=math, places=2)
    result = upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 4)])
    assert not result.saved and {e.code for e in result.check.errors} == {"over_quota"}


def test_approval_opens_accounts_enrolls_and_matches_existing_people(
    gz_city_lead, gd_province_lead, gz_math, learner, tmp_path
):
    rows = [trainee_row(n) for n in range(101, 104)] + [
        trainee_row(
            104,
            身份证号=learner.id_card,
            手机号码=learner.phone,
            性别="男" if id_gender(learner.id_card) == "M" else "女",
        )
    ]
    assert upload(gz_city_lead, gz_math, tmp_path, rows).saved
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    services.submission_approve(actor=gd_province_lead, submission=gz_math)
    before = User.objects.count()
    result = services.submission_enroll(submission=gz_math)
    assert (result.accounts_created, result.accounts_matched, result.enrolled) == (3, 1, 4)
    assert User.objects.count() == before + 3
    new = User.objects.get(id_card_hash=SubmissionRow.objects.get(submission=gz_math, row_no=2).id_card_hash)
    assert not new.has_usable_password() and new.activated_at is None and new.region_id == "440106"
    assert new.organization.name == "广州市天河中学"
    assert RoleAssignment.objects.filter(user=new, role="learner", project=gz_math.project).exists()
    assert Enrollment.objects.filter(user=learner, subject=gz_math.subject).exists()
    again = services.submission_enroll(submission=gz_math)  # idempotent
    assert (again.accounts_created, again.enrolled) == (0, 0) and User.objects.count() == before + 3


def test_trainer_table_is_the_provinces_and_reviewed_by_the_project_office(
    gd_province_lead, project_office, gz_city_lead, project, math, tmp_path
):
    with pytest.raises(PermissionDenied):
        services.submission_open(
            actor=gz_city_lead,
            project=project,
            kind="trainer",
            region=Region.objects.get(code="440000"),
            subject=None,
        )
    table = services.submission_open(
        actor=gd_province_lead,
        project=project,
        kind="trainer",
        region=Region.objects.get(code="440000"),
        subject=None,
    )
    result = upload(
        gd_province_lead,
        table,
        tmp_path,
        [trainer_row(n) for n in range(1, 3)],
        kind="trainer",
        title="培训者信息表",
    )
    assert result.saved, result.check.errors
    services.submission_submit(actor=gd_province_lead, submission=table)
    with pytest.raises(PermissionDenied):
        services.submission_approve(actor=gd_province_lead, submission=table)
    services.submission_approve(actor=project_office, submission=table)
    result = services.submission_enroll(submission=table)
    assert result.enrolled == 2
    assert Enrollment.objects.filter(role="trainer", region_id="440100").count() == 2


def test_a_refused_open_leaves_no_table_behind(sz_city_lead, project, math):
    with pytest.raises(PermissionDenied):
        services.submission_open(
            actor=sz_city_lead,
            project=project,
            kind="trainee",
            region=Region.objects.get(code="440100"),
            subject=math,
        )
    assert not Submission.objects.exists()


def test_approval_opens_an_account_without_the_phone_another_account_holds(
    gz_city_lead, gd_province_lead, gz_math, learner, tmp_path
):
    row = trainee_row(201, 手机号码=learner.phone)
    assert upload(gz_city_lead, gz_math, tmp_path, [row]).saved
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    services.submission_approve(actor=gd_province_lead, submission=gz_math)
    result = services.submission_enroll(submission=gz_math)
    assert (result.accounts_created, result.phone_taken) == (1, 1)
    new = User.objects.get(id_card_hash=gz_math.rows.get().id_card_hash)
    assert (
        new.phone_hash is None
        and new.phone_encrypted == ""
        and learner.phone == User.objects.get(pk=learner.pk).phone
    )


def test_a_row_is_edited_under_the_upload_rules(gz_city_lead, gz_math, tmp_path):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(n) for n in range(1, 4)])
    row = gz_math.rows.get(row_no=3)
    values = services.row_values(row)
    assert values["身份证号"] == make_id(seq=2, male=False)
    bad = services.row_update(actor=gz_city_lead, row=row, values={**values, "手机号码": "12345"})
    assert [(e.row, e.column, e.code) for e in bad] == [(3, "手机号码", "phone_format")]
    twin = services.row_update(
        actor=gz_city_lead, row=row, values={**values, "身份证号": make_id(seq=1, male=True), "性别": "男"}
    )
    assert [(e.code, e.message) for e in twin] == [("duplicate_id", "与第2行重复。")]
    assert (
        services.row_update(actor=gz_city_lead, row=row, values={**values, "工作单位": "广州市第六中学"})
        == []
    )
    row.refresh_from_db()
    assert (
        row.organization_name == "广州市第六中学"
        and row.id_card_masked == SubmissionRow.objects.get(pk=row.pk).id_card_masked
    )
    assert gz_math.events.filter(action="row_edit").exists()


def test_rows_of_a_submitted_table_cannot_be_edited(gz_city_lead, gz_math, tmp_path):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)])
    services.submission_submit(actor=gz_city_lead, submission=gz_math)
    row = gz_math.rows.get()
    with pytest.raises(ValidationError):
        services.row_update(actor=gz_city_lead, row=row, values=services.row_values(row))


def test_a_person_taken_between_check_and_write_saves_nothing(
    gz_city_lead, sz_city_lead, gz_math, project, math, tmp_path, monkeypatch
):
    upload(gz_city_lead, gz_math, tmp_path, [trainee_row(1)])
    sz_math = services.submission_open(
        actor=sz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440300"),
        subject=math,
    )
    # The check runs before Guangzhou's row exists, as it would if both uploads raced.
    monkeypatch.setattr(services, "taken_elsewhere_fn", lambda **kwargs: lambda hashes: set())
    rows = [trainee_row(5, 所在区县="南山区"), trainee_row(1, 所在区县="南山区")]
    with pytest.raises(ValidationError) as exc:
        upload(sz_city_lead, sz_math, tmp_path, rows, name="sz.xlsx")
    assert exc.value.code == "taken_meanwhile"
    sz_math.refresh_from_db()
    assert sz_math.rows.count() == 0 and sz_math.version == 0 and sz_math.row_count == 0
