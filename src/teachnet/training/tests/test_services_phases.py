"""TRN-1: phase dates, refused when they contradict each other, and their state on a given day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.core.models import AuditEvent
from teachnet.training.demo import gp_phase_dates
from teachnet.training.models import Phase
from teachnet.training.selectors import phase_rows
from teachnet.training.services import check_phases, phases_set

pytestmark = pytest.mark.django_db

K = Phase.Kind


def d(month, day):
    return dt.date(2011, month, day)


def test_the_plans_dates_agree():
    assert check_phases(dates=gp_phase_dates(2011)) == {}


def test_project_office_sets_the_plans_phases(project_office, project):
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    assert project.phases.count() == 6
    remote = project.phases.get(kind=K.REMOTE_TRAINING)
    assert (remote.starts_on, remote.ends_on) == (d(3, 26), d(4, 30))
    assert AuditEvent.objects.filter(verb="training.phases_set").count() == 1


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({K.REPORTING: (d(2, 27), d(2, 1))}, "reporting_ends_on"),
        (
            {K.RESOURCE_REVIEW: (d(2, 1), d(2, 20)), K.TRAINER_TRAINING: (d(2, 15), d(3, 10))},
            "trainer_training_starts_on",
        ),
        (
            {K.TRAINER_TRAINING: (d(3, 1), d(3, 15)), K.REMOTE_TRAINING: (d(3, 10), d(4, 30))},
            "remote_training_starts_on",
        ),
        ({K.REMOTE_TRAINING: (d(3, 26), d(4, 30)), K.SUMMARY: (d(4, 20), d(5, 15))}, "summary_starts_on"),
    ],
)
def test_contradictions_are_refused_on_the_field_they_concern(project_office, project, dates, field):
    with pytest.raises(ValidationError) as exc:
        phases_set(actor=project_office, project=project, dates=dates)
    assert list(exc.value.message_dict) == [field]
    assert not project.phases.exists()


def test_phases_kept_are_checked_with_the_new_ones(project_office, project):
    # Given the plan's dates, when only the summary is moved before the remote training ends, then refused.
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    with pytest.raises(ValidationError) as exc:
        phases_set(actor=project_office, project=project, dates={K.SUMMARY: (d(4, 1), d(4, 10))})
    assert "summary_starts_on" in exc.value.message_dict
    assert project.phases.get(kind=K.SUMMARY).starts_on == d(5, 2)


def test_a_phase_given_as_none_is_removed(project_office, project):
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    phases_set(actor=project_office, project=project, dates={K.SUMMARY: None})
    assert not project.phases.filter(kind=K.SUMMARY).exists()
    assert project.phases.count() == 5


def test_a_city_lead_may_not_set_phases(gz_city_lead, project):
    with pytest.raises(PermissionDenied):
        phases_set(actor=gz_city_lead, project=project, dates=gp_phase_dates(2011))


def test_the_database_refuses_a_phase_ending_before_it_starts(project):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Phase.objects.create(project=project, kind=K.REPORTING, starts_on=d(3, 1), ends_on=d(2, 1))


def test_state_follows_the_day(project_office, project):
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    states = {r.kind: r.state for r in phase_rows(project=project, today=d(4, 1))}
    assert states == {
        K.REPORTING: "done",
        K.RESOURCE_REVIEW: "done",
        K.ACCOUNTS: "done",
        K.TRAINER_TRAINING: "done",
        K.REMOTE_TRAINING: "current",
        K.SUMMARY: "upcoming",
    }
    # The first and last day of a phase belong to it.
    rows = {r.kind: r for r in phase_rows(project=project, today=d(3, 26))}
    assert rows[K.REMOTE_TRAINING].state == "current"
    assert rows[K.REMOTE_TRAINING].hours == 50
