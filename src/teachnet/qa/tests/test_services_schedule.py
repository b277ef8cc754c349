"""Scheduling sessions and their standing against GP 四.2(4) (at least 3 per subject, each at least 2 hours,
the chief expert taking part)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from teachnet.core import rules as core_rules
from teachnet.qa import rules, services
from teachnet.qa.models import QaEvent, QaSession

pytestmark = pytest.mark.django_db


def test_the_chief_expert_schedules_a_session_with_hosts_from_the_team(make_session, team):
    session = make_session()
    assert set(session.hosts.all()) == {team["chief"], team["expert"]}
    assert QaEvent.objects.filter(session=session, verb="scheduled").exists()


def test_hosts_must_come_from_the_subjects_team(ps, math_ps, team, chief_expert):
    from teachnet.training.models import ExpertTeamMember

    stranger = ExpertTeamMember.objects.create(provider_subject=math_ps, name="外学科专家", role="expert")
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.session_schedule(
            actor=chief_expert, provider_subject=ps, title="答疑", starts_at=start,
            ends_at=start + dt.timedelta(hours=2), host_ids=[team["chief"].pk, stranger.pk],
        )  # fmt: skip
    assert "hosts" in exc.value.message_dict


def test_bad_input_is_refused_naming_the_field(ps, team, chief_expert):
    start = timezone.now() + dt.timedelta(days=1)
    cases = [
        ({"title": "  "}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"ends_at": start - dt.timedelta(hours=1)}, "ends_at"),
        ({"ends_at": start + dt.timedelta(hours=13)}, "ends_at"),
        ({"host_ids": []}, "hosts"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"starts_at": timezone.now() - dt.timedelta(hours=2)}, "starts_at"),
    ]
    for change, field in cases:
        fields = {
            "title": "答疑", "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
            "host_ids": [team["chief"].pk], "video_url": "",
        }  # fmt: skip
        fields.update(change)
        if "starts_at" in change:
            fields["ends_at"] = change["starts_at"] + dt.timedelta(hours=2)
        with pytest.raises(ValidationError) as exc:
            services.session_schedule(actor=chief_expert, provider_subject=ps, **fields)
        assert field in exc.value.message_dict, (change, exc.value)
    assert not QaSession.objects.exists()


def test_a_learner_or_another_provider_cannot_schedule(ps, team, enrolled, swu_admin):
    start = timezone.now() + dt.timedelta(days=1)
    for actor in (enrolled["learner"], swu_admin):
        with pytest.raises(ValidationError):
            services.session_schedule(
                actor=actor, provider_subject=ps, title="答疑", starts_at=start,
                ends_at=start + dt.timedelta(hours=2), host_ids=[team["chief"].pk],
            )  # fmt: skip


def test_a_team_member_without_a_role_grant_schedules_through_the_team(ps, team, enrolled):
    """A member of the team with an account but only a learner's role elsewhere still holds their team."""
    from teachnet.accounts.tests.factories import UserFactory
    from teachnet.training.models import ExpertTeamMember

    frontline = UserFactory(username="frontline", real_name="陈佳")
    member = ExpertTeamMember.objects.create(
        provider_subject=ps, name="陈佳", role="frontline_teacher", user=frontline
    )
    start = timezone.now() + dt.timedelta(days=1)
    session = services.session_schedule(
        actor=frontline, provider_subject=ps, title="一线教师答疑", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), host_ids=[member.pk, team["chief"].pk],
    )  # fmt: skip
    assert session.pk


def test_an_edit_made_meanwhile_is_not_overwritten(make_session, team, chief_expert, expert2):
    session = make_session(start_in=dt.timedelta(days=2))
    read = session.updated_at
    fields = {
        "title": "改过的主题", "starts_at": session.starts_at, "ends_at": session.ends_at,
        "host_ids": [team["chief"].pk],
    }  # fmt: skip
    services.session_update(actor=chief_expert, session=session, version=read, **fields)
    with pytest.raises(ValidationError, match="刚被他人修改过"):
        services.session_update(
            actor=expert2, session=session, version=read, **{**fields, "title": "另一个主题"}
        )
    session.refresh_from_db()
    assert session.title == "改过的主题"


def _standing(project):
    return [s for s in core_rules.standings(project, keys=[rules.RULE.key]) if s.unit.startswith("初中体育")][
        0
    ]


def test_a_session_counts_when_held_two_hours_with_the_chief_expert(project, make_session, team):
    make_session(start_in=-dt.timedelta(hours=3))  # held, 2 h, chief hosting
    make_session(start_in=-dt.timedelta(days=1), hours=1.5)  # too short
    make_session(start_in=-dt.timedelta(days=2), hosts=[team["expert"]])  # no chief
    make_session(start_in=dt.timedelta(days=1))  # ahead
    standing = _standing(project)
    assert standing.count == 1 and not standing.met
    assert standing.note == "1 次不足 2 小时；1 次首席专家未参与；1 次待举行"


def test_a_session_ended_early_by_its_host_falls_short(project, live_session, chief_expert):
    services.session_end(actor=chief_expert, session=live_session)
    live_session.refresh_from_db()
    v = rules.verdict(live_session, host_roles=[h.role for h in live_session.hosts.all()])
    assert not v.counts and v.reasons == ["short"]
    assert v.text == "不计入：不足 2 小时"


def test_a_cancelled_session_is_neither_counted_nor_mentioned(project, make_session, chief_expert):
    session = make_session(start_in=dt.timedelta(days=1))
    services.session_cancel(actor=chief_expert, session=session, reason="专家出差")
    assert _standing(project).note == "" and _standing(project).count == 0
