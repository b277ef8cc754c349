"""Writes of the reporting workflow (REP-2 … REP-6): upload → check → submit → approve | reject, reopen.

Every transition is a SubmissionEvent. An upload writes nothing unless the whole file passes the check, and
replaces the table's rows in one transaction guarded by the submission's version: of two uploads racing for
the same table one wins and the other is told, and nothing is ever half-saved.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm
from teachnet.core import protect
from teachnet.core.bulk import bulk_insert, commit_unflushed
from teachnet.orgs.models import Region
from teachnet.training.models import Project, Subject

from .models import Kind, Submission, SubmissionEvent, SubmissionRow, UploadAttempt
from .roster_check import RosterCheck, RosterUnusable, roster_check
from .selectors import quota_for, taken_elsewhere_fn, window_for

SUBMIT_PERM = {Kind.TRAINEE: Perm.REPORT_SUBMIT_TRAINEE, Kind.TRAINER: Perm.REPORT_SUBMIT_TRAINER}
REVIEW_PERM = {Kind.TRAINEE: Perm.REPORT_REVIEW_TRAINEE, Kind.TRAINER: Perm.REPORT_REVIEW_TRAINER}
REOPEN_DAYS = 7


class ConcurrentUpload(ValidationError):
    """Another upload for the same table finished first."""


@dataclass(frozen=True)
class UploadResult:
    check: RosterCheck
    saved: bool


def _event(*, submission: Submission, actor, action: str, from_state: str, reason: str = "", **data) -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=submission.state,
        reason=reason,
        data=data,
    )


def _fresh(submission: Submission) -> Submission:
    """The submission as the database has it now: a page's copy may be minutes old."""
    return Submission.objects.select_related("project", "region", "subject").get(pk=submission.pk)


def _require(*, actor, perm: Perm, submission: Submission) -> None:
    if not can(actor=actor, perm=perm, obj=submission):
        raise PermissionDenied(_("您无权对该上报表执行此操作。"))


def _scope_kind_ok(kind: str, region: Region) -> bool:
    return (kind == Kind.TRAINEE and region.level == Region.Level.CITY) or (
        kind == Kind.TRAINER and region.level == Region.Level.PROVINCE
    )


@transaction.atomic
def submission_open(
    *, actor, project: Project, kind: str, region: Region, subject: Subject | None
) -> Submission:
    """The table a city (per subject) or a province reports: created on first use, then always the same.

    Atomic: a refused open leaves no empty table behind in someone else's region.
    """
    if not _scope_kind_ok(kind, region) or (kind == Kind.TRAINEE) != (subject is not None):
        raise ValidationError(_("学员信息表按地市和学科上报，培训者信息表按省上报。"))
    submission, _created = Submission.objects.get_or_create(
        project=project, kind=kind, region=region, subject=subject
    )
    _require(actor=actor, perm=SUBMIT_PERM[kind], submission=submission)
    return submission


def uploads_open(submission: Submission, at: dt.datetime | None = None) -> bool:
    """Uploads and submitting are open inside the reporting window, or while a reviewer's reopening lasts."""
    at = at or timezone.now()
    if submission.reopened_until and at < submission.reopened_until:
        return True
    window = window_for(project=submission.project, kind=submission.kind)
    return window is None or window.is_open(at)


def _check_writable(*, actor, submission: Submission) -> None:
    _require(actor=actor, perm=SUBMIT_PERM[submission.kind], submission=submission)
    if not submission.editable:
        raise ValidationError(_("该表已提交或已审核通过，不能再修改。"), code="not_editable")
    if not uploads_open(submission):
        raise ValidationError(
            _("上报已截止，不能再上传或提交。如需修改请联系审核人重新开放。"), code="closed"
        )


