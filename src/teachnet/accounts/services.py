"""Writes of the accounts app: people, role assignments, activation codes, SMS challenges (ORG-3, ORG-4).

Bulk issuing never hashes a password: a new account gets an unusable password and a one-time activation
code (80 random bits, only the SHA-256 digest stored). The person chooses their password when activating,
after proving their phone number by SMS. No account ever has a default or guessable password.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core import protect
from teachnet.core.bulk import bulk_insert, bulk_lookup, bulk_update, ids_reserve
from teachnet.core.identity import id_gender, validate_id_card, validate_mobile
from teachnet.core.services import audit_record, private_path
from teachnet.orgs.models import Organization, Region
from teachnet.training.models import Project

from .models import ActivationCode, RoleAssignment, SmsChallenge, User
from .permissions import can, forget_grants, may_assign, region_in_scope, visible
from .roles import Perm
from .sms import sms_send

# Crockford's base32 without I, L, O, U: nothing to confuse when a code is read out or typed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 × 5 = 80 bits
SMS_MAX_ATTEMPTS = 5
SMS_MIN_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class NewPerson:
    real_name: str
    phone: str
    id_card: str = ""
    email: str = ""
    organization_id: int | None = None
    region_id: str | None = None


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str
    expires_at: dt.datetime


# --- Codes ------------------------------------------------------------------------------------------------


_TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CODE_ALPHABET)


def code_generate() -> str:
    """80 random bits as 16 Crockford base32 characters."""
    return codes_generate(1)[0]


def codes_generate(count: int) -> list[str]:
    """`count` codes of 80 random bits each, from one draw and one encode: 100,000 codes in a few ms.

    Ten random bytes are exactly sixteen base32 characters, so the encoded stream cuts into codes with no
    padding and no bit shared between two codes.
    """
    size = CODE_LENGTH * 5 // 8
    text = base64.b32encode(secrets.token_bytes(size * count)).decode().translate(_TO_CROCKFORD)
    return [text[i : i + CODE_LENGTH] for i in range(0, len(text), CODE_LENGTH)]


def code_format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_normalize(typed: str) -> str:
    text = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def code_digest(code: str) -> str:
    """The digest kept for a code as typed (any case, dashes, O for 0 …).

    A plain SHA-256 is enough here, unlike for a password: the code is 80 random bits, not something a
    person chose, so nobody can test guesses against a leaked digest faster than against the login form.
    """
    return _digest(code_normalize(code))


def _digest(normalized: str) -> str:
    return hashlib.sha256(normalized.encode()).hexdigest()


# --- People -----------------------------------------------------------------------------------------------


def _new_username() -> str:
    return _new_usernames(1)[0]


def _new_usernames(count: int) -> list[str]:
    """`count` usernames of 48 random bits each, from one draw."""
    text = secrets.token_hex(6 * count)
    return ["t" + text[i : i + 12] for i in range(0, len(text), 12)]


def _validated(person: NewPerson) -> tuple[str, str]:
    """The normalized phone and ID-card numbers, or a ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    phone = id_card = ""
    try:
        phone = validate_mobile(person.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if person.id_card:
        try:
            id_card = validate_id_card(person.id_card)
        except ValidationError as exc:
            errors["id_card"] = exc.messages
    if not (person.real_name or "").strip():
        errors["real_name"] = [_("请填写姓名。")]
    if errors:
        raise ValidationError(errors)
    return phone, id_card


@transaction.atomic
def user_create(
    *,
    real_name: str,
    phone: str,
    id_card: str = "",
    email: str = "",
    username: str = "",
    organization: Organization | None = None,
    region: Region | None = None,
    password: str | None = None,
) -> User:
    person = NewPerson(real_name=real_name, phone=phone, id_card=id_card, email=email)
    phone, id_card = _validated(person)
    if User.objects.filter(phone_hash=protect.blind_index("phone", phone)).exists():
        raise ValidationError({"phone": _("该手机号码已被其他账号使用。")})
    if id_card and User.objects.filter(id_card_hash=protect.blind_index("id_card", id_card)).exists():
        raise ValidationError({"id_card": _("该身份证号已有账号。")})
    user = User(
        username=username or _new_username(),
        real_name=real_name.strip(),
        email=email.strip(),
        organization=organization,
        region=region,
        gender=id_gender(id_card) if id_card else "",
    )
    user.set_phone(phone)
    user.set_id_card(id_card)
    user.password = make_password(password) if password else make_password(None)
    if password:
        validate_password(password, user)
        user.activated_at = timezone.now()
    user.save()
    return user


def accounts_issue(*, people: Sequence[NewPerson], issued_by: User | None) -> list[IssuedCode]:
    """Create accounts in bulk, each with a one-time activation code and no usable password.

    Every person is validated first; one bad row stops the whole batch before anything is written.
    """
    rows = []
    errors: dict[str, list[str]] = {}
    for index, person in enumerate(people, start=1):
        try:
            rows.append((person, *_validated(person)))
        except ValidationError as exc:
            errors[f"{index}: {person.real_name}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    users = []
    for person, phone, id_card in rows:
        user = User(
            username=_new_username(),
            real_name=person.real_name.strip(),
            email=person.email.strip(),
            organization_id=person.organization_id,
            region_id=person.region_id,
            gender=id_gender(id_card) if id_card else "",
            password=make_password(None),
        )
        user.set_phone(phone)
        user.set_id_card(id_card)
        users.append(user)
    with transaction.atomic():
        try:
            User.objects.bulk_create(users, batch_size=1000)
        except IntegrityError as exc:
            raise ValidationError(_("有手机号码或身份证号已被其他账号使用，未创建任何账号。")) from exc
        if not users or users[0].pk is None:  # backends without RETURNING on bulk insert
            by_name = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
            )
            for u in users:
                u.pk = u.id = by_name[u.username]
        issued = activation_codes_issue(users=users, issued_by=issued_by)
    return issued


def activation_codes_issue(*, users: Iterable[User], issued_by: User | None) -> list[IssuedCode]:
    """Give each user a fresh code; any code they had before stops working.

    The codes exist in plain text only in the return value: the caller hands them out at once (an export)
    and the platform keeps only their digests.
    """
    users = list(users)
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.ACTIVATION_CODE_TTL_DAYS)
    issued = [
        IssuedCode(user=u, code=code, expires_at=expires)
        for u, code in zip(users, codes_generate(len(users)), strict=True)
    ]
    with transaction.atomic():
        bulk_update(
            ActivationCode,
            key="user_id",
            values=[u.pk for u in users],
            changes={"revoked_at": now},
            where_null=["used_at", "revoked_at"],
        )
        expires_db = connection.ops.adapt_datetimefield_value(expires)
        issuer = issued_by.pk if issued_by else None
        bulk_insert(
            ActivationCode,
            (
                {
                    "user_id": i.user.pk,
                    "digest": _digest(i.code),  # generated codes are in normal form already
                    "expires_at": expires_db,
                    "issued_by_id": issuer,
                }
                for i in issued
            ),
        )
    return issued


