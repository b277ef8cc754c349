"""User adjustments (TRN-7): the city lead until the cut-off, the provincial lead after it with a reason."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.reporting.tests.xlsx_builders import trainee_row
from teachnet.training.models import Adjustment, ClassMembership, Enrollment, Phase
from teachnet.training.selectors_classes import learners_adjustable
from teachnet.training.services_classes import classes_build, learner_replace, learner_withdraw

from .factories import subjects_of
from .factories_classes import enroll

pytestmark = pytest.mark.django_db

CUTOFF = dt.date(2011, 3, 22)
BEFORE, AFTER = dt.date(2011, 3, 20), dt.date(2011, 3, 25)


@pytest.fixture
def math(project):
    Phase.objects.create(
        project=project, kind=Phase.Kind.ACCOUNTS, starts_on=dt.date(2011, 3, 10), ends_on=CUTOFF
    )
    return subjects_of(project)["初中数学"]


@pytest.fixture
def placed(project, math, regions, gd_province_lead):
    learners = enroll(project, math, "440100", 3)
    classes_build(actor=gd_province_lead, project=project, subject=math, province=regions["440000"])
    return learners[0]


def _person(seq=7):
    return {k: str(v) for k, v in trainee_row(seq).items()}


def test_a_city_lead_replaces_a_learner_before_the_cutoff(placed, gz_city_lead):
    klass = ClassMembership.objects.get(enrollment=placed).training_class

    result = learner_replace(actor=gz_city_lead, enrollment=placed, values=_person(), today=BEFORE)

    assert result.errors == [] and result.activation_code
    new = result.adjustment.new_enrollment
    assert (new.user.real_name, new.region_id, new.subject_id) == ("张三", "440100", placed.subject_id)
    assert ClassMembership.objects.get(enrollment=new).training_class == klass
    assert not ClassMembership.objects.filter(enrollment=placed).exists()
    placed.refresh_from_db()
    assert placed.withdrawn_at is not None
    adj = Adjustment.objects.get()
    assert (adj.kind, adj.actor, adj.late, adj.training_class) == ("replace", gz_city_lead, False, klass)


def test_the_replacement_is_checked_like_a_roster_row(placed, gz_city_lead):
    bad = {**_person(), "身份证号": "440106198503151234", "所在区县": "南山区"}

    result = learner_replace(actor=gz_city_lead, enrollment=placed, values=bad, today=BEFORE)

    assert result.adjustment is None
    assert {e.column for e in result.errors} == {"身份证号", "所在区县"}
    assert Enrollment.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_someone_already_in_the_project_cannot_replace(placed, gz_city_lead):
    learner_replace(actor=gz_city_lead, enrollment=placed, values=_person(), today=BEFORE)
    other = (
        Enrollment.objects.filter(withdrawn_at=None, role="learner").exclude(source__startswith="adj").first()
    )

    result = learner_replace(actor=gz_city_lead, enrollment=other, values=_person(), today=BEFORE)

    assert result.adjustment is None and result.errors


def test_another_city_lead_cannot_adjust(placed, sz_city_lead):
    with pytest.raises(PermissionDenied):
        learner_withdraw(actor=sz_city_lead, enrollment=placed, today=BEFORE)
    assert not learners_adjustable(
        actor=sz_city_lead, project=placed.project, subject=placed.subject
    ).exists()


def test_after_the_cutoff_only_the_provincial_lead_and_only_with_a_reason(
    placed, gz_city_lead, gd_province_lead
):
    with pytest.raises(PermissionDenied):
        learner_replace(actor=gz_city_lead, enrollment=placed, values=_person(), today=AFTER)
    with pytest.raises(PermissionDenied):
        learner_withdraw(actor=gz_city_lead, enrollment=placed, reason="病假", today=AFTER)
    with pytest.raises(ValidationError):
        learner_replace(actor=gd_province_lead, enrollment=placed, values=_person(), today=AFTER)

    result = learner_replace(
        actor=gd_province_lead, enrollment=placed, values=_person(), reason="原学员调离", today=AFTER
    )

    assert result.adjustment.late and result.adjustment.reason == "原学员调离"


def test_withdraw_frees_the_class_place(placed, gz_city_lead):
    adj = learner_withdraw(actor=gz_city_lead, enrollment=placed, reason="退出", today=BEFORE)

    assert adj.kind == "withdraw" and adj.new_enrollment is None and adj.training_class is not None
    assert not ClassMembership.objects.filter(enrollment=placed).exists()
    with pytest.raises(ValidationError):
        learner_withdraw(actor=gz_city_lead, enrollment=placed, today=BEFORE)
