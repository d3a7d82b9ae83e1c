"""出党、死亡 and 党内表彰: the services write the typed row, the status and the dated history; they refuse what
cannot be."""

import datetime as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.stats.fixtures import member
from zugong.core.models import AuditEntry
from zugong.members import exits
from zugong.members.models import Award, Exit, Membership, StatusSpan

S = Membership.Status


def _spans(m):
    return list(StatusSpan.objects.unrestricted().filter(membership=m).order_by("started_on")
                .values_list("status", "started_on", "ended_on"))


@pytest.mark.django_db
def test_an_exit_sets_the_status_and_the_history_turns_on_the_decided_day(tree, users):
    m = member(tree.b1, "甲", 41)
    entries = AuditEntry.objects.unrestricted().count()
    ex = exits.record_exit(users.taiyuan, m, kind="expelled", decided_on=D.date(2026, 3, 5),
                           approved_by="中共太原市小店区纪律检查委员会", document_no="小纪〔2026〕5号",
                           misconduct="integrity", manifestation="道德行为不端", rank_level="")
    m.refresh_from_db()
    assert m.status == S.LEFT and ex.organization == tree.b1 and ex.org_path == tree.b1.path
    spans = _spans(m)
    assert spans[-2][0] == S.FULL and spans[-2][2] == D.date(2026, 3, 5)
    assert spans[-1] == (S.LEFT, D.date(2026, 3, 5), None)
    assert AuditEntry.objects.unrestricted().count() > entries


@pytest.mark.django_db
def test_death_and_cancelled_probation_and_the_handling_committee(tree, users):
    m = member(tree.b1, "乙", 42)
    exits.record_exit(users.taiyuan, m, kind="死亡", decided_on=D.date(2026, 5, 1), organization=tree.xiaodian)
    m.refresh_from_db()
    assert m.status == S.DECEASED and Exit.objects.unrestricted().get(membership=m).organization == tree.xiaodian
    p = member(tree.b2, "丙", 43, status="probationary", joined=D.date(2026, 1, 10))
    exits.record_exit(users.taiyuan, p, kind="cancelled", decided_on=D.date(2026, 6, 1))
    p.refresh_from_db()
    assert p.status == S.CANCELLED and _spans(p)[-1] == (S.CANCELLED, D.date(2026, 6, 1), None)


@pytest.mark.django_db
def test_exit_refusals(tree, users):
    m = member(tree.b1, "丁", 44)
    with pytest.raises(ValidationError, match="不是预备党员"):
        exits.record_exit(users.taiyuan, m, kind="cancelled", decided_on=D.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        exits.record_exit(users.taiyuan, m, kind="withdrawn", decided_on=D.date(2027, 3, 1))
    with pytest.raises(ValidationError, match="不能早于入党时间"):
        exits.record_exit(users.taiyuan, m, kind="withdrawn", decided_on=D.date(2004, 3, 1))
    with pytest.raises(ValidationError, match="不是该党员所在党支部或其上级"):
        exits.record_exit(users.taiyuan, m, kind="withdrawn", decided_on=D.date(2026, 3, 1), organization=tree.b2)
    with pytest.raises(PermissionDenied):
        exits.record_exit(users.datong, m, kind="withdrawn", decided_on=D.date(2026, 3, 1))
    exits.record_exit(users.taiyuan, m, kind="withdrawn", decided_on=D.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="已出党"):
        exits.record_exit(users.taiyuan, m, kind="died", decided_on=D.date(2026, 4, 1))
    assert Exit.objects.unrestricted().filter(membership=m).count() == 1


@pytest.mark.django_db
def test_awards_to_a_member_and_to_an_organization(tree, users):
    m = member(tree.b1, "戊", 45)
    a = exits.record_award(users.taiyuan, kind="member", level="county", membership=m, awarded_on=D.date(2026, 7, 1))
    assert a.organization == tree.b1 and a.org_path == tree.b1.path
    o = exits.record_award(users.taiyuan, kind="先进基层党组织", level="city", organization=tree.b2,
                           awarded_on=D.date(2026, 7, 1))
    assert o.membership is None and o.kind == Award.Kind.ORGANIZATION
    with pytest.raises(ValidationError, match="请选择党员"):
        exits.record_award(users.taiyuan, kind="worker", level="county", organization=tree.b1,
                           awarded_on=D.date(2026, 7, 1))
    with pytest.raises(ValidationError, match="不填党员"):
        exits.record_award(users.taiyuan, kind="organization", level="county", organization=tree.b1, membership=m,
                           awarded_on=D.date(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        exits.record_award(users.datong, kind="organization", level="county", organization=tree.b1,
                           awarded_on=D.date(2026, 7, 1))


@pytest.mark.django_db
def test_the_exit_action_and_the_lists(tree, users, login):
    m = member(tree.b1, "己", 46)
    c = login(users.taiyuan)
    page = c.get(f"/members/{m.pk}/").content.decode()
    assert "出党/死亡登记" in page
    r = c.post(f"/members/{m.pk}/exit/", {"kind": "persuaded", "decided_on": "2026-09-01", "approved_by": "小店区委",
                                          "document_no": "7号"})
    assert r.status_code == 302, r.content.decode()[:2000]
    m.refresh_from_db()
    assert m.status == S.LEFT
    bad = c.post(f"/members/{m.pk}/exit/", {"kind": "died", "decided_on": "2026-10-01"}).content.decode()
    assert "不能再办理出党或死亡登记" in bad
    listing = c.get("/members/exits/?year=2026&kind=persuaded").content.decode()
    assert "己" in listing and "7号" in listing
    assert "己" not in c.get("/members/exits/?kind=died").content.decode()
    export = c.get("/members/exits/?year=2026&export=xlsx")
    assert export.status_code == 200
    other = login(users.datong)
    assert "己" not in other.get("/members/exits/").content.decode()
    a = member(tree.b1, "庚", 47)
    c = login(users.taiyuan)
    r = c.post(f"/members/{a.pk}/awards/add/", {"kind": "member", "level": "county", "awarded_on": "2026-07-01"})
    assert r.status_code == 302
    assert "庚" in c.get("/members/awards/").content.decode()
