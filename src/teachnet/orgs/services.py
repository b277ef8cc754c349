"""Writes of the orgs app: loading the division codes, creating and changing organizations."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teachnet.core.bulk import bulk_insert
from teachnet.core.text import one_line

from .models import Organization, Region

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


@dataclass(frozen=True)
class RegionLoadResult:
    created: int
    updated: int
    unchanged: int
    source: str


def _read_regions(path: Path) -> tuple[str, list[Region]]:
    with open(path, encoding="utf-8") as fh:
        source = fh.readline().lstrip("# ").strip()
        rows = [
            Region(code=r["code"], name=r["name"], level=int(r["level"]), parent_id=r["parent"] or None)
            for r in csv.DictReader(fh)
        ]
    return source, rows


@transaction.atomic
def regions_load(*, path: Path = REGIONS_CSV) -> RegionLoadResult:
    """Create or correct every division code; run it again and nothing changes (ORG-1)."""
    source, rows = _read_regions(path)
    existing = {r.code: r for r in Region.objects.all()}
    to_create = [r for r in rows if r.code not in existing]
    to_update = []
    for row in rows:
        old = existing.get(row.code)
        if old and (old.name, old.level, old.parent_id) != (row.name, row.level, row.parent_id):
            to_update.append(row)
    # Parents before children, so the foreign keys hold at every statement, not only at commit.
    to_create.sort(key=lambda r: (r.level, r.code))
    Region.objects.bulk_create(to_create, batch_size=1000)
    Region.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=500)
    return RegionLoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
        source=source,
    )


def _check_parent(*, organization: Organization, parent: Organization | None) -> None:
    node = parent
    while node is not None:
        if node.pk and node.pk == organization.pk:
            raise ValidationError({"parent": _("上级机构不能是本机构或其下级机构。")})
        node = node.parent


@transaction.atomic
def organization_create(
    *,
    name: str,
    type: str,
    region: Region,
    parent: Organization | None = None,
    short_name: str = "",
    credit_code: str = "",
    website: str = "",
) -> Organization:
    # Names go into lists and workbooks, which cannot hold control characters: one line of text.
    org = Organization(
        name=one_line(name),
        type=type,
        region=region,
        parent=parent,
        short_name=one_line(short_name),
        credit_code=credit_code,
        website=website,
    )
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def organization_update(*, organization: Organization, **fields) -> Organization:
    if "parent" in fields:
        _check_parent(organization=organization, parent=fields["parent"])
    for key, value in fields.items():
        setattr(organization, key, one_line(value) if key in {"name", "short_name"} else value)
    organization.full_clean()
    organization.save()
    return organization


def organizations_ensure(
    *,
    keys: set[tuple[str, str]],
    type: str,
    parent_by_region: dict[str, int] | None = None,
) -> dict[tuple[str, str], int]:
    """The organization id for each (region code, name), creating the missing ones in bulk.

    Reported tables name schools by text (工作单位); a school named the same in the same county is the same
    school (the unique constraint says so). One query reads the organizations of the regions named (a
    county has hundreds, not 100,000), one COPY adds the missing ones.
    """
    keys = {(code, name.strip()[:120]) for code, name in keys if name and name.strip()}
    codes = sorted({code for code, _name in keys})

    def lookup() -> dict[tuple[str, str], int]:
        rows = Organization.objects.filter(region_id__in=codes).values_list("region_id", "name", "id")
        return {(code, name): pk for code, name, pk in rows if (code, name) in keys}

    found = lookup()
    missing = sorted(keys - found.keys())
    if missing:
        parents = parent_by_region or {}
        bulk_insert(
            Organization,
            (
                {"name": name, "type": type, "region_id": code, "parent_id": parents.get(code)}
                for code, name in missing
            ),
            ignore_conflicts=True,  # another job may add the same school meanwhile: the constraint decides
        )
        found = lookup()
    return found

    found = lookup()
    missing = [
        Organization(name=name, type=type, region_id=code, parent_id=(parent_by_region or {}).get(code))
        for code, name in sorted(keys - found.keys())
    ]
    if missing:
        Organization.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)
        found = lookup()
    return found
