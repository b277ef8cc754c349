"""Opening accounts for an approved table (REP-4) in batches: each batch commits with the table's checkpoint,
the progress bar moves per batch, a run that fails half-way is resumed by the next, and nothing is ever
created twice."""

import pytest

from teachnet.accounts import services as accounts
from teachnet.accounts.models import ActivationCode, RoleAssignment, User
from teachnet.core.identity import id_gender
from teachnet.orgs.models import Region
from teachnet.reporting import services
from teachnet.reporting.models import Submission, SubmissionEvent, SubmissionRow
from teachnet.reporting.tests.xlsx_builders import trainee_row, write_roster
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import Enrollment
from teachnet.training.services import subjects_ensure

pytestmark = pytest.mark.django_db


class Recorder:
    """A ProgressReporter stand-in that keeps what the page would have shown."""

    def __init__(self):
        self.total, self.done, self.finished = None, [], None

    def running(self, *, total, message=""):
        self.total = total

    def advance(self, *, done, message="", force=False):
        self.done.append(done)

    def finish(self, *, message="", **kwargs):
        self.finished = message


@pytest.fixture
def approved(gz_city_lead, gd_province_lead, project, tmp_path):
    """广州市's 初中数学 table of 8 people, approved."""
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    table = services.submission_open(
        actor=gz_city_lead,
        project=project,
        kind="trainee",
        region=Region.objects.get(code="440100"),
        subject=project.subjects.get(stage="初中", name="数学"),
    )
    path = write_roster(tmp_path / "roster.xlsx", [trainee_row(n) for n in range(1, 9)])
    assert services.roster_upload(actor=gz_city_lead, submission=table, path=path, source_name="r.xlsx").saved
    services.submission_submit(actor=gz_city_lead, submission=table)
    return services.submission_approve(actor=gd_province_lead, submission=table)


def reported_users(table):
    return User.objects.filter(
        id_card_hash__in=SubmissionRow.objects.filter(submission=table).values("id_card_hash")
    )


def test_each_batch_moves_the_progress_bar(approved):
    # When the 8 people go in batches of 3
    progress = Recorder()
    result = services.submission_enroll(submission=approved, reporter=progress, batch=3)

    # Then the page saw 3, 6, 8 of 8, and every person has an account, the learner role and an enrollment
    assert (progress.total, progress.done) == (8, [3, 6, 8])
    assert "8" in progress.finished
    assert (result.people, result.accounts_created, result.accounts_matched, result.enrolled) == (8, 8, 0, 8)
    users = reported_users(approved)
    assert users.count() == 8
    assert (
        RoleAssignment.objects.filter(user__in=users, role="learner", project=approved.project).count() == 8
    )
    assert Enrollment.objects.filter(user__in=users, subject=approved.subject).count() == 8
    approved.refresh_from_db()
    assert approved.enroll_checkpoint == {}  # done: a later run starts from the first row again


def test_a_run_that_fails_half_way_is_resumed_after_its_last_committed_batch(approved, monkeypatch):
    # Given a run whose second batch fails (the database went away, the worker was killed …)
    real_batch = services._enroll_batch
    calls = []

    def failing_once(**kwargs):
        calls.append([r[0] for r in kwargs["rows"]])
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return real_batch(**kwargs)

    monkeypatch.setattr(services, "_enroll_batch", failing_once)
    with pytest.raises(RuntimeError):
        services.submission_enroll(submission=approved, batch=3)

    # Then the first batch stays done and the table says how far it got
    assert reported_users(approved).count() == 3
    approved.refresh_from_db()
    checkpoint = approved.enroll_checkpoint
    assert checkpoint["done"] == [[2, 4]] and checkpoint["accounts_created"] == 3
    assert not SubmissionEvent.objects.filter(submission=approved, action="enroll").exists()

    # When it runs again, it starts after row 4, and the counts are those of the whole table
    progress = Recorder()
    result = services.submission_enroll(submission=approved, reporter=progress, batch=3)
    assert calls[2:] == [[5, 6, 7], [8, 9]]
    assert progress.done == [6, 8]
    assert (result.people, result.accounts_created, result.enrolled) == (8, 8, 8)
    users = reported_users(approved)
    assert users.count() == 8
    assert RoleAssignment.objects.filter(user__in=users, project=approved.project).count() == 8
    assert Enrollment.objects.filter(user__in=users).count() == 8
    event = SubmissionEvent.objects.get(submission=approved, action="enroll")
    assert event.data["accounts_created"] == 8


