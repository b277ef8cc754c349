"""The Q&A world of the tests: 北京师范大学 takes 初中体育 in 国培计划(2011); its team has the chief expert
(persona chief_expert, with an account), an expert with an account (expert2) and one without. The learner is
enrolled in 初中体育, the tutor tutors its Guangzhou class; sz_learner studies 初中数学 and must see
nothing of 初中体育's sessions; provider B (西南大学) must see nothing either."""

import datetime as dt

import pytest
from django.utils import timezone

from teachnet.accounts.tests.factories import persona
from teachnet.qa import board, live
from teachnet.training.models import ClassMembership, Enrollment, ExpertTeamMember, TrainingClass
from teachnet.training.tests.factories import assign, other_provider, other_provider_admin

Role = ExpertTeamMember.Role


@pytest.fixture(autouse=True)
def _fresh_feeds():
    live.forget_all()
    yield
    live.forget_all()


@pytest.fixture(autouse=True)
def _mover_restored():
    """discussions connects its board as the mover; a test that swaps or removes it gets it back after."""
    kept = board.mover()
    yield
    if kept is None:
        board.unregister_mover()
    else:
        board.register_mover(kept)


@pytest.fixture
def ps(project, orgs):
    return assign(project, orgs["bnu"], "初中体育")


@pytest.fixture
def math_ps(project, orgs, ps):
    return assign(project, orgs["bnu"], "初中数学")


@pytest.fixture
def expert2(orgs, project):
    return persona(
        "expert2", "subject_expert", organization=orgs["bnu"], project=project, home_org=orgs["bnu"]
    )


@pytest.fixture
def team(ps, chief_expert, expert2):
    chief = ExpertTeamMember.objects.create(
        provider_subject=ps, name="孙明远", role=Role.CHIEF_EXPERT, user=chief_expert
    )
    second = ExpertTeamMember.objects.create(
        provider_subject=ps, name="毛振明", role=Role.EXPERT, user=expert2
    )
    offline = ExpertTeamMember.objects.create(provider_subject=ps, name="季浏", role=Role.EXPERT)
    return {"chief": chief, "expert": second, "offline": offline}


@pytest.fixture
def enrolled(project, ps, math_ps, learner, sz_learner, tutor, regions):
    enrollment = Enrollment.objects.create(
        project=project, subject=ps.subject, user=learner, role="learner", region=regions["440100"]
    )
    Enrollment.objects.create(
        project=project, subject=math_ps.subject, user=sz_learner, role="learner", region=regions["440300"]
    )
    klass = TrainingClass.objects.create(
        project=project, subject=ps.subject, province=regions["440000"], name="广州一班", tutor=tutor
    )
    ClassMembership.objects.create(training_class=klass, enrollment=enrollment)
    return {"learner": learner, "sz_learner": sz_learner, "tutor": tutor}


@pytest.fixture
def swu_admin(project):
    return other_provider_admin(project, other_provider(project))


@pytest.fixture
def make_session(ps, team, chief_expert):
    from teachnet.qa.services import session_schedule

    def make(
        *, start_in=dt.timedelta(hours=1), hours=2.0, hosts=None, title="第一次专家答疑：体育课堂教学设计"
    ):
        now = timezone.now()
        starts = now + start_in
        return session_schedule(
            actor=chief_expert,
            provider_subject=ps,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            host_ids=[m.pk for m in (hosts or [team["chief"], team["expert"]])],
            now=starts - dt.timedelta(hours=1),  # scheduled an hour before it starts
        )

    return make


@pytest.fixture
def live_session(make_session, enrolled):
    """Started 10 minutes ago, 2 hours long."""
    return make_session(start_in=-dt.timedelta(minutes=10))
