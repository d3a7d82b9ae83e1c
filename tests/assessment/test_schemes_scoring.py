"""The scoring methods exactly as issue 14 states them (lower-better and zero values included), ranks with ties,
the top grade's count floor(n × share) at its boundaries, the vetoes, and the weight checks. Pure functions: no
database, so the same on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest

from zugong.assessment import scoring
from zugong.assessment.scoring import Spec

GRADES = ["优秀", "良好", "一般", "较差"]


def spec(method, weight=10.0, direction="higher", id=1, dimension="D", **params):
    return Spec(id, f"I{id}", f"指标{id}", dimension, weight, direction, method, params)


def points(s, values):
    return scoring.METHODS[s.method].score(s, values)


def test_ratio_higher_is_value_over_the_categorys_maximum():
    got = points(spec("ratio", 20), {"a": 8.0, "b": 4.0, "c": 0.0})
    assert got == {"a": 20.0, "b": 10.0, "c": 0.0}


def test_ratio_lower_is_the_categorys_minimum_over_value_and_zero_scores_full_weight():
    got = points(spec("ratio", 20, "lower"), {"a": 2.0, "b": 4.0, "c": 8.0})
    assert got == {"a": 20.0, "b": 10.0, "c": 5.0}
    got = points(spec("ratio", 20, "lower"), {"a": 0.0, "b": 4.0})
    assert got == {"a": 20.0, "b": 0.0}  # best = 0: weight × 0 / 4


def test_ratio_higher_with_no_positive_best_scores_nothing():
    assert points(spec("ratio", 20), {"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
    assert points(spec("ratio", 20), {"a": -1.0, "b": 2.0}) == {"a": 0.0, "b": 20.0}  # kept within 0 … weight


def test_target_higher_and_lower():
    s = spec("target", 10, target=80)
    assert points(s, {"a": 80.0, "b": 90.0, "c": 40.0, "d": 0.0}) == {"a": 10.0, "b": 10.0, "c": 5.0, "d": 0.0}
    s = spec("target", 10, "lower", target=0.5)
    assert points(s, {"a": 0.5, "b": 0.0, "c": 1.0, "d": 2.0}) == {"a": 10.0, "b": 10.0, "c": 5.0, "d": 2.5}
    s = spec("target", 10, "lower", target=0)
    assert points(s, {"a": 0.0, "b": 3.0}) == {"a": 10.0, "b": 0.0}


def test_deduction():
    s = spec("deduction", 10, "lower", deduction=3)
    assert points(s, {"a": 0.0, "b": 1.0, "c": 3.0, "d": 4.0}) == {"a": 10.0, "b": 7.0, "c": 1.0, "d": 0.0}


def test_rank_points_ties_share_and_the_rest_get_the_last_value():
    s = spec("rank_points", 60, points=[60, 57, 54])
    got = points(s, {"a": 9.0, "b": 9.0, "c": 5.0, "d": 4.0, "e": 1.0})
    assert got == {"a": 60.0, "b": 60.0, "c": 54.0, "d": 54.0, "e": 54.0}
    s = spec("rank_points", 60, "lower", points=[60, 57, 54, 51, 48])
    got = points(s, {"a": 0.0, "b": 2.0, "c": 1.0})
    assert got == {"a": 60.0, "c": 57.0, "b": 54.0}


def test_vetoes_trigger_on_a_value_above_zero_and_score_nothing():
    for code in ("veto_excellence", "veto_fail"):
        m = scoring.METHODS[code]
        assert points(spec(code, 0), {"a": 1.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
        assert m.triggered(1) and m.triggered(0.5) and not m.triggered(0) and not m.triggered(None)


@pytest.mark.parametrize("n,share,limit", [
    (5, 20, 1), (4, 20, 0), (10, 20, 2), (12, 20, 2), (14, 20, 2), (15, 20, 3),
    (5, 40, 2), (10, 40, 4), (12, 40, 4), (1, 100, 1), (100, 29, 29), (7, 0, 0),
])
def test_the_top_grades_count_is_floor_of_n_times_share(n, share, limit):
    assert scoring.top_limit(n, Decimal(share)) == limit


def _category(scores, veto=None, share=20):
    """Units u0… with one 比值法 indicator (weight 100) whose values are `scores`, plus the vetoes."""
    specs = [spec("ratio", 100, id=1), spec("veto_excellence", 0, id=2), spec("veto_fail", 0, id=3)]
    units = [f"u{i}" for i in range(len(scores))]
    values = {(1, u): float(v) for u, v in zip(units, scores)}
    for u, which in (veto or {}).items():
        values[(2 if which == "excellence" else 3, u)] = 1.0
    return {r.unit: r for r in scoring.score_category(specs, units, values, Decimal(share), GRADES)}


def test_total_is_the_sum_and_ties_share_a_rank():
    specs = [spec("ratio", 50, id=1, dimension="甲"), spec("deduction", 50, "lower", id=2, dimension="乙", deduction=10)]
    values = {(1, "a"): 10.0, (2, "a"): 1.0, (1, "b"): 10.0, (2, "b"): 1.0, (1, "c"): 5.0}
    got = {r.unit: r for r in scoring.score_category(specs, ["a", "b", "c"], values, Decimal(20), GRADES)}
    assert got["a"].score == got["b"].score == 90.0 and got["a"].rank == got["b"].rank == 1
    assert got["c"].score == 25.0 and got["c"].rank == 3 and got["c"].missing == 1  # no value: 0 points
    assert got["a"].dimensions == {"甲": 50.0, "乙": 40.0}
    assert [ln.points for ln in got["c"].lines] == [25.0, 0.0]


def test_ranks_use_the_unrounded_total():
    got = _category([100, 99.996, 99.994])
    assert [got[u].rank for u in ("u0", "u1", "u2")] == [1, 2, 3]


def test_top_grade_to_floor_n_times_share_and_the_rest_the_second_grade():
    got = _category([50, 40, 30, 20, 10])  # 5 × 20 % = 1
    assert [got[f"u{i}"].grade for i in range(5)] == ["优秀", "良好", "良好", "良好", "良好"]
    got = _category([50, 40, 30, 20, 10, 9, 8, 7, 6, 5], share=40)  # 10 × 40 % = 4
    assert [got[f"u{i}"].grade for i in range(10)].count("优秀") == 4 and got["u3"].grade == "优秀"
    got = _category(list(range(12, 0, -1)))  # 12 × 20 % = 2
    assert [u for u, r in got.items() if r.grade == "优秀"] == ["u0", "u1"]
    got = _category([50, 40, 30, 20])  # 4 × 20 % = 0
    assert {r.grade for r in got.values()} == {"良好"}


def test_vetoed_units_drop_and_the_top_grade_passes_to_the_next_unit():
    got = _category([50, 40, 30, 20, 10, 9, 8, 7, 6, 5], veto={"u0": "excellence", "u2": "fail"})
    assert got["u0"].rank == 1 and got["u0"].grade == "良好" and got["u0"].veto == "excellence"
    assert got["u2"].grade == "较差" and got["u2"].veto == "fail" and got["u2"].rank == 3
    assert [u for u, r in got.items() if r.grade == "优秀"] == ["u1", "u3"]  # 10 × 20 % = 2, not vetoed


def test_fail_outranks_excellence_veto_on_one_unit():
    got = _category([50, 40], veto={"u0": "excellence"})
    specs = [spec("ratio", 100, id=1), spec("veto_excellence", 0, id=2), spec("veto_fail", 0, id=3)]
    values = {(1, "a"): 5.0, (2, "a"): 1.0, (3, "a"): 2.0}
    r = scoring.score_category(specs, ["a"], values, Decimal(100), GRADES)[0]
    assert r.veto == "fail" and r.grade == "较差"
    assert got["u0"].grade == "良好"


def test_a_tie_at_the_limit_that_does_not_fit_gets_no_top_grade():
    got = _category([50, 40, 40, 30, 20, 10, 9, 8, 7, 6])  # limit 2: u0, then u1 = u2 tied for 2 → both 良好
    assert got["u0"].grade == "优秀" and got["u1"].grade == got["u2"].grade == "良好"
    assert got["u1"].rank == got["u2"].rank == 2
    got = _category([50, 50, 40, 30, 20, 10, 9, 8, 7, 6])  # the tie fits: both 优秀
    assert got["u0"].grade == got["u1"].grade == "优秀" and got["u2"].grade == "良好"


def test_weights_sum_to_100_and_vetoes_carry_zero():
    ok = [spec("ratio", 60, id=1), spec("target", 40, id=2, target=5), spec("veto_fail", 0, id=3)]
    assert scoring.weight_problems(ok) == []
    wrong = [spec("ratio", 60, id=1), spec("target", 30, id=2, target=5), spec("veto_fail", 10, id=3)]
    problems = scoring.weight_problems(wrong)
    assert "指标 I3：一票否决指标的权重应为 0，现为 10" in problems
    assert not any("权重之和" in p for p in problems)  # 60 + 30 + 10 = 100
    problems = scoring.weight_problems([spec("ratio", 60, id=1), spec("ratio", 30.5, id=2)])
    assert problems == ["各指标权重之和应为 100，现为 90.5"]
    assert scoring.weight_problems([spec("target", 100, id=1)]) == ["指标 I1：达标法须填写目标值"]
    assert scoring.weight_problems([spec("rank_points", 100, id=1, points=[50, 60])]) == ["指标 I1：排名分值应从高到低排列"]
    assert scoring.weight_problems([spec("deduction", 100, id=1, deduction=0)]) == ["指标 I1：每次扣分应大于 0"]


def test_a_dimensions_weight_is_the_sum_of_its_indicators():
    specs = [spec("ratio", 30, id=1, dimension="产业转型"), spec("ratio", 20.5, id=2, dimension="创新驱动"),
             spec("ratio", 49.5, id=3, dimension="产业转型"), spec("veto_fail", 0, id=4, dimension="否决")]
    assert scoring.dimension_weights(specs) == {"产业转型": 79.5, "创新驱动": 20.5, "否决": 0.0}


def test_the_registry_is_extensible():
    @scoring.register
    class Half(scoring.Method):
        code, label = "half_test", "半分法"

        def score(self, spec, values):
            return {k: spec.weight / 2 for k in values}

    try:
        assert scoring.by_label("半分法") is scoring.METHODS["half_test"]
        r = scoring.score_category([spec("half_test", 100)], ["a"], {(1, "a"): 3.0}, Decimal(20), GRADES)[0]
        assert r.score == 50.0
    finally:
        del scoring.METHODS["half_test"]
