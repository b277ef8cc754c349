"""For the tests that race two connections (transaction=True): Django empties such a test's database
afterwards, the division codes that the root conftest loads once per session included. They are loaded
before each such test and again after its flush, so the ordinary tests that follow still find 440100 (as
tests/browser/conftest.py does for the browser tests). Imported by the conftests of the apps that have
such tests (duty, discussions, reporting)."""

import pytest

_blocker_key = pytest.StashKey()


def _regions_load() -> None:
    from teachnet.orgs.models import Region
    from teachnet.orgs.services import regions_load

    if not Region.objects.exists():
        regions_load()


@pytest.fixture(autouse=True)
def _regions_for_transactional_tests(request, django_db_blocker):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    request.node.stash[_blocker_key] = django_db_blocker
    _regions_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        blocker = item.stash.get(_blocker_key, None)
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                _regions_load()
