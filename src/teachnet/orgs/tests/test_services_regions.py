"""Loading the division codes (ORG-1)."""

import time

import pytest

from teachnet.orgs.models import Region
from teachnet.orgs.services import regions_load

pytestmark = pytest.mark.django_db


def test_every_province_city_and_county_with_its_parent():
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 31
    assert Region.objects.filter(level=Region.Level.CITY).count() >= 330
    assert Region.objects.count() > 3200
    gz = Region.objects.get(code="440100")
    assert gz.name == "广州市" and gz.parent_id == "440000"
    assert Region.objects.get(code="440106").parent_id == "440100"
    assert Region.objects.get(code="110100").name == "北京市"  # not the placeholder 市辖区
    assert not Region.objects.filter(level=Region.Level.COUNTY, parent__level__lt=Region.Level.CITY).exists()


def test_loading_again_changes_nothing_and_repairs_edits():
    Region.objects.filter(code="440106").update(name="wrong")
    started = time.perf_counter()
    result = regions_load()
    assert time.perf_counter() - started < 10
    assert result.created == 0 and result.updated == 1
    assert Region.objects.get(code="440106").name == "天河区"
    assert regions_load().updated == 0
