"""The pure assignment: balance, field preference, conflicts."""

from types import SimpleNamespace as N

from zugong.talent.assignment import assign


def _experts(n, field="物理"):
    return [N(pk=i, field=field) for i in range(1, n + 1)]


def _apps(n, field="物理"):
    return [N(pk=1000 + i, field=field) for i in range(n)]


def test_loads_differ_by_at_most_one():
    experts, apps = _experts(7), _apps(10)
    pairs = assign(apps, experts, set(), 3)
    assert len(pairs) == 30 and not pairs.short
    load = {}
    for _, e in pairs:
        load[e] = load.get(e, 0) + 1
    assert max(load.values()) - min(load.values()) <= 1
    assert len(set(pairs)) == 30


def test_conflicts_never_assigned_and_shortfall_reported():
    experts, apps = _experts(4), _apps(3)
    conflicts = {(1, 1000), (2, 1000)}
    pairs = assign(apps, experts, conflicts, 3)
    assert not set((e, a) for a, e in pairs) & conflicts
    assert 1000 in pairs.short
    assert sum(1 for a, _ in pairs if a == 1000) == 2


def test_field_preferred_among_equal_load():
    experts = _experts(3, "化学") + [N(pk=9, field="物理")]
    pairs = assign([N(pk=1, field="物理")], experts, set(), 1)
    assert pairs == [(1, 9)]


def test_existing_load_counts():
    pairs = assign(_apps(1), _experts(3), set(), 1, {1: 5, 2: 5})
    assert pairs[0][1] == 3
