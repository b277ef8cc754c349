"""Building classes and moving learners (TRN-6): who may, what comes out, what a second run changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from teachnet.accounts.models import RoleAssignment
from teachnet.accounts.roles import Role
from teachnet.core.models import AuditEvent
from teachnet.training.models import ClassMembership, ClassMove, TrainingClass
from teachnet.training.selectors_classes import class_access, class_list_visible, class_members_visible
from teachnet.training.services_classes import _groups, _split, class_move, classes_build

from .factories import subjects_of
from .factories_classes import enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def math(project):
    return subjects_of(project)["初中数学"]


@pytest.fixture
def built(project, math, regions, gd_province_lead):
    """Classes of 10: Guangzhou 25 (three classes), Shaoguan 3 (too few) joins Shenzhen 12; three trainers."""
    enroll(project, math, "440100", 25)
    enroll(project, math, "440200", 3)
    enroll(project, math, "440300", 12)
    trainers = enroll(project, math, "440100", 3, role="trainer")
    summary = classes_build(
        actor=gd_province_lead, project=project, subject=math, province=regions["440000"], size=10
    )
    return summary, trainers


def _classes(project):
    return {
        k.name: (sorted(c.code for c in k.cities.all()), k.memberships.count())
        for k in TrainingClass.objects.filter(project=project)
    }


def test_groups_merge_a_small_city_into_the_next_and_the_last_into_the_one_before():
    assert _groups([("440100", 25), ("440200", 3), ("440300", 12)], 10) == [
        ["440100"],
        ["440200", "440300"],
    ]
    assert _groups([("440100", 25), ("440300", 4)], 10) == [["440100", "440300"]]
    assert _groups([("440200", 3)], 10) == [["440200"]]
    assert [len(p) for p in _split(list(range(250)), 3)] == [84, 83, 83]


def test_build_keeps_cities_together_splits_big_ones_merges_small_ones(built, project):
    summary, _ = built

    assert _classes(project) == {
        "广州市初中数学1班": (["440100"], 9),
        "广州市初中数学2班": (["440100"], 8),
        "广州市初中数学3班": (["440100"], 8),
        "韶关市、深圳市初中数学1班": (["440200", "440300"], 8),
        "深圳市初中数学1班": (["440300"], 7),
    }
    assert (summary.learners, summary.placed, summary.classes_created) == (40, 40, 5)
    assert (summary.tutors_assigned, summary.classes_without_tutor) == (3, 2)
    assert AuditEvent.objects.filter(verb="training.classes_built").count() == 1


def test_each_tutor_once_and_given_the_tutor_role(built, project):
    _, trainers = built
    tutors = list(
        TrainingClass.objects.filter(project=project).exclude(tutor=None).values_list("tutor_id", flat=True)
    )

    assert sorted(tutors) == sorted(t.user_id for t in trainers)
    assert RoleAssignment.objects.filter(role=Role.TUTOR, project=project, user_id__in=tutors).count() == 3


def test_a_second_run_places_only_late_learners_and_moves_nobody(
    built, project, math, regions, gd_province_lead
):
    before = dict(ClassMembership.objects.values_list("enrollment_id", "training_class_id"))
    late_gz = enroll(project, math, "440100", 2)
    late_zh = enroll(project, math, "440400", 2)  # 珠海: no class yet, too few for one

    summary = classes_build(
        actor=gd_province_lead, project=project, subject=math, province=regions["440000"], size=10
    )

    after = dict(ClassMembership.objects.values_list("enrollment_id", "training_class_id"))
    assert {k: after[k] for k in before} == before
    assert (summary.placed, summary.placed_in_existing, summary.classes_created) == (4, 4, 0)
    gz_classes = set(TrainingClass.objects.filter(cities__code="440100").values_list("pk", flat=True))
    assert {after[e.pk] for e in late_gz} <= gz_classes
    assert TrainingClass.objects.filter(pk=after[late_zh[0].pk], cities__code="440400").exists()
    again = classes_build(
        actor=gd_province_lead, project=project, subject=math, province=regions["440000"], size=10
    )
    assert again.placed == 0 and again.classes_total == 5


def test_a_city_lead_cannot_build_classes(project, math, regions, gz_city_lead):
    enroll(project, math, "440100", 5)

    with pytest.raises(PermissionDenied):
        classes_build(actor=gz_city_lead, project=project, subject=math, province=regions["440000"])
    assert not TrainingClass.objects.exists()


def test_a_city_lead_sees_the_classes_and_members_of_their_city_only(
    built, project, sz_city_lead, gz_city_lead
):
    gz_class = TrainingClass.objects.get(name="广州市初中数学1班")
    mixed = TrainingClass.objects.get(name="韶关市、深圳市初中数学1班")

    assert set(class_list_visible(actor=sz_city_lead).values_list("name", flat=True)) == {
        "韶关市、深圳市初中数学1班",
        "深圳市初中数学1班",
    }
    with pytest.raises(Http404):
        class_access(actor=sz_city_lead, class_id=gz_class.pk)
    members = class_members_visible(actor=sz_city_lead, training_class=mixed)
    assert {m.enrollment.region_id for m in members} == {"440300"} and members.count() == 5
    assert class_list_visible(actor=gz_city_lead).count() == 3


def test_a_tutor_sees_only_their_class_and_all_its_members(built, project):
    _, trainers = built
    tutor = trainers[0].user
    mine = TrainingClass.objects.get(tutor=tutor)
    other = TrainingClass.objects.exclude(pk=mine.pk).first()

    assert list(class_list_visible(actor=tutor)) == [mine]
    assert class_members_visible(actor=tutor, training_class=mine).count() == mine.memberships.count()
    with pytest.raises(Http404):
        class_access(actor=tutor, class_id=other.pk)


def test_the_tutor_persona_of_a_provider_sees_no_class(built, tutor):
    assert not class_list_visible(actor=tutor).exists()


def test_the_provincial_lead_moves_a_learner_with_a_reason(
    built, gd_province_lead, gz_city_lead, sz_city_lead
):
    membership = TrainingClass.objects.get(name="广州市初中数学1班").memberships.first()
    to_class = TrainingClass.objects.get(name="深圳市初中数学1班")

    with pytest.raises(PermissionDenied):
        class_move(actor=gz_city_lead, membership=membership, to_class=to_class, reason="调动")
    with pytest.raises(ValidationError):
        class_move(actor=gd_province_lead, membership=membership, to_class=to_class, reason=" ")
    move = class_move(actor=gd_province_lead, membership=membership, to_class=to_class, reason="工作调动")

    membership.refresh_from_db()
    assert membership.training_class == to_class
    assert (move.actor, move.from_class.name, move.reason) == (
        gd_province_lead,
        "广州市初中数学1班",
        "工作调动",
    )
    assert ClassMove.objects.count() == 1
    # The Shenzhen class now holds a Guangzhou learner: the Guangzhou lead reaches it, and only that member.
    assert [m.pk for m in class_members_visible(actor=gz_city_lead, training_class=to_class)] == [
        membership.pk
    ]
    assert class_members_visible(actor=sz_city_lead, training_class=to_class).count() == 7


def test_a_full_class_takes_no_one(built, gd_province_lead):
    membership = TrainingClass.objects.get(name="广州市初中数学2班").memberships.first()
    to_class = TrainingClass.objects.get(name="广州市初中数学1班")
    to_class.capacity = 9
    to_class.save()

    with pytest.raises(ValidationError):
        class_move(actor=gd_province_lead, membership=membership, to_class=to_class, reason="调动")
