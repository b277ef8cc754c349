"""The briefings world: 北京师范大学's 初中体育 with the chief expert on its team, two classes of Guangdong
(广州一班 with `tutor` and `learner`; 深圳一班 with another tutor and `sz_learner`), the remote training on.

Alice/Bob/Charlie as the personas: the chief expert writes the subject's briefings, `tutor` the Guangzhou
class's, `gd_province_lead` Guangdong's; `other_tutor` and `sz_learner` must see nothing of Guangzhou's class.
"""

import datetime as dt

import pytest

from teachnet.accounts.tests.factories import persona
from teachnet.orgs.models import Region
from teachnet.training.models import (
    ClassMembership,
    Enrollment,
    ExpertTeamMember,
    Phase,
    ProviderSubject,
    TrainingClass,
)
from teachnet.training.tests.factories import subjects_of


@pytest.fixture(autouse=True)
def _shipped_templates(db):
    """The templates the data migration writes (a browser test's flush empties every table)."""
    from teachnet.briefings.services import default_template

    for kind in ("expert", "class", "provincial"):
        default_template(kind)


@pytest.fixture
def remote_phase(project):
    today = dt.date.today()
    phase, _ = Phase.objects.update_or_create(
        project=project,
        kind=Phase.Kind.REMOTE_TRAINING,
        defaults={"starts_on": today - dt.timedelta(days=10), "ends_on": today + dt.timedelta(days=30)},
    )
    return phase


@pytest.fixture
def pe(project, orgs, chief_expert):
    """初中体育 of 北京师范大学, the chief expert on its team."""
    subject = subjects_of(project)["初中体育"]
    ps = ProviderSubject.objects.create(project=project, provider=orgs["bnu"], subject=subject)
    ExpertTeamMember.objects.create(
        provider_subject=ps, user=chief_expert, name="孙明远", role=ExpertTeamMember.Role.CHIEF_EXPERT
    )
    ExpertTeamMember.objects.create(provider_subject=ps, name="毛振明", role=ExpertTeamMember.Role.EXPERT)
    return ps


@pytest.fixture
def other_tutor(orgs, project):
    return persona("other_tutor", "tutor", organization=orgs["bnu"], project=project, home_org=orgs["bnu"])


def _class(project, subject, name, city, tutor, learners):
    k = TrainingClass.objects.create(
        project=project, subject=subject, province=Region.objects.get(code="440000"), name=name, tutor=tutor
    )
    k.cities.add(Region.objects.get(code=city))
    for user in learners:
        e = Enrollment.objects.create(
            project=project, subject=subject, user=user, role=Enrollment.Role.LEARNER, region_id=city
        )
        ClassMembership.objects.create(training_class=k, enrollment=e)
    return k


@pytest.fixture
def gz_class(project, pe, tutor, learner, remote_phase):
    return _class(project, pe.subject, "广州一班", "440100", tutor, [learner])


@pytest.fixture
def sz_class(project, pe, other_tutor, sz_learner, remote_phase):
    return _class(project, pe.subject, "深圳一班", "440300", other_tutor, [sz_learner])


@pytest.fixture
def world(pe, gz_class, sz_class, remote_phase):
    return {"pe": pe, "gz": gz_class, "sz": sz_class, "phase": remote_phase}


# Transactional tests (test_races.py) end with a flush that empties every table, the division codes the
# session loaded once included: they are loaded again before such a test and after its flush, as the browser
# tests do (tests/browser/conftest.py), and the id sequences start again, for the tests that follow.
_blocker_key = pytest.StashKey()


def _regions_load() -> None:
    from teachnet.orgs.models import Region
    from teachnet.orgs.services import regions_load

    if not Region.objects.exists():
        regions_load()


@pytest.fixture(autouse=True)
def _regions_after_flush(request, django_db_blocker):
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker(
        "django_db"
    ).kwargs.get("transaction"):
        request.node.stash[_blocker_key] = django_db_blocker
        with django_db_blocker.unblock():
            _regions_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        blocker = item.stash.get(_blocker_key, None)
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                _sequences_reset()
                _regions_load()


def _sequences_reset() -> None:
    """Ids start again from 1, as they would have without the rows this test committed: other apps' tests
    assume their personas' ids stay small (reporting's phone numbers 139000000nn)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_by_name_sql(
        no_style(), connection.introspection.sequence_list()
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
