"""Administrative regions (ORG-1) and organizations (ORG-2).

A region's primary key is its official 6-digit division code (行政区划代码, GB/T 2260), so every foreign key
to a region stores the code itself and "everything in Guangzhou" is the prefix query code LIKE '4401%',
without a join. The nation is the root, code 000000.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel

NATION_CODE = "000000"


class Region(models.Model):
    class Level(models.IntegerChoices):
        NATION = 0, _("国家")
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=0) | models.Q(parent__isnull=False),
                name="region_has_parent_below_nation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    @property
    def province_code(self) -> str | None:
        return None if self.level == self.Level.NATION else self.code[:2] + "0000"

    def ancestor_codes(self) -> list[str]:
        return region_ancestor_codes(self.code, self.level)


def region_prefix(code: str, level: int) -> str:
    """The code prefix shared by a region and everything inside it ('' for the nation)."""
    return {0: "", 1: code[:2], 2: code[:4]}.get(level, code)


def region_ancestor_codes(code: str, level: int) -> list[str]:
    codes = [NATION_CODE]
    if level >= 2:
        codes.append(code[:2] + "0000")
    if level >= 3:
        codes.append(code[:4] + "00")
    return codes


class Organization(TimeStampedModel):
    """A university, provider, bureau, school …: roles are held within one (ORG-3)."""

    class Type(models.TextChoices):
        UNIVERSITY = "university", _("高等院校")
        PROVIDER = "provider", _("培训机构")
        BUREAU = "bureau", _("教育行政部门")
        SCHOOL = "school", _("中小学校")
        KINDERGARTEN = "kindergarten", _("幼儿园")
        LEARNING_CENTRE = "learning_centre", _("教师学习与资源中心")
        WORKSTATION = "workstation", _("县级远程学习工作站")
        SECRETARIAT = "secretariat", _("联盟秘书处")
        PROJECT_OFFICE = "project_office", _("项目执行办公室")

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    type = models.CharField(_("类型"), max_length=20, choices=Type.choices, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("所在地区")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级机构"),
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            # Two schools may share a name, but not within one county: imports match organizations by name.
            models.UniqueConstraint(fields=["region", "name"], name="organization_name_unique_in_region"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organization_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name
