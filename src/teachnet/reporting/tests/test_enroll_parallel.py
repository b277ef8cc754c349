"""Approval on PostgreSQL runs its batches on several connections at once (decision 0006): every person is
enrolled once, the checkpoint holds each batch that committed, a failed batch leaves the others done for
the next run, and a second run on the same table waits for the first."""

import threading

import pytest
from django.db import connection

from teachnet.accounts.models import RoleAssignment, User
from teachnet.reporting import services
from teachnet.reporting.models import Submission, SubmissionEvent, SubmissionRow
from teachnet.training.models import Enrollment

from .test_services_enroll import Recorder, approved  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="parallel batches are PostgreSQL's"),
]


def reported(table):
    hashes = SubmissionRow.objects.filter(submission=table).values("id_card_hash")
    return User.objects.filter(id_card_hash__in=hashes)


def test_batches_on_two_connections_enroll_everyone_once(approved):  # noqa: F811
    progress = Recorder()
    result = services.submission_enroll(submission=approved, reporter=progress, batch=2, workers=2)

    assert (result.people, result.accounts_created, result.enrolled) == (8, 8, 8)
    assert progress.total == 8 and sorted(progress.done) == progress.done and progress.done[-1] == 8
    users = reported(approved)
    assert users.count() == 8
    assert RoleAssignment.objects.filter(user__in=users, project=approved.project).count() == 8
    assert Enrollment.objects.filter(user__in=users, subject=approved.subject).count() == 8
    approved.refresh_from_db()
    assert approved.enroll_checkpoint == {}
    assert SubmissionEvent.objects.get(submission=approved, action="enroll").data["accounts_created"] == 8


def test_a_failed_batch_leaves_the_others_done_and_the_next_run_does_only_it(approved, monkeypatch):  # noqa: F811
    real_batch = services._enroll_batch
    lock = threading.Lock()
    seen = []

    def failing_on_row_6(**kwargs):
        rows = [r[0] for r in kwargs["rows"]]
        with lock:
            seen.append(rows)
        if 6 in rows:
            raise RuntimeError("connection lost")
        return real_batch(**kwargs)

    monkeypatch.setattr(services, "_enroll_batch", failing_on_row_6)
    with pytest.raises(RuntimeError):
        services.submission_enroll(submission=approved, batch=2, workers=2)

    approved.refresh_from_db()
    done = sorted(map(tuple, approved.enroll_checkpoint["done"]))
    assert (6, 7) not in done and set(done) <= {(2, 3), (4, 5), (8, 9)}
    assert reported(approved).count() == 2 * len(done) == approved.enroll_checkpoint["accounts_created"]

    monkeypatch.setattr(services, "_enroll_batch", real_batch)
    result = services.submission_enroll(submission=approved, batch=2, workers=2)
    assert (result.people, result.accounts_created, result.enrolled) == (8, 8, 8)
    assert (
        reported(approved).count() == 8
        and Enrollment.objects.filter(user__in=reported(approved)).count() == 8
    )


def test_a_second_run_on_the_table_waits_for_the_first(approved):  # noqa: F811
    # Given the table's run lock held elsewhere (a first run)
    other = connection.copy()
    other.connect()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.ENROLL_LOCK, approved.pk])
    finished = threading.Event()

    def second_run():
        try:
            services.submission_enroll(submission=Submission.objects.get(pk=approved.pk), batch=4, workers=2)
        finally:
            finished.set()
            connection.close()

    thread = threading.Thread(target=second_run)
    thread.start()
    # Then it does nothing while the first holds the table, and its work once the first lets go
    assert not finished.wait(1.5)
    assert not reported(approved).exists()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [services.ENROLL_LOCK, approved.pk])
    other.close()
    assert finished.wait(30)
    thread.join()
    assert reported(approved).count() == 8
