"""The ledger's demo data: online learning for the cadres of the whole tree (the scan judges them all) and
activities for the city's members, dated up to as_of, credited by the rules, a few cadres short; run twice it
adds nothing."""

import pytest
from django.db.models import Max, Sum

from tests.members.conftest import make_member
from zugong.cadres.models import Cadre
from zugong.demo import training_ledger
from zugong.training.models import Credit

from .ledger_fixtures import D

pytestmark = pytest.mark.django_db


def test_demo_ledger(tree):
    people = [tree.people.zhangsan, tree.people.lisi, tree.people.wangwu]
    for i, p in enumerate(people):
        Cadre.objects.create(person=p, organization=tree.xiaodian, rank="township_chief", current_title=f"职务{i}")
    Cadre.objects.create(person=tree.people.zhaoliu, organization=tree.datong, rank="township_chief",
                         current_title="大同职务")
    for i in range(3):
        make_member(tree.b1, f"党员{i}", 301 + 2 * i)
    as_of = D(2026, 11, 27)
    counts = training_ledger.seed(tree.root, tree.taiyuan, seed=1, as_of=as_of, log=lambda *a: None)
    assert counts["training_online_lines"] > 50 and counts["training_activity_lines"] >= 3
    online = Credit.objects.unrestricted().filter(source="training.online")
    assert online.aggregate(m=Max("on"))["m"] <= as_of
    assert online.filter(person=tree.people.zhaoliu).exists()  # 大同's cadre too: the scan judges the whole tree
    assert set(online.values_list("rule", flat=True)) == {"training.credit.online"}
    assert set(online.values_list("year", flat=True)) == set(range(2021, 2027))  # five whole years and this one
    last_year = dict(online.filter(year=2025).values("person").annotate(h=Sum("hours")).values_list("person", "h"))
    assert len(last_year) == 4 and max(last_year.values()) >= 50
    assert not Credit.objects.unrestricted().filter(source="training.manual", person=tree.people.zhaoliu).exists()
    assert training_ledger.seed(tree.root, tree.taiyuan, seed=1, as_of=as_of, log=lambda *a: None) == {}
