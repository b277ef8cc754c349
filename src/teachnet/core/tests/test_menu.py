"""The menu's entries (core.menu) are asked once per person and remembered until a role, an enrollment or a
class changes; the kept pages (core.pagecache) follow the same generation (core.freshness)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teachnet.accounts.models import RoleAssignment
from teachnet.core import freshness
from teachnet.training.models import Enrollment, Subject
from teachnet.training.models_classes import TrainingClass

pytestmark = pytest.mark.django_db


def _home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_menu_is_asked_once_and_follows_roles_enrollments_and_classes(client, tutor, project, regions):
    client.force_login(tutor)
    page, first = _home(client)
    assert 'data-testid="nav-my-classes"' not in page and 'data-testid="nav-learn"' not in page
    page, again = _home(client)
    assert again < first  # the entries' questions are not asked again

    # Made the tutor of a class: the entry is there on the next page.
    subject = Subject.objects.create(project=project, stage="初中", name="数学")
    TrainingClass.objects.create(
        project=project, subject=subject, province=regions["440000"], name="一班", capacity=100, tutor=tutor
    )
    assert 'data-testid="nav-my-classes"' in _home(client)[0]

    # Enrolled as a learner, then withdrawn.
    enrollment = Enrollment.objects.create(
        project=project, subject=subject, user=tutor, role=Enrollment.Role.LEARNER, region_id="440100"
    )
    assert 'data-testid="nav-learn"' in _home(client)[0]
    enrollment.delete()
    assert 'data-testid="nav-learn"' not in _home(client)[0]

    # A role granted and taken away.
    grant = RoleAssignment.objects.create(
        user=tutor, role="project_office", region=regions["000000"], project=project
    )
    assert 'data-testid="nav-training"' in _home(client)[0]
    grant.delete()
    assert 'data-testid="nav-training"' not in _home(client)[0]


def test_each_person_has_their_own_menu(client, tutor, learner, project_office):
    client.force_login(project_office)
    assert 'data-testid="nav-training"' in _home(client)[0]
    client.force_login(learner)
    assert 'data-testid="nav-training"' not in _home(client)[0]


def test_a_lost_generation_starts_again_from_the_clock(client, tutor):
    from django.core.cache import cache

    before = freshness.generation()
    cache.delete(freshness.KEY)
    assert freshness.generation() > before
    freshness.bump()
    cache.delete(freshness.KEY)
    freshness.bump()  # incr of a missing key: set again, not an error
    assert freshness.generation() > before


def test_each_entry_appears_once_and_the_links_follow_the_language(client, project_office, learner, project):
    """The links are rendered once per combination of entries and language (teachnet_nav): a learner's and an
    office's menus differ, each entry is there once, and English pages get English links."""
    import re

    client.force_login(project_office)
    page = _home(client)[0]
    testids = re.findall(r'data-testid="(nav-[a-z-]+)"', page)
    assert "nav-training" in testids and len(testids) == len(set(testids))
    assert "nav-learn" not in testids
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _home(client)[0]
    nav = english.split('class="mainnav">')[1].split("</nav>")[0]
    assert ">Training project<" in nav and "培训项目" not in nav
    client.force_login(learner)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    mine = re.findall(r'data-testid="(nav-[a-z-]+)"', _home(client)[0])
    assert "nav-training" not in mine and len(mine) == len(set(mine))
