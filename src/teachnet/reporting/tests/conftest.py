from teachnet.core.tests.transactional import _regions_for_transactional_tests, pytest_runtest_teardown  # noqa: F401
