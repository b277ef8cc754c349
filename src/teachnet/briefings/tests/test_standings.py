"""The counters against the minimums (GP 四.2(3), 七.1) and the warning before the remote training ends."""

import datetime as dt

import pytest

from teachnet.core import rules

from .. import selectors
from .factories import class_scope, expert_scope, province_scope, published, written

pytestmark = pytest.mark.django_db


def test_rules_are_registered_with_their_minimums_and_sources():
    by_key = {r.key: r for r in rules.rules()}
    assert (
        by_key["briefings.expert_per_subject"].minimum,
        by_key["briefings.expert_per_subject"].source,
    ) == (
        5,
        "GP 四.2(3)",
    )
    assert by_key["briefings.class_per_class"].minimum == 5
    assert (
        by_key["briefings.provincial_per_province"].minimum,
        by_key["briefings.provincial_per_province"].source,
    ) == (
        2,
        "GP 七.1",
    )


def test_each_unit_counts_its_published_issues(world, project, chief_expert, tutor, gd_province_lead):
    for _ in range(3):
        published(chief_expert, expert_scope(world["pe"]))
    written(chief_expert, expert_scope(world["pe"]))
    published(tutor, class_scope(world["gz"]))
    published(gd_province_lead, province_scope(project))
    got = {(s.rule.key, s.unit): (s.count, s.met) for s in rules.standings(project)}
    assert got[("briefings.expert_per_subject", "初中体育（北京师范大学）")] == (3, False)
    assert got[("briefings.class_per_class", "广州一班")] == (1, False)
    assert got[("briefings.class_per_class", "深圳一班")] == (0, False)
    assert got[("briefings.provincial_per_province", "广东省")] == (1, False)
    assert got[("briefings.provincial_per_province", "北京市")] == (0, False)
    expert = selectors.standings_for([expert_scope(world["pe"])])[0]
    assert (expert.count, expert.drafts, expert.shortfall, expert.numbers) == (3, 1, 2, [1, 2, 3])
    assert expert.note == "还差 2 期；草稿 1 篇"


def test_the_warning_shows_from_the_configured_days_before_the_end(world, settings, chief_expert):
    phase = world["phase"]
    scope = expert_scope(world["pe"])
    published(chief_expert, scope)
    settings.BRIEFING_WARN_DAYS = 7
    far = phase.ends_on - dt.timedelta(days=8)
    near = phase.ends_on - dt.timedelta(days=7)
    assert selectors.standings_for([scope], today=far)[0].warning == ""
    warning = selectors.standings_for([scope], today=near)[0].warning
    assert "还有 7 天" in warning and "还差 4 期" in warning and phase.ends_on.isoformat() in warning
    settings.BRIEFING_WARN_DAYS = 10
    assert selectors.standings_for([scope], today=far)[0].warning
    after = selectors.standings_for([scope], today=phase.ends_on + dt.timedelta(days=1))[0]
    assert "已于" in after.warning and "仍差 4 期" in after.warning


def test_no_warning_once_the_minimum_is_met(world, settings, tutor):
    settings.BRIEFING_WARN_DAYS = 60
    scope = class_scope(world["gz"])
    for _ in range(5):
        published(tutor, scope)
    standing = selectors.standings_for([scope])[0]
    assert standing.met and standing.warning == "" and standing.note == ""


def test_who_follows_which_counters(
    world, project, project_office, gd_province_lead, gz_city_lead, sz_city_lead, provider_admin, learner
):
    def units(actor):
        scopes = selectors.project_scopes(project=project, actor=actor)
        return {kind: sorted(s.label for s in v) for kind, v in scopes.items()}

    assert units(project_office) == {
        "expert": ["初中体育（北京师范大学）"],
        "class": ["广州一班", "深圳一班"],
        "provincial": ["北京市", "广东省"],
    }
    assert units(gd_province_lead)["class"] == ["广州一班", "深圳一班"]
    assert units(gd_province_lead)["provincial"] == ["广东省"]
    assert units(gz_city_lead)["class"] == ["广州一班"] and units(gz_city_lead)["provincial"] == []
    assert units(sz_city_lead)["class"] == ["深圳一班"]
    assert units(provider_admin) == {"expert": ["初中体育（北京师范大学）"], "class": [], "provincial": []}
    assert units(learner) == {"expert": [], "class": [], "provincial": []}