def test_running_again_creates_nothing_and_matches_everyone(approved):
    services.submission_enroll(submission=approved, batch=3)
    counts = (User.objects.count(), RoleAssignment.objects.count(), Enrollment.objects.count())

    again = services.submission_enroll(submission=approved, batch=5)

    assert (again.accounts_created, again.accounts_matched, again.enrolled) == (0, 8, 0)
    assert (User.objects.count(), RoleAssignment.objects.count(), Enrollment.objects.count()) == counts


def test_a_checkpoint_of_other_rows_is_not_resumed(approved):
    # Given a checkpoint left by a run on the rows of an earlier upload (another version)
    stale = {"version": approved.version - 1, "row_no": 99, "people": 50, "accounts_created": 50,
             "accounts_matched": 0, "phone_taken": 0, "enrolled": 50}  # fmt: skip
    Submission.objects.filter(pk=approved.pk).update(enroll_checkpoint=stale)

    result = services.submission_enroll(submission=approved, batch=3)

    assert (result.people, result.accounts_created) == (8, 8)


def test_people_with_accounts_are_matched_in_the_same_batch_as_new_ones(approved, learner):
    # Given one reported person who already has an account and this very learner role (广州市天河中学, this
    # project), but no enrollment yet
    row = SubmissionRow.objects.get(submission=approved, row_no=3)
    SubmissionRow.objects.filter(pk=row.pk).update(id_card_hash=learner.id_card_hash)
    held = set(
        RoleAssignment.objects.filter(user=learner).values_list("role", "organization_id", "project_id")
    )
    assert ("learner", learner.organization_id, approved.project_id) in held

    result = services.submission_enroll(submission=approved, batch=3)

    # Then the account is matched, keeps its one role, and is enrolled beside the seven new people
    assert (result.accounts_created, result.accounts_matched, result.enrolled) == (7, 1, 8)
    assert (
        set(RoleAssignment.objects.filter(user=learner).values_list("role", "organization_id", "project_id"))
        == held
    )
    assert Enrollment.objects.filter(user=learner, subject=approved.subject).count() == 1
    assert reported_users(approved).count() == 8


def test_codes_issued_to_the_new_accounts_open_them(approved):
    # Given the approved table's new accounts, each issued a code the way the export does
    services.submission_enroll(submission=approved, batch=3)
    users = list(reported_users(approved).order_by("id"))
    issued = accounts.activation_codes_issue(users=users, issued_by=None)

    # Then every code is different, 16 characters of the code alphabet, and only its digest is stored
    codes = [i.code for i in issued]
    assert len(set(codes)) == 8 and all(len(c) == 16 and set(c) <= set(accounts.CODE_ALPHABET) for c in codes)
    assert set(ActivationCode.objects.values_list("digest", flat=True)) == {
        accounts.code_digest(c) for c in codes
    }

    # And a code typed as people type it (lower case, dashes) starts the activation for its own phone
    person = issued[2].user
    typed = accounts.code_format(issued[2].code).lower()
    record = accounts.activation_start(code=typed, phone=person.phone)
    assert record.user == person and id_gender(person.id_card) in {"M", "F"}

    # And issuing again makes the first codes stop working
    accounts.activation_codes_issue(users=users, issued_by=None)
    assert ActivationCode.objects.filter(
        digest=accounts.code_digest(codes[0]), revoked_at__isnull=False
    ).exists()