# --- Activation (code + phone → SMS code → password) -----------------------------------------------------


def _sms_code_digest(challenge_user_id: int, code: str) -> str:
    return protect.blind_index("sms", f"{challenge_user_id}:{code}")


def sms_challenge_send(*, user: User, purpose: str) -> SmsChallenge:
    last = SmsChallenge.objects.filter(user=user, purpose=purpose).order_by("-created_at").first()
    if last and timezone.now() - last.created_at < SMS_MIN_INTERVAL:
        raise ValidationError(_("验证码已发送，请等待一分钟后再试。"), code="sms_too_soon")
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = SmsChallenge.objects.create(
        user=user,
        purpose=purpose,
        digest=_sms_code_digest(user.pk, code),
        expires_at=timezone.now() + dt.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    sms_send(
        phone=user.phone,
        body=_("【教师教育联盟平台】验证码 %(code)s，%(minutes)d 分钟内有效。如非本人操作请忽略。")
        % {"code": code, "minutes": minutes},
    )
    return challenge


def sms_challenge_verify(*, user: User, purpose: str, code: str) -> SmsChallenge:
    """Check and spend the newest unexpired challenge; five wrong tries and it is spent too.

    Runs in its own transaction so a wrong try is counted even when the caller's work is rolled back.
    """
    now = timezone.now()
    with transaction.atomic():
        challenge = (
            SmsChallenge.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if challenge is None or challenge.attempts >= SMS_MAX_ATTEMPTS:
            error = ValidationError(_("短信验证码已失效，请重新获取。"), code="sms_expired")
        elif not secrets.compare_digest(challenge.digest, _sms_code_digest(user.pk, (code or "").strip())):
            SmsChallenge.objects.filter(pk=challenge.pk).update(attempts=challenge.attempts + 1)
            error = ValidationError(_("短信验证码不正确。"), code="sms_wrong")
        else:
            SmsChallenge.objects.filter(pk=challenge.pk).update(used_at=now)
            error = None
    if error is not None:
        raise error
    return challenge


def _usable_code(code: str) -> ActivationCode | None:
    return (
        ActivationCode.objects.select_related("user")
        .filter(
            digest=code_digest(code),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def activation_start(*, code: str, phone: str) -> ActivationCode:
    """Step 1: the code and the phone number it was issued for; an SMS code goes to that phone."""
    record = _usable_code(code)
    try:
        phone = validate_mobile(phone)
    except ValidationError:
        record = None
    # One message for every failure, so the form cannot be used to learn which half was wrong.
    if (
        record is None
        or record.user.phone_hash != protect.blind_index("phone", phone)
        or not record.user.is_active
    ):
        raise ValidationError(
            _("激活码与手机号码不匹配，或激活码已使用、已过期。请核对后重试，或联系发放激活码的管理员。"),
            code="activation_mismatch",
        )
    sms_challenge_send(user=record.user, purpose=SmsChallenge.Purpose.ACTIVATE)
    return record


def activation_complete(*, activation_id: int, sms_code: str, password: str) -> User:
    """Step 2: the SMS code and a password of the person's choosing (Django's validators).

    The password is checked before the SMS code is spent, so a weak password costs no new message.
    """
    usable = ActivationCode.objects.filter(
        pk=activation_id, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    record = usable.select_related("user").first()
    if record is None:
        raise ValidationError(_("激活码已失效，请重新开始激活。"), code="activation_gone")
    user = record.user
    validate_password(password, user)
    sms_challenge_verify(user=user, purpose=SmsChallenge.Purpose.ACTIVATE, code=sms_code)
    with transaction.atomic():
        # Spend the code first: of two racing completions only one finds it still unused.
        if not usable.update(used_at=timezone.now()):
            raise ValidationError(_("激活码已失效，请重新开始激活。"), code="activation_gone")
        user.set_password(password)
        user.activated_at = timezone.now()
        user.save(update_fields=["password", "activated_at"])
    audit_record(actor=user, verb="account.activated", target=user)
    return user


# --- Password reset by SMS --------------------------------------------------------------------------------


def password_reset_start(*, phone: str) -> User | None:
    """Send a code if the phone belongs to an activated account; say the same thing either way."""
    phone = validate_mobile(phone)
    user = User.objects.filter(
        phone_hash=protect.blind_index("phone", phone), is_active=True, activated_at__isnull=False
    ).first()
    if user is None:
        return None
    sms_challenge_send(user=user, purpose=SmsChallenge.Purpose.RESET)
    return user


def password_reset_complete(*, phone: str, sms_code: str, password: str) -> User:
    user = User.objects.filter(
        phone_hash=protect.blind_index("phone", validate_mobile(phone)),
        is_active=True,
        activated_at__isnull=False,
    ).first()
    if user is None:
        raise ValidationError(_("短信验证码已失效，请重新获取。"), code="sms_expired")
    validate_password(password, user)
    sms_challenge_verify(user=user, purpose=SmsChallenge.Purpose.RESET, code=sms_code)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, verb="account.password_reset", target=user)
    return user


# --- Roles ------------------------------------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    region: Region | None = None,
    organization: Organization | None = None,
    project: Project | None = None,
    rule: str = "",
) -> RoleAssignment:
    """Grant a role within a scope. `rule` names a rule of the caller's that grants it where none of the
    actor's grants could (the creator of a project gets the project office role for it, which a grant bound
    to another project never reaches): the caller has checked the rule, and the audit event names it."""
    if (region is None) == (organization is None):
        raise ValidationError(_("角色的范围必须是一个地区或一个机构，二者选一。"))
    if not rule and not may_assign(
        actor=actor,
        role=role,
        region=region,
        organization=organization,
        project_id=project.pk if project else None,
    ):
        raise PermissionDenied(_("您无权在此范围内授予该角色。"))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        organization=organization,
        project=project,
        defaults={"granted_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            verb="role.granted",
            target=assignment,
            data={
                "user": user.pk,
                "role": role,
                "scope": assignment.scope_label,
                **({"rule": rule} if rule else {}),
            },
        )
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    if not may_assign(
        actor=actor,
        role=assignment.role,
        region=assignment.region,
        organization=assignment.organization,
        project_id=assignment.project_id,
    ):
        raise PermissionDenied(_("您无权撤销该角色。"))
    audit_record(
        actor=actor,
        verb="role.revoked",
        target=assignment,
        data={"user": assignment.user_id, "role": assignment.role, "scope": assignment.scope_label},
    )
    assignment.delete()
    forget_grants(assignment.user)


# --- Activation-code export (per city or county) ----------------------------------------------------------


def _export_candidates(*, actor: User, region: Region):
    prefix = region.prefix
    return (
        visible(actor=actor, model=User, perm=Perm.ACCOUNT_ISSUE)
        .filter(activated_at__isnull=True, is_active=True)
        .filter(
            Q(region__code__startswith=prefix)
            | Q(region__isnull=True, organization__region__code__startswith=prefix)
        )
        .select_related("organization", "region")
        .order_by("region_id", "organization__name", "id")
    )


def activation_codes_export(
    *, actor: User, region: Region, reporter, activate_url: str, id_card_hashes: Sequence[str] | None = None
) -> tuple[Path, int]:
    """Issue fresh codes to every account in the region not yet activated, and write them to an xlsx with a
    sheet per county, for the admin who hands them out (ORG-4).

    Plain codes exist only in this file; exporting again revokes the codes of the previous export. The
    export itself is an audit event: who took which region's codes, how many. With id_card_hashes, only
    those people (the trainees of one approved table) are exported.
    """
    from openpyxl import Workbook

    if not region_in_scope(actor=actor, perm=Perm.ACCOUNT_ISSUE, region=region):
        raise PermissionDenied(_("您无权导出该地区的激活码。"))
    candidates = _export_candidates(actor=actor, region=region)
    if id_card_hashes is not None:
        wanted = set(id_card_hashes)
        users = [u for u in candidates.filter(id_card_hash__isnull=False) if u.id_card_hash in wanted]
    else:
        users = list(candidates)
    reporter.running(total=len(users), message=_("正在生成激活码"))
    sheets: dict[str, list] = {}
    done = 0
    for start in range(0, len(users), 2000):
        for issued in activation_codes_issue(users=users[start : start + 2000], issued_by=actor):
            u = issued.user
            county = (
                u.region.name if u.region_id else (u.organization.region.name if u.organization_id else "—")
            )
            sheets.setdefault(county, []).append(issued)
        done = min(start + 2000, len(users))
        reporter.advance(done=done, force=True)
    wb = Workbook(write_only=True)
    info = wb.create_sheet(_("说明"))
    info.append([_("激活码发放说明")])
    info.append([_("地区"), f"{region.name}（{region.code}）"])
    info.append([_("导出人"), actor.real_name or actor.username])
    info.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    info.append([_("账号数"), len(users)])
    info.append([_("激活网址"), activate_url])
    info.append([_("每个激活码只能使用一次，需与登记的手机号码一起使用；再次导出会使本文件中的激活码失效。")])
    info.append([_("本文件含个人信息，请妥善保管，发放完毕后删除。")])
    headers = [
        _("序号"),
        _("姓名"),
        _("用户名"),
        _("手机号码"),
        _("工作单位"),
        _("所在区县"),
        _("激活码"),
        _("有效期至"),
    ]
    for county in sorted(sheets):
        ws = wb.create_sheet(county[:31])
        ws.append(headers)
        for n, issued in enumerate(sheets[county], start=1):
            u = issued.user
            ws.append(
                [
                    n,
                    u.real_name,
                    u.username,
                    u.phone_masked,
                    u.organization.name if u.organization_id else "",
                    county,
                    code_format(issued.code),
                    timezone.localtime(issued.expires_at).strftime("%Y-%m-%d"),
                ]
            )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = private_path("exports", f"activation-codes-{region.code}-{stamp}-{secrets.token_hex(4)}.xlsx")
    wb.save(path)
    audit_record(
        actor=actor,
        verb="activation_codes.exported",
        target=region,
        data={"region": region.code, "accounts": len(users), "file": path.name},
    )
    return path, len(users)


def personal_data_disclose(*, actor: User, person: User, ip_address: str | None) -> dict[str, str]:
    """Unmasked phone and ID-card numbers, for a role that needs them; every disclosure is an audit event."""
    if not can(actor=actor, perm=Perm.USER_VIEW_PII, obj=person):
        raise PermissionDenied(_("您无权查看此人的身份证号和手机号码。"))
    audit_record(actor=actor, verb="pii.viewed", target=person, ip_address=ip_address)
    return {"phone": person.phone, "id_card": person.id_card}


def activation_code_issue_one(*, actor: User, person: User) -> IssuedCode:
    """A fresh code for one account not yet activated, shown once to the admin who hands it over."""
    if person.activated_at is not None:
        raise ValidationError(_("该账号已激活，无需激活码；忘记密码可通过短信找回。"))
    if not can(actor=actor, perm=Perm.ACCOUNT_ISSUE, obj=person):
        raise PermissionDenied(_("您无权为此人发放激活码。"))
    issued = activation_codes_issue(users=[person], issued_by=actor)[0]
    audit_record(actor=actor, verb="activation_code.issued", target=person)
    return issued


# --- Accounts for reported people (REP-4 on approval) -----------------------------------------------------


@dataclass(frozen=True)
class ReportedPerson:
    """A person from an approved table, numbers already protected by the reporting app."""

    real_name: str
    gender: str  # "M" / "F"
    id_card_encrypted: str
    id_card_hash: str
    id_card_masked: str
    phone_encrypted: str
    phone_hash: str
    phone_masked: str
    email: str
    organization_id: int | None
    region_id: str


@dataclass(frozen=True)
class MatchResult:
    user_ids: dict[str, int]  # id_card_hash -> user id
    new_ids: frozenset[int]  # the accounts opened here
    created: int
    matched: int
    phone_taken: int  # created without a phone: the number belongs to another account


def accounts_match_or_create(*, people: Sequence[ReportedPerson]) -> MatchResult:
    """Find each person's account by ID number, or open one (no password, activation by code later).

    Hashes no password and decrypts nothing: the protected numbers are copied as they are. Meant for a
    batch of a few thousand people inside the caller's transaction: a few indexed lookups and one COPY.
    """
    hashes = [p.id_card_hash for p in people]
    user_ids: dict[str, int] = dict(
        bulk_lookup(User, key="id_card_hash", values=hashes, fields=["id_card_hash", "id"])
    )
    matched = len(user_ids)
    new = [p for p in people if p.id_card_hash not in user_ids]
    taken_phones = {
        phone
        for (phone,) in bulk_lookup(
            User, key="phone_hash", values=[p.phone_hash for p in new], fields=["phone_hash"]
        )
    }
    unusable = make_password(None)  # one unusable marker for all: "!" + random, never a valid password
    users = []
    for p, username in zip(new, _new_usernames(len(new)), strict=True):
        user = {
            "username": username, "real_name": p.real_name, "gender": p.gender, "email": p.email,
            "id_card_encrypted": p.id_card_encrypted, "id_card_hash": p.id_card_hash,
            "id_card_masked": p.id_card_masked, "organization_id": p.organization_id,
            "region_id": p.region_id, "password": unusable,
        }  # fmt: skip
        # A phone already on another account (or twice in this batch) stays off the new one: the number is
        # unique, and the lead sees how many accounts lack a phone.
        if p.phone_hash not in taken_phones:
            user.update(
                phone_encrypted=p.phone_encrypted, phone_hash=p.phone_hash, phone_masked=p.phone_masked
            )
            taken_phones.add(p.phone_hash)
        users.append(user)
    phone_missing = sum(1 for u in users if "phone_hash" not in u)
    with transaction.atomic():
        ids = ids_reserve(User, len(users))
        if ids is not None:  # PostgreSQL: copied in with their ids, nothing to read back
            for user, pk in zip(users, ids, strict=True):
                user["id"] = pk
        bulk_insert(User, users, with_ids=ids is not None)
        if ids is None:
            created = [u["id_card_hash"] for u in users]
            found = bulk_lookup(User, key="id_card_hash", values=created, fields=["id_card_hash", "id"])
            ids = [pk for _, pk in found]
        else:
            found = [(u["id_card_hash"], u["id"]) for u in users]
        user_ids.update(found)
    return MatchResult(
        user_ids=user_ids,
        new_ids=frozenset(ids),
        created=len(users),
        matched=matched,
        phone_taken=phone_missing,
    )


def roles_grant_bulk(
    *,
    grants: Iterable[tuple[int, str, int | None, str | None]],
    project: Project | None,
    granted_by: User | None,
    users_are_new: bool = False,
) -> int:
    """(user id, role, organization id, region code) each; grants a user already holds are skipped. With
    `users_are_new` (accounts opened in the caller's transaction, which hold no grant yet) the rows are
    copied in without the conflict check, twice as fast."""
    project_id = project.pk if project else None
    granter_id = granted_by.pk if granted_by else None
    rows = (
        {"user_id": u, "role": role, "organization_id": org, "region_id": None if org else region,
         "project_id": project_id, "granted_by_id": granter_id}
        for u, role, org, region in grants
    )  # fmt: skip
    return bulk_insert(RoleAssignment, rows, ignore_conflicts=not users_are_new)
