"""The permission layer composes each app's GRANTS with the roles' own table (STYLE: an app owns its
permissions)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from teachnet.accounts import permissions
from teachnet.accounts.roles import Perm, Role


def _app_grants():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "GRANTS"):
            yield config.name, module.GRANTS


def test_every_apps_grants_reach_the_roles():
    found = dict(_app_grants())
    assert {"teachnet.reporting", "teachnet.training", "teachnet.courses", "teachnet.learning"} <= set(found)
    table = permissions.role_perms()
    for name, grants in found.items():
        for role, perms in grants.items():
            assert set(perms) <= table[role], (name, role)


def test_grants_come_only_from_the_apps_that_declare_them():
    table = permissions.role_perms()
    assert Perm.COURSE_REVIEW in table[Role.PROJECT_OFFICE]
    assert Perm.COURSE_REVIEW not in table[Role.PROVINCE_LEAD]
    assert Perm.STUDY_RECORDS_VIEW not in table[Role.TUTOR]  # a tutor's class comes through `own`
    assert table[Role.LEARNER] == {Perm.PROJECT_VIEW}


def test_a_grant_to_an_unknown_role_is_refused(monkeypatch):
    real = importlib.import_module

    class Fake:
        GRANTS = {"janitor": {"x.view"}}

    def fake_import(name, *args):
        return Fake if name == "teachnet.learning.permissions" else real(name, *args)

    monkeypatch.setattr(permissions.importlib, "import_module", fake_import)
    permissions.role_perms.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="janitor"):
            permissions.role_perms()
    finally:
        monkeypatch.undo()
        permissions.role_perms.cache_clear()


def test_roles_py_does_not_grow_per_app_blocks():
    source = Path(permissions.__file__).with_name("roles.py").read_text()
    assert "ROLE_PERMS[" not in source