def roster_upload(*, actor, submission: Submission, path: Path, source_name: str) -> UploadResult:
    """Check the file; only if it has no error, replace the table's rows with it."""
    submission = _fresh(submission)
    _check_writable(actor=actor, submission=submission)
    version = submission.version
    subject = submission.subject
    spec = subject.spec if subject is not None else None
    check = roster_check(
        path=path,
        kind=submission.kind,
        scope=submission.region,
        subject=spec,
        quota=quota_for(project=submission.project, region=submission.region, subject=subject),
        taken_elsewhere=taken_elsewhere_fn(
            project=submission.project, kind=submission.kind, exclude=submission
        ),
    )
    if check.errors:
        return UploadResult(check=check, saved=False)
    rows = [_row(submission, r) for r in check.valid_rows]
    try:
        with transaction.atomic():
            # The version guard: this upload read `version` before its (long) check; if another upload
            # committed since, the update finds nothing and this one gives way.
            moved = Submission.objects.filter(
                pk=submission.pk, version=version, state__in=["draft", "rejected"]
            )
            if not moved.update(version=F("version") + 1):
                raise ConcurrentUpload(
                    _(
                        "同一张表刚刚有另一份文件上传成功，本次上传未保存。请刷新页面查看后再决定是否重新上传。"
                    ),
                    code="concurrent_upload",
                )
            SubmissionRow.objects.filter(submission=submission).delete()
            bulk_insert(SubmissionRow, rows)
            submission.refresh_from_db()
            from_state = submission.state
            submission.state = Submission.State.DRAFT
            submission.row_count = len(rows)
            submission.source_name = source_name[:200]
            submission.uploaded_by = actor
            submission.uploaded_at = timezone.now()
            submission.save()
            _event(
                submission=submission,
                actor=actor,
                action="upload",
                from_state=from_state,
                rows=len(rows),
                file=source_name[:200],
            )
    except IntegrityError as exc:
        # Another city's table took one of these people between the check and the write.
        raise ValidationError(
            _("文件中有人员刚被其他上报表报送，本次上传未保存。请重新上传以查看具体行。"),
            code="taken_meanwhile",
        ) from exc
    return UploadResult(check=check, saved=True)


def _row(submission: Submission, r) -> dict:
    """A checked row as SubmissionRow columns; numbers protected, reusing the check's keyed hash."""
    v = r.values
    id_card, phone = v["身份证号"], v["手机号码"]
    return {
        "submission_id": submission.pk, "project_id": submission.project_id, "kind": submission.kind,
        "row_no": r.row, "real_name": v.get("姓名", ""), "gender": v.get("性别", ""),
        "ethnicity": v.get("民族", ""), "email": v.get("电子邮箱", ""), "region_id": v["region_code"],
        "organization_name": v.get("工作单位", ""),
        "stage": v.get("学段", ""), "subject_name": v.get("学科", ""), "title": v.get("职称", ""),
        "position": v.get("职务", ""), "teacher_type": v.get("教师类型", ""), "note": v.get("备注", ""),
        "id_card_encrypted": protect.encrypt(id_card),
        "id_card_hash": v.get("id_card_index") or protect.blind_index("id_card", id_card),
        "id_card_masked": protect.mask_id_card(id_card), "phone_encrypted": protect.encrypt(phone),
        "phone_hash": protect.blind_index("phone", phone), "phone_masked": protect.mask_phone(phone),
    }  # fmt: skip


