"""The requirements' demo data: the training history of the tree's cadres, committee members and new members
(yearly 轮训 by level, the 县处级 cycle, the committees' yearly training, new secretaries' and probationary
members' training), dated up to as_of and the same for the same seed; the planted boundary examples keep their
numbers; run twice it adds nothing."""

import datetime as dt

import pytest
from django.db.models import Max, Min, Sum

from tests.members.conftest import make_member
from zugong.cadres.models import Cadre
from zugong.demo import training_requirements
from zugong.members.models import Membership, PostSpan
from zugong.training import requirements_eval as ev
from zugong.training.models import Credit

from .ledger_fixtures import D

pytestmark = pytest.mark.django_db

AS_OF = D(2026, 11, 27)


def history():
    return sorted(Credit.objects.unrestricted().filter(source=training_requirements.SOURCE)
                  .values_list("person_id", "on", "kind", "hours", "days", "source_label"))


def test_demo_history(tree):
    people = [tree.people.zhangsan, tree.people.lisi, tree.people.wangwu, tree.people.sunqi]
    for i, p in enumerate(people):  # the first four of level 4 carry the planted examples
        Cadre.objects.create(person=p, organization=tree.xiaodian, rank="township_chief", current_title=f"职务{i}")
    chief = Cadre.objects.create(person=tree.people.zhaoliu, organization=tree.datong, rank="county_chief",
                                 current_title="大同职务", rank_since=D(2015, 3, 1))
    secretary = make_member(tree.b3, "书记", 401, area="140213", committee_post="secretary")
    new = make_member(tree.b1, "新书记", 402)
    PostSpan.objects.create(organization=tree.b1, membership=new, post="secretary", started_on=D(2025, 3, 1))
    admitted = [make_member(tree.b2, f"预备{i}", 410 + i, joined_on=D(2025, 1, 1) + dt.timedelta(days=30 * i),
                            status=Membership.Status.PROBATIONARY) for i in range(5)]
    counts = training_requirements.seed(tree.root, tree.taiyuan, seed=1, as_of=AS_OF, log=lambda *a: None)
    assert counts["training_requirement_lines"] == 97 and counts["training_history_lines"] > 20
    lines = Credit.objects.unrestricted().filter(source=training_requirements.SOURCE)
    span = lines.aggregate(first=Min("on"), last=Max("on"))
    assert span["first"] >= D(2021, 1, 1) and span["last"] <= AS_OF
    # The planted 11 days and 12 days are all the concentrated training of their cadres in 2025.
    for person, days in zip(people[:2], (11, 12)):
        held = Credit.objects.unrestricted().filter(person=person, year=2025, kind__in=ev.CONCENTRATED_KINDS)
        assert held.aggregate(d=Sum("days"))["d"] == days
    # The 县处级 cadre of 大同 (the whole tree is judged) has a 5-year cycle of 专题培训 and a 进修班.
    assert lines.filter(person=chief.person, source_label__contains="进修班").exists()
    assert lines.filter(person=chief.person).values("on__year").distinct().count() >= 5
    # The old secretary is trained most years; the new one within 6 months; most new members in their first year.
    assert lines.filter(person=secretary.person, source_label__contains="书记和委员").count() >= 4
    induction = lines.filter(person=new.person, source_label__contains="新任").values_list("on", flat=True)
    assert all(D(2025, 3, 1) <= on <= D(2025, 9, 1) for on in induction)
    assert lines.filter(person__in=[m.person for m in admitted], source_label__contains="预备党员").count() >= 3
    first = history()
    assert training_requirements.seed(tree.root, tree.taiyuan, seed=1, as_of=AS_OF, log=lambda *a: None) == {}
    lines.delete()
    Credit.objects.unrestricted().filter(source="training.demo_requirements").delete()
    training_requirements.seed(tree.root, tree.taiyuan, seed=1, as_of=AS_OF, log=lambda *a: None)
    assert history() == first  # the same seed, the same history
