"""services_sessions (TRN-5): scheduling sessions inside the plan's phases, the attendance sheet, and each
trainer's status against 30 学时 of concentrated training, ≥ 3 of drill and ≥ 1 remote rehearsal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from teachnet.core.models import AuditEvent
from teachnet.training import services_sessions as services
from teachnet.training.models_sessions import SessionAttendance, TrainerSession

from .factories import assign, other_provider, other_provider_admin
from .factories_sessions import at, phases_ensure, session, trainer

pytestmark = pytest.mark.django_db
Kind = TrainerSession.Kind


@pytest.fixture
def bnu_pe(project, orgs):
    phases_ensure(project)
    return assign(project, orgs["bnu"], "初中体育")


@pytest.fixture
def trainers(project, bnu_pe):
    pe = bnu_pe.subject
    return {
        "gz": trainer(project, pe, "440100", "广州培训者"),
        "sz": trainer(project, pe, "440300", "深圳培训者"),
        "bj": trainer(project, pe, "110108", "北京培训者"),
    }


def create(actor, ps, kind=Kind.CONCENTRATED, start=None, end=None, **kw):
    return services.session_create(
        actor=actor,
        provider_subject=ps,
        kind=kind,
        title=kw.pop("title", "平台操作"),
        starts_at=start or at(3, 2, 8),
        ends_at=end or at(3, 2, 11, 30),
        **kw,
    )


# --- Scheduling ---------------------------------------------------------------------------------------------


def test_provider_admin_schedules_a_session_and_hours_come_from_the_times(provider_admin, bnu_pe):
    s = create(provider_admin, bnu_pe, place=" 北京师范大学英东楼 ")
    assert (s.hours, s.place) == (Decimal("3.5"), "北京师范大学英东楼")
    assert AuditEvent.objects.filter(verb="training.session_created", target_id=str(s.pk)).exists()


def test_entered_hours_are_kept(project_office, bnu_pe):
    s = create(project_office, bnu_pe, start=at(3, 2, 8), end=at(3, 4, 17), hours=Decimal("18"))
    assert s.hours == Decimal("18.0")


def test_a_session_outside_the_trainer_training_phase_is_refused(provider_admin, bnu_pe):
    with pytest.raises(ValidationError) as exc:
        create(provider_admin, bnu_pe, start=at(3, 16, 8), end=at(3, 16, 12))
    assert "骨干培训者集中培训阶段（2011-03-01 至 2011-03-15）" in exc.value.message_dict["starts_at"][0]
    with pytest.raises(ValidationError):
        create(provider_admin, bnu_pe, kind=Kind.DRILL, start=at(2, 28, 8), end=at(2, 28, 12))
    assert not TrainerSession.objects.exists()


def test_a_rehearsal_may_follow_the_phase_until_the_remote_training_starts(provider_admin, bnu_pe):
    create(provider_admin, bnu_pe, kind=Kind.REHEARSAL, start=at(3, 25, 19), end=at(3, 25, 21))
    with pytest.raises(ValidationError) as exc:
        create(provider_admin, bnu_pe, kind=Kind.REHEARSAL, start=at(3, 26, 19), end=at(3, 26, 21))
    assert "远程培训开始（2011-03-26）" in exc.value.message_dict["ends_at"][0]


def test_without_phases_the_dates_are_free(provider_admin, project, orgs):
    ps = assign(project, orgs["bnu"], "小学体育")
    assert create(provider_admin, ps, start=at(6, 1, 8), end=at(6, 1, 9)).hours == Decimal("1.0")


def test_ends_before_it_starts_or_no_hours_is_refused(provider_admin, bnu_pe):
    with pytest.raises(ValidationError) as exc:
        create(provider_admin, bnu_pe, start=at(3, 2, 10), end=at(3, 2, 9))
    assert "ends_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create(provider_admin, bnu_pe, hours=Decimal("0"))
    assert "hours" in exc.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": at(3, 2, 10), "ends_at": at(3, 2, 9), "hours": Decimal(1)},
        {"starts_at": at(3, 2, 8), "ends_at": at(3, 2, 9), "hours": Decimal(0)},
    ],
)
def test_the_database_refuses_impossible_sessions_too(bnu_pe, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainerSession.objects.create(provider_subject=bnu_pe, kind=Kind.DRILL, title="x", **fields)


@pytest.mark.parametrize("persona", ["tutor", "gd_province_lead", "chief_expert"])
def test_only_the_provider_or_the_office_schedules(request, bnu_pe, persona):
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(persona), bnu_pe)


def test_another_provider_cannot_touch_bnus_sessions(project, provider_admin, bnu_pe):
    swu_admin = other_provider_admin(project, other_provider(project))
    s = create(provider_admin, bnu_pe)
    with pytest.raises(PermissionDenied):
        create(swu_admin, bnu_pe)
    with pytest.raises(PermissionDenied):
        services.session_delete(actor=swu_admin, session=s)
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=swu_admin, session=s, present_user_ids=[])


def test_update_rechecks_and_recomputes(provider_admin, bnu_pe):
    s = create(provider_admin, bnu_pe, hours=Decimal(5))
    services.session_update(
        actor=provider_admin,
        session=s,
        kind=Kind.DRILL,
        title="演练",
        starts_at=at(3, 3, 8),
        ends_at=at(3, 3, 11),
    )
    s.refresh_from_db()
    assert (s.kind, s.hours) == (Kind.DRILL, Decimal("3.0"))
    with pytest.raises(ValidationError):
        services.session_update(
            actor=provider_admin,
            session=s,
            kind=Kind.DRILL,
            title="演练",
            starts_at=at(4, 1, 8),
            ends_at=at(4, 1, 9),
        )
    assert AuditEvent.objects.filter(verb="training.session_updated").count() == 1


def test_delete_keeps_who_attended_in_the_audit_event(provider_admin, bnu_pe, trainers):
    s = create(provider_admin, bnu_pe)
    services.attendance_set(actor=provider_admin, session=s, present_user_ids=[trainers["gz"].user_id])
    services.session_delete(actor=provider_admin, session=s)
    assert not SessionAttendance.objects.exists()
    event = AuditEvent.objects.get(verb="training.session_deleted")
    assert event.data["present"] == [trainers["gz"].user_id]


# --- Attendance ---------------------------------------------------------------------------------------------


def test_attendance_marks_the_listed_present_and_every_other_trainer_absent(provider_admin, bnu_pe, trainers):
    s = create(provider_admin, bnu_pe)
    gz, sz = trainers["gz"].user_id, trainers["sz"].user_id
    services.attendance_set(actor=provider_admin, session=s, present_user_ids=[gz, sz])
    services.attendance_set(
        actor=provider_admin, session=s, present_user_ids=[gz]
    )  # saved again: one row each

    marks = {a.enrollment.user_id: a.present for a in s.attendance.select_related("enrollment")}
    assert marks == {gz: True, sz: False, trainers["bj"].user_id: False}
    event = AuditEvent.objects.filter(verb="training.attendance_set").latest("id")
    assert (event.data["before"], event.data["after"]) == (sorted([gz, sz]), [gz])


def test_attendance_refuses_someone_who_is_not_a_trainer_of_the_subject(
    provider_admin, bnu_pe, trainers, tutor
):
    s = create(provider_admin, bnu_pe)
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(actor=provider_admin, session=s, present_user_ids=[tutor.pk])
    assert str(tutor.pk) in exc.value.message_dict["present"][0]
    assert not SessionAttendance.objects.exists()


def test_attendance_is_not_taken_before_the_session_starts(provider_admin, bnu_pe, trainers):
    s = create(provider_admin, bnu_pe)
    with pytest.raises(ValidationError):
        services.attendance_set(
            actor=provider_admin, session=s, present_user_ids=[], now=s.starts_at - dt.timedelta(minutes=1)
        )


# --- Status -------------------------------------------------------------------------------------------------


def _attend(ps, enrollments, *sessions):
    for s in sessions:
        for e in enrollments:
            SessionAttendance.objects.create(session=s, enrollment=e, present=True)


def test_a_trainer_with_27_concentrated_3_drill_and_a_rehearsal_is_complete(bnu_pe, trainers):
    gz, sz = trainers["gz"], trainers["sz"]
    concentrated = [session(bnu_pe, Kind.CONCENTRATED, day, hours=9) for day in (2, 3, 4)]
    drill = session(bnu_pe, Kind.DRILL, 5, hours=3)
    rehearsal = session(bnu_pe, Kind.REHEARSAL, 20, hours=2)
    _attend(bnu_pe, [gz, sz], *concentrated, drill)
    _attend(bnu_pe, [gz], rehearsal)
    SessionAttendance.objects.create(session=rehearsal, enrollment=sz, present=False)

    status = services.trainer_training_status(provider_subject=bnu_pe)

    rows = {r.enrollment.pk: r for r in status.trainers}
    assert (rows[gz.pk].training_hours, rows[gz.pk].drill_hours, rows[gz.pk].rehearsals) == (30, 3, 1)
    assert rows[gz.pk].complete and rows[gz.pk].reasons == []
    assert (rows[sz.pk].concentrated_ok, rows[sz.pk].drill_ok, rows[sz.pk].rehearsal_ok) == (
        True,
        True,
        False,
    )
    assert rows[sz.pk].reasons == ["未参加远程演练。"]
    bj = rows[trainers["bj"].pk]
    assert not bj.complete and len(bj.reasons) == 3
    summary = status.summary
    assert summary.sessions == {"concentrated": 3, "drill": 1, "rehearsal": 1}
    assert summary.hours["concentrated"] == 27 and summary.training_hours == 30
    assert summary.ok and (summary.trainers, summary.complete) == (3, 1)


def test_without_a_rehearsal_held_nobody_completes_and_the_reason_says_so(bnu_pe, trainers):
    gz = trainers["gz"]
    _attend(
        bnu_pe,
        [gz],
        session(bnu_pe, Kind.CONCENTRATED, 2, hours=30),
        session(bnu_pe, Kind.DRILL, 3, hours=2.5),
    )

    status = services.trainer_training_status(provider_subject=bnu_pe, trainers=[gz])

    [row] = status.trainers
    assert row.concentrated_ok and not row.drill_ok and not row.rehearsal_held
    assert row.reasons == ["网上操作演练出勤 2.5 学时，应不少于 3 学时。", "承担单位尚未组织远程演练。"]
    assert not status.summary.rehearsal_ok
    assert any("远程演练" in p for p in status.summary.problems)


def test_a_provincial_lead_sees_their_provinces_trainers_only(
    gd_province_lead, provider_admin, bnu_pe, trainers
):
    lead = services.trainer_list_visible(actor=gd_province_lead, provider_subject=bnu_pe)
    assert set(lead) == {trainers["gz"], trainers["sz"]}
    assert set(services.trainer_list_visible(actor=provider_admin, provider_subject=bnu_pe)) == set(
        trainers.values()
    )


def test_the_overview_lists_only_what_the_actor_may_see(
    project, gd_province_lead, provider_admin, bnu_pe, trainers
):
    swu_ps = assign(project, other_provider(project), "初中物理")
    swu_admin = other_provider_admin(project, swu_ps.provider)
    assert [
        s.provider_subject for s in services.trainer_training_overview(actor=swu_admin, project=project)
    ] == [swu_ps]
    lead_view = services.trainer_training_overview(actor=gd_province_lead, project=project)
    assert {s.provider_subject for s in lead_view} == {bnu_pe, swu_ps}
    assert next(s for s in lead_view if s.provider_subject == bnu_pe).summary.trainers == 2
