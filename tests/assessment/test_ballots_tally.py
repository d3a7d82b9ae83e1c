"""The 民主测评 count without a database: renormalized weights, void ballots, trimmed mean, thresholds."""

from decimal import Decimal
from fractions import Fraction

import pytest

from zugong.assessment import ballots_tally as t

TEAM = t.Subject(1, t.TEAM, "班子")
A, B, C = (t.Subject(i, t.LEADER, n) for i, n in ((2, "甲"), (3, "乙"), (4, "丙")))
SUBJECTS = [TEAM, A, B, C]
CLASSES = {10: ("班子成员", Decimal(30)), 20: ("中层干部", Decimal(30)), 30: ("其他干部群众", Decimal(40))}
RULES = t.TallyRules(top_cap=Fraction(1, 3), uniform_void=True, uniform_min=3, trim_over=10, trim_each=1)


def ballot(cls, team, a, b, c):
    return t.Ballot(cls, {1: team, 2: a, 3: b, 4: c})


def naive_score(result: t.SubjectResult) -> float:
    """What the studied system did: Σ weight × average with an empty class counted as 0, over all weights."""
    total = sum(float(c.weight) for c in result.classes)
    return sum(float(c.weight) * (c.average or 0) for c in result.classes) / total


def test_weights_are_renormalized_over_the_classes_that_voted():
    # 班子成员 and 中层干部 voted, 其他干部群众 (weight 40) has no ballot at all
    ballots = [ballot(10, 1, 1, 2, 3), ballot(10, 2, 1, 2, 2), ballot(20, 1, 2, 2, 1), ballot(20, 1, 1, 3, 2)]
    results, totals = t.tally(SUBJECTS, CLASSES, ballots, RULES)
    a = results[A.id]
    # 甲: 班子成员 100, 100 → 100; 中层干部 80, 100 → 90; renormalized over 30 + 30: (30×100 + 30×90) / 60 = 95
    assert [c.average for c in a.classes] == [100, 90, None]
    assert a.score == pytest.approx(95)
    # the naive weighting counts the silent class as 0 and scores 甲 57: the defect this guards against
    assert naive_score(a) == pytest.approx(57)
    assert a.score != pytest.approx(naive_score(a))
    assert totals["per_class"] == {10: 2, 20: 2, 30: 0}


def test_a_class_with_only_void_ballots_is_left_out_too():
    ballots = [ballot(10, 1, 1, 2, 3), ballot(30, 1, 2, 2, 2)]  # 其他干部群众's only ballot is uniform: void
    results, totals = t.tally(SUBJECTS, CLASSES, ballots, RULES)
    assert totals["void"] == 1
    assert results[B.id].score == pytest.approx(80)
    assert results[B.id].void == 1 and results[B.id].counted == 1


def test_a_ballot_over_the_cap_of_top_grades_is_void():
    # 3 leaders at 1/3: at most 1 优秀 a ballot
    assert RULES.cap(3) == 1
    assert RULES.cap(7) == 2
    assert RULES.cap(1) == 1  # at least one
    over = ballot(10, 1, 1, 1, 2)
    assert "超过每张票限评 1 人" in t.void_reason(over.marks, [2, 3, 4], RULES)
    assert t.void_reason(ballot(10, 1, 1, 2, 3).marks, [2, 3, 4], RULES) == ""
    # the team's 好 is not a leader's 优秀
    assert t.void_reason(ballot(10, 1, 1, 2, 2).marks, [2, 3, 4], RULES) == ""
    assert t.TallyRules(top_cap=None).cap(5) is None


def test_uniform_ballots_are_void_only_from_the_configured_number_of_leaders():
    uniform = ballot(10, 2, 2, 2, 2)
    assert "评价完全相同" in t.void_reason(uniform.marks, [2, 3, 4], RULES)
    assert t.void_reason(uniform.marks, [2, 3, 4], t.TallyRules(uniform_min=4)) == ""
    assert t.void_reason(uniform.marks, [2, 3, 4], t.TallyRules(uniform_void=False)) == ""
    results, totals = t.tally(SUBJECTS, CLASSES, [uniform, ballot(10, 1, 1, 2, 3)], RULES)
    assert totals["void"] == 1 and results[A.id].counted == 1 and results[A.id].void == 1


def test_trimmed_mean_only_above_the_number_of_voters():
    assert t.trimmed_mean([100, 80, 60, 0], over=10, each=1) == (60, 0)
    values = [100] * 5 + [80] * 5 + [0]  # 11 voters > 10: drop one 100 and the 0
    mean, dropped = t.trimmed_mean(values, over=10, each=1)
    assert dropped == 1 and mean == pytest.approx((100 * 4 + 80 * 5) / 9)
    assert t.trimmed_mean(values, over=0, each=1)[1] == 0  # 0: never trimmed
    assert t.trimmed_mean([], 10, 1) == (None, 0)


def test_trimmed_mean_in_the_tally_per_class():
    ballots = [ballot(20, 1, 1, 2, 3) for _ in range(10)] + [ballot(20, 1, 4, 2, 3)]
    results, _ = t.tally(SUBJECTS, CLASSES, ballots, RULES)
    middle = results[A.id].classes[1]
    assert middle.marks == 11 and middle.trimmed == 1
    assert middle.average == pytest.approx(100)  # the one 不称职 (0) and one 优秀 dropped


def test_thresholds_are_exact_fractions():
    rules = t.TallyRules()
    # 3 valid votes, 1 不称职: exactly 1/3 is not over 1/3 (0.3333 would flag it)
    r = t.SubjectResult(subject=1, kind=t.LEADER, counted=3, votes={1: 1, 2: 1, 3: 0, 4: 1})
    assert [f["code"] for f in t.flags_of(r, rules)] == []
    r = t.SubjectResult(subject=1, kind=t.LEADER, counted=3, votes={1: 0, 2: 1, 3: 0, 4: 2})
    codes = [f["code"] for f in t.flags_of(r, rules)]
    assert codes == [t.FAIL, t.LOW]
    texts = " ".join(f["text"] for f in t.flags_of(r, rules))
    assert "“不称职”票 2 张" in texts and "超过三分之一" in texts and "不足三分之二" in texts
    # 优秀+称职 exactly 2/3 is not under 2/3
    r = t.SubjectResult(subject=1, kind=t.LEADER, counted=6, votes={1: 2, 2: 2, 3: 2, 4: 0})
    assert t.flags_of(r, rules) == []
    # a team's scale
    r = t.SubjectResult(subject=1, kind=t.TEAM, counted=4, votes={1: 1, 2: 1, 3: 0, 4: 2})
    assert "“较差”票 2 张" in t.flags_of(r, rules)[0]["text"]


def test_shares_as_people_write_them():
    assert t.parse_share("1/3") == Fraction(1, 3)
    assert t.parse_share("20%") == Fraction(1, 5)
    assert t.parse_share("0.25") == Fraction(1, 4)
    assert t.parse_share(" 2／3 ") == Fraction(2, 3)
    for bad in ("三分之一", "4/3", "1/0", ""):
        with pytest.raises(ValueError):
            t.parse_share(bad)
    assert t.share_text(Fraction(1, 3)) == "三分之一"
    assert t.share_text(Fraction(3, 10)) == "30%"
