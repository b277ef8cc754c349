import pytest

from teachnet.core.tests.transactional import _regions_for_transactional_tests, pytest_runtest_teardown  # noqa: F401
from teachnet.duty.tests.factories import build_world


@pytest.fixture
def world(project, orgs, chief_expert, provider_admin, tutor, learner, sz_learner, project_office):
    return build_world(
        project=project,
        orgs=orgs,
        chief_expert=chief_expert,
        provider_admin=provider_admin,
        tutor=tutor,
        learner=learner,
        sz_learner=sz_learner,
        project_office=project_office,
    )
