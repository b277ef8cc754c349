"""core.bulk on both databases: inserts that say how many rows went in, lookups and updates by many keys."""

import pytest
from django.db import connection

from teachnet.core.bulk import bulk_insert, bulk_lookup, bulk_update, ids_reserve
from teachnet.orgs.models import Organization

pytestmark = pytest.mark.django_db


def schools(names, region="440106"):
    return [{"name": n, "type": "school", "region_id": region} for n in names]


def test_insert_counts_what_went_in_and_skips_what_is_there(regions):
    assert bulk_insert(Organization, schools(["一中", "二中"])) == 2
    assert bulk_insert(Organization, schools(["二中", "三中"]), ignore_conflicts=True) == 1
    assert sorted(Organization.objects.filter(region_id="440106").values_list("name", flat=True)) == [
        "一中", "三中", "二中",
    ]  # fmt: skip
    assert Organization.objects.get(name="一中").is_active  # the model's default


def test_lookup_and_update_by_more_keys_than_one_statement_takes(regions):
    # Given 2,000 schools: past SQLite's 999 parameters a statement, one array on PostgreSQL
    names = [f"第{n}中学" for n in range(2000)]
    bulk_insert(Organization, schools(names))

    found = bulk_lookup(Organization, key="name", values=[*names[::2], "没有这所学校"], fields=["name", "id"])

    assert sorted(name for name, _pk in found) == sorted(names[::2])
    ids = [pk for _name, pk in found]
    assert bulk_update(Organization, key="id", values=ids, changes={"short_name": "x"}) == 1000
    # where_null: only the rows whose field is still empty (NULL) change
    bureau, other = (
        Organization.objects.create(name=n, type="bureau", region_id="440100").pk for n in "甲乙"
    )
    assert (
        bulk_update(
            Organization, key="id", values=ids, changes={"parent_id": bureau}, where_null=["parent_id"]
        )
        == 1000
    )
    assert (
        bulk_update(
            Organization, key="id", values=ids, changes={"parent_id": other}, where_null=["parent_id"]
        )
        == 0
    )
    assert Organization.objects.filter(short_name="x", parent_id=bureau).count() == 1000
    assert bulk_lookup(Organization, key="name", values=[], fields=["id"]) == []


def test_reserved_ids_are_fresh_and_rows_go_in_with_them(regions):
    ids = ids_reserve(Organization, 3)
    if connection.vendor != "postgresql":
        assert ids is None  # SQLite: read the ids back by a unique key instead
        return
    assert len(set(ids)) == 3 and ids_reserve(Organization, 0) == []
    rows = [{**row, "id": pk} for row, pk in zip(schools(["甲", "乙", "丙"]), ids, strict=True)]
    bulk_insert(Organization, rows, with_ids=True)
    assert dict(Organization.objects.filter(pk__in=ids).values_list("name", "id")) == {
        "甲": ids[0],
        "乙": ids[1],
        "丙": ids[2],
    }
    assert Organization.objects.create(name="丁", type="school", region_id="440106").pk > max(ids)