@transaction.atomic
def submission_submit(*, actor, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _check_writable(actor=actor, submission=submission)
    if submission.row_count == 0:
        raise ValidationError(_("表中还没有人员，请先上传文件。"), code="empty")
    from_state = submission.state
    submission.state = Submission.State.SUBMITTED
    submission.save(update_fields=["state", "updated_at"])
    _event(submission=submission, actor=actor, action="submit", from_state=from_state)
    return submission


def _review(*, actor, submission: Submission, to_state: str, action: str, reason: str = "") -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require(actor=actor, perm=REVIEW_PERM[submission.kind], submission=submission)
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError(_("只有已提交的表才能审核。"), code="not_submitted")
    from_state = submission.state
    submission.state = to_state
    submission.reason = reason
    submission.save(update_fields=["state", "reason", "updated_at"])
    _event(submission=submission, actor=actor, action=action, from_state=from_state, reason=reason)
    return submission


@transaction.atomic
def submission_approve(*, actor, submission: Submission) -> Submission:
    return _review(actor=actor, submission=submission, to_state=Submission.State.APPROVED, action="approve")


@transaction.atomic
def submission_reject(*, actor, submission: Submission, reason: str) -> Submission:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回时请写明原因，以便上报人修改。")})
    return _review(
        actor=actor,
        submission=submission,
        to_state=Submission.State.REJECTED,
        action="reject",
        reason=reason.strip(),
    )


@transaction.atomic
def submission_reopen(*, actor, submission: Submission, reason: str, days: int = REOPEN_DAYS) -> Submission:
    """A reviewer gives one table back to its submitter, past the deadline too, for a few days."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require(actor=actor, perm=REVIEW_PERM[submission.kind], submission=submission)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("重新开放时请写明原因。")})
    from_state = submission.state
    submission.state = Submission.State.REJECTED
    submission.reason = reason.strip()
    submission.reopened_until = timezone.now() + dt.timedelta(days=days)
    submission.save(update_fields=["state", "reason", "reopened_until", "updated_at"])
    _event(
        submission=submission,
        actor=actor,
        action="reopen",
        from_state=from_state,
        reason=submission.reason,
        until=submission.reopened_until.isoformat(),
    )
    return submission


@transaction.atomic
def row_delete(*, actor, row: SubmissionRow) -> None:
    submission = Submission.objects.select_for_update().get(pk=row.submission_id)
    _check_writable(actor=actor, submission=submission)
    row.delete()
    submission.row_count = F("row_count") - 1
    submission.version = F("version") + 1
    submission.save(update_fields=["row_count", "version", "updated_at"])
    submission.refresh_from_db()
    _event(
        submission=submission,
        actor=actor,
        action="row_delete",
        from_state=submission.state,
        row=row.row_no,
        name=row.real_name,
    )


def row_numbers(row: SubmissionRow) -> dict[str, str]:
    return {"id_card": protect.decrypt(row.id_card_encrypted), "phone": protect.decrypt(row.phone_encrypted)}


# --- On approval: the reported people become learners / trainers-to-be (REP-4, TRN-6) ----------------------


@dataclass(frozen=True)
class EnrollResult:
    people: int
    accounts_created: int
    accounts_matched: int
    phone_taken: int
    enrolled: int


ENROLL_BATCH = 5000
ENROLL_LOCK = 0x7E4E  # the advisory-lock class of "one enroll run per table"
_ROW_FIELDS = (
    "row_no", "real_name", "gender", "id_card_encrypted", "id_card_hash", "id_card_masked", "phone_encrypted",
    "phone_hash", "phone_masked", "email", "organization_name", "region_id", "stage", "subject_name",
)  # fmt: skip
_COUNTS = ("people", "accounts_created", "accounts_matched", "phone_taken", "enrolled")


def submission_enroll(
    *, submission: Submission, reporter=None, batch: int = ENROLL_BATCH, workers: int | None = None
) -> EnrollResult:
    """Match each approved row to an account by ID number or open one, enroll it in the project subject and
    give it its role. Safe to run again: nothing is created twice.

    The rows go in batches of `batch`, each in its own transaction together with the table's checkpoint
    (the batches done and the counts so far), so 100,000 people never hold one transaction for half a
    minute, the progress bar moves with each batch, and a run that fails half-way is resumed by the next run,
    which skips the batches that committed. The checkpoint belongs to the rows' version: rows uploaded anew
    start from the first row again. On PostgreSQL `workers` batches (settings.ENROLL_WORKERS) run at once,
    each on its own connection: the database's share of the work (indexes, foreign-key checks) spreads over
    its cores. One run per table at a time: a second run waits for the first (decision 0006).
    """
    from django.conf import settings

    from teachnet.orgs.models import Organization
    from teachnet.orgs.services import organizations_ensure

    submission = _fresh(submission)
    if submission.state != Submission.State.APPROVED:
        raise ValidationError(_("只有审核通过的表才能生成账号。"), code="not_approved")
    rows = SubmissionRow.objects.filter(submission=submission)
    own_transactions = not connection.in_atomic_block  # inside a caller's transaction, batches are savepoints
    if workers is None:
        workers = settings.ENROLL_WORKERS
    if connection.vendor != "postgresql" or not own_transactions:
        workers = 1  # SQLite has one writer; other connections cannot see a caller's open transaction
    with _one_run_per_table(submission):
        checkpoint = _checkpoint(submission)
        done = [tuple(r) for r in checkpoint["done"]]
        row_nos = list(rows.order_by("row_no").values_list("row_no", flat=True))
        if done:
            row_nos = [n for n in row_nos if not _in(n, done)]
        counts = {k: checkpoint[k] for k in _COUNTS}
        if reporter:
            reporter.running(total=counts["people"] + len(row_nos), message=_("正在匹配工作单位"))
        # A work unit named in a table and not yet registered is taken to be a school of that county; admins
        # can correct its type later. Once for the whole table: a few hundred schools, not one per batch.
        orgs = organizations_ensure(
            keys=set(rows.values_list("region_id", "organization_name").distinct()),
            type=Organization.Type.SCHOOL,
        )
        parts = [
            (row_nos[i], row_nos[min(i + batch, len(row_nos)) - 1]) for i in range(0, len(row_nos), batch)
        ]

        def advance(added):
            for key, value in added.items():
                counts[key] += value
            if reporter:
                reporter.advance(
                    done=counts["people"], message=_("正在开设账号、授予角色、登记参训"), force=True
                )

        run = partial(_enroll_part, submission=submission, orgs=orgs, own_transactions=own_transactions)
        if workers == 1:
            for part in parts:
                advance(run(part))
        else:
            _run_parallel(run, parts, workers=workers, on_done=advance)
        result = EnrollResult(**counts)
        with transaction.atomic():
            # Done: the next run (a re-approval, a retry) goes over every row again and creates nothing.
            Submission.objects.filter(pk=submission.pk).update(enroll_checkpoint={})
            _event(submission=submission, actor=None, action="enroll", from_state=submission.state, **counts)
    if reporter:
        reporter.finish(
            message=_("已处理 %(n)d 人：新开账号 %(c)d 个，匹配已有账号 %(m)d 个。")
            % {"n": result.people, "c": result.accounts_created, "m": result.accounts_matched}
        )
    return result


def _in(row_no: int, done: list[tuple[int, int]]) -> bool:
    return any(lo <= row_no <= hi for lo, hi in done)


def _checkpoint(submission: Submission, raw: dict | None = None) -> dict:
    """The table's checkpoint for its rows' version: {"version", "done": [[first row, last row], …], counts};
    empty counts and nothing done when it was left by other rows (or by no run)."""
    if raw is None:
        raw = Submission.objects.filter(pk=submission.pk).values_list("enroll_checkpoint", flat=True).get()
    if raw.get("version") != submission.version:
        return {"version": submission.version, "done": [], **dict.fromkeys(_COUNTS, 0)}
    done = raw.get("done")
    if done is None:  # left by a run before parallel batches: every row up to row_no
        done = [[0, raw["row_no"]]]
    return {"version": submission.version, "done": done, **{k: raw[k] for k in _COUNTS}}


@contextmanager
def _one_run_per_table(submission: Submission):
    """Two runs on one table would open the same accounts: the second waits until the first is done (a
    PostgreSQL advisory lock on the table's id; SQLite has one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ENROLL_LOCK, submission.pk])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ENROLL_LOCK, submission.pk])


def _enroll_part(
    part: tuple[int, int], *, submission: Submission, orgs: dict, own_transactions: bool
) -> dict:
    """One batch (rows first … last) and its mark in the checkpoint, in one transaction."""
    first, last = part
    with transaction.atomic():
        if own_transactions:
            commit_unflushed()  # lost in a crash with its checkpoint mark, so the next run redoes it
        rows = SubmissionRow.objects.filter(submission=submission, row_no__gte=first, row_no__lte=last)
        added = _enroll_batch(
            submission=submission, rows=list(rows.order_by("row_no").values_list(*_ROW_FIELDS)), orgs=orgs
        )
        # Locked at the end only, for the moment of the merge: batches running at once take turns here.
        raw = (
            Submission.objects.select_for_update()
            .filter(pk=submission.pk)
            .values_list("enroll_checkpoint", flat=True)
            .get()
        )
        checkpoint = _checkpoint(submission, raw)
        checkpoint["done"].append([first, last])
        for key, value in added.items():
            checkpoint[key] += value
        Submission.objects.filter(pk=submission.pk).update(enroll_checkpoint=checkpoint)
    return added


def _run_parallel(run, parts: list, *, workers: int, on_done) -> None:
    """`run(part)` for each part on `workers` threads, each with its own database connection; `on_done` with
    each result as it comes, in this thread. The first failure stops what has not started and is raised."""
    from django.db import connections

    def task(part):
        try:
            return run(part)
        finally:
            connections.close_all()  # this thread's connection, not the caller's

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="enroll") as pool:
        futures = [pool.submit(task, part) for part in parts]
        try:
            for future in as_completed(futures):
                on_done(future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _enroll_batch(*, submission: Submission, rows: list[tuple], orgs: dict) -> dict[str, int]:
    """Accounts, roles and enrollments for one batch of rows (tuples of _ROW_FIELDS), in the caller's
    transaction; returns what it added to the counts."""
    from teachnet.accounts.roles import Role
    from teachnet.accounts.services import ReportedPerson, accounts_match_or_create, roles_grant_bulk
    from teachnet.training.models import Enrollment
    from teachnet.training.services import enrollments_add

    gender = {"男": "M", "女": "F"}
    people = [
        ReportedPerson(
            real_name=name, gender=gender.get(sex, ""), id_card_encrypted=id_enc, id_card_hash=id_hash,
            id_card_masked=id_masked, phone_encrypted=phone_enc, phone_hash=phone_hash,
            phone_masked=phone_masked, email=email,
            organization_id=orgs.get((region, org_name.strip()[:120])), region_id=region,
        )
        for (_no, name, sex, id_enc, id_hash, id_masked, phone_enc, phone_hash, phone_masked, email, org_name,
             region, _stage, _subject) in rows
    ]  # fmt: skip
    match = accounts_match_or_create(people=people)
    role = Role.LEARNER if submission.kind == Kind.TRAINEE else Role.BACKBONE_TRAINER
    grants = [(match.user_ids[p.id_card_hash], role, p.organization_id, p.region_id) for p in people]
    if submission.kind == Kind.TRAINEE:
        entries = [(match.user_ids[p.id_card_hash], submission.subject_id, Enrollment.Role.LEARNER,
                    submission.region_id) for p in people]  # fmt: skip
    else:
        subjects = {(s.stage, s.name): s.pk for s in submission.project.subjects.all()}
        entries = [
            (match.user_ids[p.id_card_hash], subjects[(r[12], r[13])], Enrollment.Role.TRAINER,
             p.region_id[:4] + "00")
            for p, r in zip(people, rows, strict=True) if (r[12], r[13]) in subjects
        ]  # fmt: skip
    enrolled = 0
    # Accounts opened in this batch hold no role and no enrollment yet: theirs go in without a conflict check.
    for new in (True, False):
        mine = [g for g in grants if (g[0] in match.new_ids) == new]
        roles_grant_bulk(grants=mine, project=submission.project, granted_by=None, users_are_new=new)
        enrolled += enrollments_add(
            project=submission.project,
            entries=[e for e in entries if (e[0] in match.new_ids) == new],
            source=f"submission:{submission.pk}",
            users_are_new=new,
        )
    return {
        "people": len(rows),
        "accounts_created": match.created,
        "accounts_matched": match.matched,
        "phone_taken": match.phone_taken,
        "enrolled": enrolled,
    }


# --- Upload attempts: the file is kept, checked in the background, and the outcome recorded ----------------

PAGE_ERRORS = 2000


def upload_attempt_create(*, actor, submission: Submission, uploaded_file) -> UploadAttempt:
    """Store an uploaded file (size-checked before anything parses it) as an attempt on the table."""
    from django.conf import settings

    from teachnet.core.services import private_path

    submission = _fresh(submission)
    _check_writable(actor=actor, submission=submission)
    limit = settings.ROSTER_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            _("文件过大（%(size)d MB），上限为 %(limit)d MB。")
            % {"size": uploaded_file.size // 2**20, "limit": limit // 2**20},
            code="too_large",
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    path = private_path("uploads", f"submission-{submission.pk}", f"{stamp}.xlsx")
    with open(path, "wb") as fh:
        for chunk in uploaded_file.chunks():
            fh.write(chunk)
    return UploadAttempt.objects.create(
        submission=submission,
        uploaded_by=actor,
        source_name=(uploaded_file.name or "")[:200],
        stored_path=str(path.relative_to(settings.PRIVATE_ROOT)),
        size=uploaded_file.size,
    )


def upload_attempt_run(*, attempt: UploadAttempt, reporter=None) -> UploadAttempt:
    """Check the attempt's file and, if it passes, save it as the table's rows; record what happened."""
    from django.conf import settings

    from .roster_marked import write_marked_copy

    path = Path(settings.PRIVATE_ROOT) / attempt.stored_path
    if reporter:
        reporter.running(total=2, message=_("正在检查文件"))
    try:
        result = roster_upload(
            actor=attempt.uploaded_by,
            submission=attempt.submission,
            path=path,
            source_name=attempt.source_name,
        )
    except RosterUnusable as exc:
        attempt.status = UploadAttempt.Status.UNUSABLE
        # Each header problem on its own line, unless the message already lists them.
        attempt.message = "\n".join([exc.message, *(d for d in exc.details if d not in exc.message)])
    except (ValidationError, PermissionDenied) as exc:
        attempt.status = UploadAttempt.Status.FAILED
        attempt.message = " ".join(getattr(exc, "messages", [str(exc)]))
    else:
        check = result.check
        attempt.rows, attempt.error_count = check.rows, len(check.errors)
        attempt.errors = [e.__dict__ for e in check.errors[:PAGE_ERRORS]]
        attempt.warnings = list(check.warnings)
        attempt.status = UploadAttempt.Status.SAVED if result.saved else UploadAttempt.Status.INVALID
    attempt.save()
    if reporter:
        messages = {
            UploadAttempt.Status.SAVED: _("已保存 %(n)d 人。") % {"n": attempt.rows},
            UploadAttempt.Status.INVALID: _("发现 %(n)d 处错误，文件未保存。") % {"n": attempt.error_count},
        }
        # The errors are on the page from here on; the marked copy (seconds on a big file) follows.
        reporter.finish(message=messages.get(attempt.status, attempt.message))
    if attempt.status == UploadAttempt.Status.INVALID:
        marked = path.with_name(path.stem + "-marked.xlsx")
        write_marked_copy(check=result.check, path_in=path, path_out=marked)
        attempt.marked_path = str(marked.relative_to(settings.PRIVATE_ROOT))
        attempt.save(update_fields=["marked_path"])
    return attempt


# --- Starting the long jobs (pages and API alike) ---------------------------------------------------------


def upload_start(*, actor, submission: Submission, uploaded_file, language: str):
    """Store the file as an attempt and check it in the background; returns (attempt, its progress)."""
    from teachnet.core.services import progress_start, run_in_background

    from .tasks import check_upload

    attempt = upload_attempt_create(actor=actor, submission=submission, uploaded_file=uploaded_file)
    task = progress_start(
        owner=actor, kind="roster_upload", title=_("检查并导入：%(name)s") % {"name": attempt.source_name}
    )
    UploadAttempt.objects.filter(pk=attempt.pk).update(progress=task)
    run_in_background(check_upload, str(task.pk), attempt.pk, language)
    return attempt, task


def approve_and_enroll(*, actor, submission: Submission, language: str):
    """Approve the table, then open accounts and enroll its people in the background; returns
    (submission, the enrollment's progress)."""
    from teachnet.core.services import progress_start, run_in_background

    from .tasks import enroll_submission

    submission = submission_approve(actor=actor, submission=submission)
    task = progress_start(
        owner=actor, kind="roster_enroll", title=_("开设账号并登记参训：%(s)s") % {"s": submission}
    )
    run_in_background(enroll_submission, str(task.pk), submission.pk, language)
    return submission, task


# --- Editing one row (REP-5) ------------------------------------------------------------------------------


def row_values(row: SubmissionRow) -> dict[str, str]:
    """A saved row as the template's columns, numbers decrypted: what the edit form shows its submitter."""
    from .columns import TRAINEE_COLUMNS, TRAINER_COLUMNS

    region_col = "所在区县" if row.kind == Kind.TRAINEE else "所在地市"
    values = {
        "序号": str(row.row_no - 1), "姓名": row.real_name, "性别": row.gender, "民族": row.ethnicity,
        "身份证号": protect.decrypt(row.id_card_encrypted), "手机号码": protect.decrypt(row.phone_encrypted),
        "电子邮箱": row.email, region_col: row.region_id, "工作单位": row.organization_name,
        "学段": row.stage,
        "学科": row.subject_name, "职称": row.title, "职务": row.position, "教师类型": row.teacher_type,
        "备注": row.note,
    }  # fmt: skip
    columns = TRAINEE_COLUMNS if row.kind == Kind.TRAINEE else TRAINER_COLUMNS
    return {c: values.get(c, "") for c in columns}


def row_update(*, actor, row: SubmissionRow, values: dict[str, str]) -> list:
    """Check one edited row exactly as an upload would (the same engine, on a one-row file), and against the
    rest of the table; save it only if nothing is wrong. Returns the errors, empty when saved."""
    import tempfile

    from openpyxl import Workbook

    from .roster_check import RosterError

    submission = _fresh(row.submission)
    _check_writable(actor=actor, submission=submission)
    columns = list(row_values(row))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "row.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("学员信息表" if submission.kind == Kind.TRAINEE else "培训者信息表")
        ws.append(columns)
        ws.append([values.get(c, "") for c in columns])
        wb.save(path)
        spec = submission.subject.spec if submission.subject_id else None
        taken = taken_elsewhere_fn(project=submission.project, kind=submission.kind, exclude=submission)
        check = roster_check(
            path=path, kind=submission.kind, scope=submission.region, subject=spec, taken_elsewhere=taken
        )
    errors = [
        RosterError(row=row.row_no, column=e.column, code=e.code, message=e.message) for e in check.errors
    ]
    if errors or not check.valid_rows:
        return errors
    new = _row(submission, check.valid_rows[0])
    others = SubmissionRow.objects.filter(submission=submission).exclude(pk=row.pk)
    for key, column, code in (
        ("id_card_hash", "身份证号", "duplicate_id"),
        ("phone_hash", "手机号码", "duplicate_phone"),
    ):
        twin = others.filter(**{key: new[key]}).values_list("row_no", flat=True).first()
        if twin is not None:
            errors.append(RosterError(row=row.row_no, column=column, code=code,
                                      message=_("与第%(n)d行重复。") % {"n": twin}))  # fmt: skip
    if errors:
        return errors
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _check_writable(actor=actor, submission=locked)
        fields = {k: v for k, v in new.items() if k not in {"submission_id", "project_id", "kind", "row_no"}}
        try:
            SubmissionRow.objects.filter(pk=row.pk).update(**fields)
        except IntegrityError:
            return [RosterError(row=row.row_no, column="身份证号", code="id_in_other_submission",
                                message=_("该身份证号已在本项目的其他上报表中。"))]  # fmt: skip
        Submission.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        _event(submission=locked, actor=actor, action="row_edit", from_state=locked.state, row=row.row_no,
               name=fields["real_name"])  # fmt: skip
    return []


# --- Reporting windows (REP-6) ----------------------------------------------------------------------------


def may_manage_windows(*, actor, project: Project) -> bool:
    """The project office sets the windows: a trainer-table reviewer over the nation, for this project."""
    from teachnet.accounts.permissions import grants_for

    if actor.is_superuser:
        return True
    return any(
        Perm.REPORT_REVIEW_TRAINER in g.perms and g.prefix == "" and g.project_id in (None, project.pk)
        for g in grants_for(actor)
    )


@transaction.atomic
def window_set(*, actor, project: Project, kind: str, opens_at: dt.datetime, closes_at: dt.datetime):
    from teachnet.core.services import audit_record

    from .models import ReportingWindow

    if not may_manage_windows(actor=actor, project=project):
        raise PermissionDenied(_("只有项目办可以设置上报期限。"))
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
    window, _created = ReportingWindow.objects.update_or_create(
        project=project, kind=kind, defaults={"opens_at": opens_at, "closes_at": closes_at}
    )
    audit_record(
        actor=actor,
        verb="reporting.window_set",
        target=window,
        data={"kind": kind, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
    )
    return window
