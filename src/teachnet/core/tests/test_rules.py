from teachnet.core import rules


def test_standings_measure_each_unit_against_the_minimum(monkeypatch):
    monkeypatch.setattr(rules, "_MEASURES", {})
    briefs = rules.Rule("briefings.per_subject", "每学科专家简报不少于 5 期", 5, "GP 四.2(3)")
    duty = rules.Rule("duty.per_day", "每天不少于 3 名专家值班", 3)
    both = [rules.Standing(briefs, "初中体育", 5), rules.Standing(briefs, "初中数学", 2)]
    rules.register(briefs, lambda p: both)
    rules.register(duty, lambda p: [rules.Standing(duty, "2026-12-04", 1, note="缺 2 人")])
    got = rules.standings(project=None)
    assert [(s.unit, s.met, s.shortfall) for s in got] == [
        ("初中体育", True, 0), ("初中数学", False, 3), ("2026-12-04", False, 2),
    ]  # fmt: skip
    assert [s.unit for s in rules.standings(None, keys=["duty.per_day"])] == ["2026-12-04"]
    assert rules.rules() == [briefs, duty]
