"""People, their roles and their accounts (ORG-3, ORG-4).

ID-card and phone numbers are personal information under PIPL: each is stored encrypted, as a keyed hash for
lookups and uniqueness, and masked for lists (core.protect). Nothing here stores a plain number.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teachnet.core import protect
from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Organization, Region
from teachnet.training.models import Project

from .roles import Role


class TeachnetUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        phone = extra_fields.pop("phone", "")
        id_card = extra_fields.pop("id_card", "")
        user = self.model(
            username=self.model.normalize_username(username),
            email=self.normalize_email(email),
            **extra_fields,
        )
        user.set_phone(phone)
        user.set_id_card(id_card)
        user.set_password(password)  # None gives an unusable password: nobody can guess it
        user.save(using=self._db)
        return user


class User(AbstractUser):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    first_name = None
    last_name = None
    real_name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号码"), max_length=11, blank=True, editable=False)
    id_card_encrypted = models.TextField(blank=True, editable=False)
    id_card_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_card_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("工作单位"),
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    activated_at = models.DateTimeField(_("激活时间"), null=True, blank=True)

    objects = TeachnetUserManager()
    REQUIRED_FIELDS = ["real_name", "email"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # One account per phone number and per ID-card number. Constraints rather than unique=True: on
            # PostgreSQL a unique CharField also gets a varchar_pattern_ops index for LIKE, which an exact
            # hash never needs and which every account opened in bulk would pay for.
            models.UniqueConstraint(fields=["phone_hash"], name="user_phone_once"),
            models.UniqueConstraint(fields=["id_card_hash"], name="user_id_card_once"),
        ]

    def __str__(self) -> str:
        return f"{self.real_name or self.username}"

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name

    def set_phone(self, phone: str) -> None:
        self.phone_encrypted = protect.encrypt(phone)
        self.phone_hash = protect.blind_index("phone", phone) if phone else None
        self.phone_masked = protect.mask_phone(phone)

    def set_id_card(self, number: str) -> None:
        self.id_card_encrypted = protect.encrypt(number)
        self.id_card_hash = protect.blind_index("id_card", number) if number else None
        self.id_card_masked = protect.mask_id_card(number)

    @property
    def phone(self) -> str:
        return protect.decrypt(self.phone_encrypted)

    @property
    def id_card(self) -> str:
        return protect.decrypt(self.id_card_encrypted)


class RoleAssignment(TimeStampedModel):
    """A role held within a region or an organization, optionally for one project (ORG-3)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区范围")
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("机构范围"),
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("项目"),
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("授予人")
    )

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        # By role alone (who are the experts): an index of its own, not db_index=True, which on PostgreSQL
        # also builds a LIKE index no query uses; each costs every approved person an entry (decision 0006).
        indexes = [models.Index(fields=["role"], name="role_assignment_role")]
        constraints = [
            # Roles are never global: the scope is exactly one region or one organization.
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=False, organization__isnull=True)
                    | models.Q(region__isnull=True, organization__isnull=False)
                ),
                name="role_scope_is_region_xor_organization",
            ),
            # The same role twice in one scope is one role. NULLs never compare equal in a unique index,
            # so each shape of scope (region or organization, with or without a project) gets its own.
            *[
                models.UniqueConstraint(
                    fields=["user", "role", scope, *(["project"] if with_project else [])],
                    condition=models.Q(**{f"{scope}__isnull": False, "project__isnull": not with_project}),
                    name=f"role_unique_{scope}_{'project' if with_project else 'noproject'}",
                )
                for scope in ("region", "organization")
                for with_project in (True, False)
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        scope = self.region.name if self.region_id else str(self.organization)
        return f"{scope} · {self.project}" if self.project_id else scope


class ActivationCode(models.Model):
    """A one-time code that opens a new account (ORG-4). Only its SHA-256 digest is kept."""

    # No index of its own: the (user, used_at, revoked_at) index below starts with it.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes", db_index=False)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        indexes = [models.Index(fields=["user", "used_at", "revoked_at"])]
        constraints = [
            # A code is found by its digest alone; unique as a constraint, without a LIKE index (see User).
            models.UniqueConstraint(fields=["digest"], name="activation_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class SmsChallenge(models.Model):
    """A 6-digit code sent by SMS to prove a phone number, for activation or password reset."""

    class Purpose(models.TextChoices):
        ACTIVATE = "activate", _("账号激活")
        RESET = "reset", _("找回密码")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.purpose}"


class SmsMessage(models.Model):
    """The log of every SMS the platform sent, whichever sender delivered it."""

    phone_masked = models.CharField(_("手机号码"), max_length=11)
    phone_hash = models.CharField(max_length=64, db_index=True)
    body = models.CharField(_("内容"), max_length=500)
    sender = models.CharField(_("通道"), max_length=100)
    ok = models.BooleanField(_("成功"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")

    def __str__(self) -> str:
        return f"{self.phone_masked} · {self.created_at:%Y-%m-%d %H:%M}"
