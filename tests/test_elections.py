"""Terms and elections: validity checks refuse an invalid election with the article, approval starts the new
term, postponements move the due date, overdue elections and the configured reminder become findings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core import rules
from zugong.core.models import Finding, LocalRule
from zugong.elections import services
from zugong.elections.defaults import install as install_local_rules
from zugong.elections.models import Election, ElectionCandidate
from zugong.elections.rules import majority, need_candidates, quorum_met
from zugong.elections.services import CandidateVotes
from zugong.orgs.models import Organization

HELD = dt.date(2026, 3, 10)


def votes(*pairs):
    return [CandidateVotes(name, yes) for name, yes in pairs]


FIVE_OF_SIX = votes(("甲", 30), ("乙", 29), ("丙", 28), ("丁", 27), ("戊", 26), ("己", 10))


def record(user, org, **kw):
    args = dict(held_on=HELD, seats=5, expected_voters=40, voters_present=36, candidates=FIVE_OF_SIX)
    return services.record_election(user, org, **(args | kw))


def test_integer_thresholds():
    assert [need_candidates(s) for s in (1, 3, 5, 7, 9)] == [2, 4, 6, 9, 11]
    assert quorum_met(40, 33) and not quorum_met(40, 32)  # 32 = exactly 4/5: not more than
    assert majority(40, 21) and not majority(40, 20)
    assert majority(7, 4) and not majority(7, 3)


@pytest.mark.django_db
def test_valid_election_elects_the_majority_up_to_the_seats(tree, users):
    election = record(users.taiyuan, tree.b1)
    assert election.valid and election.candidates == 6
    elected = list(ElectionCandidate.objects.unrestricted().filter(election=election, elected=True)
                   .values_list("name", flat=True))
    assert elected == ["甲", "乙", "丙", "丁", "戊"]
    assert not Finding.objects.unrestricted().filter(object_id=election.pk, model="elections.election").exists()


@pytest.mark.django_db
def test_too_few_candidates_is_refused_with_the_article(tree, users):
    with pytest.raises(rules.RuleViolation) as exc:
        record(users.taiyuan, tree.b1, candidates=FIVE_OF_SIX[:5])
    text = exc.value.messages[0]
    assert "应选 5 人，候选人 5 人，差额不足 20%（至少应有 6 名候选人）" in text
    assert "《中国共产党基层组织选举工作条例》（2020年）第十三条" in text
    assert not Election.objects.unrestricted().exists()  # all or nothing


@pytest.mark.django_db
def test_quorum_of_four_fifths(tree, users):
    with pytest.raises(rules.RuleViolation) as exc:
        record(users.taiyuan, tree.b1, voters_present=32)
    assert "应到会有选举权的党员 40 人，实到 32 人，未超过应到会人数的五分之四，选举无效" in exc.value.messages[0]
    assert record(users.taiyuan, tree.b1, voters_present=33).valid


@pytest.mark.django_db
def test_elected_needs_more_than_half_of_the_expected_voters(tree, users):
    # Only 3 of 5 seats filled: 戊 with 20 of 40 is not more than half, so not elected (no violation).
    e = record(users.taiyuan, tree.b1, candidates=votes(("甲", 30), ("乙", 29), ("丙", 21), ("丁", 20),
                                                        ("戊", 20), ("己", 3)))
    assert e.elected_names() == ["甲", "乙", "丙"]
    # A tie at the last seat needs another ballot.
    with pytest.raises(ValidationError) as exc:
        record(users.taiyuan, tree.b1, seats=3, candidates=votes(("甲", 30), ("乙", 29), ("丙", 25), ("丁", 25)))
    assert "第 3 名处票数相同（25 票），应对票数相同的候选人再次投票" in str(exc.value)


@pytest.mark.django_db
def test_majority_rule_catches_a_recorded_count_that_elects_too_few_votes(tree, users):
    e = record(users.taiyuan, tree.b1)
    ElectionCandidate.objects.unrestricted().filter(election=e, name="己").update(elected=True)
    found = rules.check_record(["elections.elected_majority"], e)
    assert [r.describe(row) for r, row in found] == [
        "1 名当选人的赞成票未超过应到会有选举权党员 40 人的半数；当选 6 人，多于应选 5 人"]


@pytest.mark.django_db
def test_exception_needs_a_manager_and_a_reason(tree, users):
    with pytest.raises(PermissionDenied):
        record(users.secretary, tree.b1, voters_present=30, exception_reason="特殊情况")
    e = record(users.taiyuan, tree.b1, voters_present=30, exception_reason="疫情期间经批准分会场投票")
    assert e.valid and e.exception_reason
    f = Finding.objects.unrestricted().get(rule="elections.quorum", object_id=e.pk)
    assert f.excepted_by == users.taiyuan


@pytest.mark.django_db
def test_input_errors_are_in_chinese(tree, users):
    with pytest.raises(ValidationError) as exc:
        record(users.taiyuan, tree.b1, voters_present=41)
    assert "实到会人数（41）不能多于应到会人数（40）" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        record(users.taiyuan, tree.b1, candidates=votes(("甲", 37), ("乙", 3), ("丙", 3), ("丁", 3), ("戊", 3), ("己", 3)))
    assert "甲的赞成票多于实到会人数（36）" in str(exc.value)
    with pytest.raises(PermissionDenied):
        record(users.datong, tree.b1)


@pytest.mark.django_db
def test_approval_by_the_higher_organization_starts_the_new_term(tree, users):
    e = record(users.secretary, tree.b1)
    with pytest.raises(PermissionDenied):
        services.approve(users.secretary, e, approved_on=dt.date(2026, 3, 20), secretary_name="甲")
    with pytest.raises(ValidationError) as exc:
        services.approve(users.taiyuan, e, approved_on=dt.date(2026, 3, 20), secretary_name="己")
    assert "己不在当选的委员中" in str(exc.value)
    services.approve(users.taiyuan, e, approved_on=dt.date(2026, 3, 20), secretary_name="甲",
                     deputy_secretary_name="乙", approval_document="小组通〔2026〕5号")
    b1 = Organization.objects.unrestricted().get(pk=tree.b1.pk)
    assert b1.term_started_on == HELD and b1.term_years == 5 and b1.term_ends_on == dt.date(2031, 3, 10)
    e.refresh_from_db()
    assert e.term_started and e.approved_by_higher
    from zugong.core.models import AuditEntry

    assert AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(b1.pk),
                                                    changes__icontains="2026-03-10").exists()


@pytest.mark.django_db
def test_overdue_election_and_postponement(tree, users):
    # b1 (community, 5 years from 2021-06-01) ends 2026-06-01.
    as_of = dt.date(2026, 9, 15)
    result = rules.scan(tree.root.path, as_of, [rules.RULES["elections.term_overdue"]])
    f = Finding.objects.unrestricted().get(rule="elections.term_overdue", object_id=tree.b1.pk)
    assert f.detail == "本届任期于 2026-06-01 届满，已逾期 3 个月未换届"
    assert f.article == "第三条" and result.per_rule["elections.term_overdue"] >= 1
    with pytest.raises(rules.RuleViolation) as exc:
        services.adjust_term(users.taiyuan, tree.b1, kind="postpone", months=13, approved_by="小店区委",
                             approved_on=dt.date(2026, 5, 1), reason="村两委同步换届")
    assert "延期换届 13 个月，应为 1 至 12 个月" in exc.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.adjust_term(users.secretary, tree.b1, kind="postpone", months=6, approved_by="小店区委",
                             approved_on=dt.date(2026, 5, 1), reason="村两委同步换届")
    adj = services.adjust_term(users.taiyuan, tree.b1, kind="postpone", months=6, approved_by="小店区委",
                               approved_on=dt.date(2026, 5, 1), reason="与村委会同步换届")
    assert adj.due_on == dt.date(2026, 12, 1)
    rules.scan(tree.root.path, as_of, [rules.RULES["elections.term_overdue"]])
    f.refresh_from_db()
    assert f.resolved_at is not None
    rules.scan(tree.root.path, dt.date(2026, 12, 2), [rules.RULES["elections.term_overdue"]])
    f2 = Finding.objects.unrestricted().get(rule="elections.term_overdue", object_id=tree.b1.pk, resolved_at=None)
    assert f2.detail == "本届任期于 2026-06-01 届满，经批准调整换届时间至 2026-12-01，已逾期 1 天未换届"


@pytest.mark.django_db
def test_reminder_is_a_configurable_local_rule(tree, users):
    install_local_rules(tree.root)
    reminder = [r for r in rules.all_rules() if r.code == "elections.local.term_reminder"][0]
    rules.scan(tree.root.path, dt.date(2026, 1, 15), [reminder])
    f = Finding.objects.unrestricted().get(rule="elections.local.term_reminder", object_id=tree.b1.pk)
    assert f.severity == "reminder" and "2026-06-01 届满" in f.detail and "还有 4 个月" in f.detail
    LocalRule.objects.filter(code="elections.local.term_reminder").update(params={"months": 3})
    reminder = [r for r in rules.all_rules() if r.code == "elections.local.term_reminder"][0]
    rules.scan(tree.root.path, dt.date(2026, 1, 15), [reminder])
    f.refresh_from_db()
    assert f.resolved_at is not None


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_record_an_election_through_the_page_and_approve_it(tree, users, login):
    client = login(users.taiyuan)
    data = {"organization": tree.b1.pk, "kind": "term", "held_on": "2026-03-10", "seats": "3",
            "expected_voters": "20", "voters_present": "16", "candidate_lines": "张三 15\n李四，14\n王五:13\n赵六 2"}
    r = client.post("/elections/records/new/", data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "未超过应到会人数的五分之四" in body and "例外办理理由" in body  # refused; a manager may except
    data["voters_present"] = "17"
    r = client.post("/elections/records/new/", data)
    assert r.status_code == 302
    e = Election.objects.unrestricted().get()
    assert e.elected_names() == ["张三", "李四", "王五"]
    r = client.get(f"/elections/records/{e.pk}/")
    assert "上级党组织批准书记、副书记" in r.content.decode()
    r = client.post(f"/elections/records/{e.pk}/approve/", {"approved_on": "2026-03-15", "secretary_name": "张三",
                                                            "deputy_secretary_name": ""})
    assert r.status_code == 302
    assert Organization.objects.unrestricted().get(pk=tree.b1.pk).term_started_on == dt.date(2026, 3, 10)


@pytest.mark.django_db
def test_candidate_lines_errors(tree, users, login):
    r = login(users.taiyuan).post("/elections/records/new/", {
        "organization": tree.b1.pk, "kind": "term", "held_on": "2026-03-10", "seats": "3", "expected_voters": "20",
        "voters_present": "17", "candidate_lines": "张三\n李四 3\n李四 4"})
    body = r.content.decode()
    assert "第 1 行“张三”应为“姓名 赞成票数”" in body and "候选人重复：李四" in body


@pytest.mark.django_db
def test_terms_list_shows_due_and_overdue_and_exports(tree, users, login, settings):
    from io import BytesIO

    from openpyxl import load_workbook

    Organization.objects.unrestricted().filter(pk=tree.b2.pk).update(term_started_on=dt.date(2020, 1, 1),
                                                                       term_ends_on=dt.date(2023, 1, 1))
    client = login(users.taiyuan)
    body = client.get("/elections/?state=overdue").content.decode()
    assert "财政局机关支部" in body and "已逾期" in body and "大同" not in body
    r = client.get("/elections/?state=all&export=xlsx")
    text = " ".join(str(c.value) for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row)
    assert "财政局" in text and "2023-01-01" in text or "2023" in text
    assert "大同" not in text


@pytest.mark.django_db
def test_an_approved_term_election_seats_the_committee_from_the_election_day(tree, users):
    """The elected take their posts from the election day (members.PostSpan names the election); the outgoing
    committee's posts end that day; a by-election adds to the committee."""
    from tests.members.conftest import make_member
    from zugong.members.models import Membership, PostSpan

    crew = {n: make_member(tree.b1, n, 700 + 2 * i) for i, n in enumerate("甲乙丙丁戊己庚")}
    old = make_member(tree.b1, "辛", 720, committee_post="secretary")
    e = record(users.taiyuan, tree.b1)
    services.approve(users.taiyuan, e, approved_on=dt.date(2026, 3, 20), secretary_name="甲",
                     deputy_secretary_name="乙")
    posts = dict(Membership.objects.unrestricted().filter(organization=tree.b1).exclude(committee_post="")
                 .values_list("person__name", "committee_post"))
    assert posts == {"甲": "secretary", "乙": "deputy_secretary", "丙": "member", "丁": "member", "戊": "member"}
    spans = PostSpan.objects.unrestricted().filter(organization=tree.b1)
    assert {s.membership.person.name for s in spans.filter(ended_on__isnull=True, election=e)} == set("甲乙丙丁戊")
    assert spans.get(membership=old).ended_on == HELD and spans.get(membership=old).started_on < HELD
    assert spans.get(membership=crew["甲"]).started_on == HELD
    # a by-election of the secretary: 己 from its day, 甲 stays a 委员; the others untouched
    by = record(users.taiyuan, tree.b1, kind=Election.Kind.BY_ELECTION, held_on=dt.date(2026, 6, 1), seats=1,
                candidates=votes(("己", 30), ("庚", 10)))
    services.approve(users.taiyuan, by, approved_on=dt.date(2026, 6, 10), secretary_name="己")
    posts = dict(Membership.objects.unrestricted().filter(organization=tree.b1).exclude(committee_post="")
                 .values_list("person__name", "committee_post"))
    assert posts == {"己": "secretary", "甲": "member", "乙": "deputy_secretary", "丙": "member", "丁": "member",
                     "戊": "member"}
    assert spans.filter(ended_on__isnull=True).count() == 6
    assert spans.get(membership=crew["甲"], post="secretary").ended_on == dt.date(2026, 6, 1)
# ---------------------------------------------------------------- 第五条: the roster of the election day (issue 13)


def _member(org, name, seq, *spans, discipline=None):
    """A member of `org` with a status history: (status, started_on, ended_on) spans; the record keeps the
    last status. `discipline`: a (started_on, ended_on) 留党察看."""
    from tests.conftest import make_person
    from zugong.members.models import DisciplineSpan, Membership, StatusSpan

    person = make_person(org, name, seq=seq)
    m = Membership.objects.create(person=person, organization=org, status=spans[-1][0], joined_on=spans[0][1])
    for status, start, end in spans:
        StatusSpan.objects.create(membership=m, status=status, started_on=start, ended_on=end)
    if discipline:
        DisciplineSpan.objects.create(membership=m, started_on=discipline[0], ended_on=discipline[1])
    return person


def _roster_of_b1(tree):
    """红星社区支部 on 2026-03-10 (HELD): 3 members with the right to vote."""
    D = dt.date
    full = ("full", D(2010, 7, 1), None)
    return {
        "a": _member(tree.b1, "甲", 401, full),
        "b": _member(tree.b1, "乙", 402, full),
        # stopped after the election: a full member on the day
        "c": _member(tree.b1, "丙", 403, ("full", D(2010, 7, 1), D(2026, 5, 1)), ("stopped", D(2026, 5, 1), None)),
        # probationary on the day (full since 2026-04-01)
        "d": _member(tree.b1, "丁", 404, ("probationary", D(2025, 4, 1), D(2026, 4, 1)), ("full", D(2026, 4, 1), None)),
        # under 留党察看 on the day
        "e": _member(tree.b1, "戊", 405, full, discipline=(D(2025, 9, 1), D(2026, 9, 1))),
        # admitted after the election
        "f": _member(tree.b1, "己", 406, ("probationary", D(2026, 6, 1), None)),
    }


def _election(org, expected, names=()):
    e = Election.objects.create(organization=org, held_on=HELD, seats=1, candidates=max(2, len(names)),
                                expected_voters=expected, voters_present=expected, valid=True)
    for i, person in enumerate(names):
        ElectionCandidate.objects.create(election=e, person=person, name=person.name, yes_votes=expected,
                                         elected=i == 0, order=i + 1)
    return e


def _found(code, obj):
    rule = rules.RULES[code]
    return [rule.describe(row) for _r, row in rules.check_record([code], obj, dt.date(2026, 11, 30))]


@pytest.mark.django_db
def test_expected_voters_are_checked_against_the_roster_of_the_election_day(tree):
    _roster_of_b1(tree)
    assert _found("elections.expected_voters_roster", _election(tree.b1, 3)) == []
    assert _found("elections.expected_voters_roster", _election(tree.b1, 2)) == []  # members excused
    [text] = _found("elections.expected_voters_roster", _election(tree.b1, 5))
    assert text.startswith("应到会有选举权的党员数 登记 5 人，选举日名册 3 人（2026-03-10 在册的正式党员")
    # the committee above counts its branches' members on the day
    assert _found("elections.expected_voters_roster", _election(tree.xiaodian, 3)) == []
    assert _found("elections.expected_voters_roster", _election(tree.xiaodian, 4))


@pytest.mark.django_db
def test_a_member_transferred_away_after_the_election_day_counts_where_they_were(tree):
    from zugong.members.models import Membership, TransferRequest

    _roster_of_b1(tree)
    mover = _member(tree.b2, "庚", 407, ("full", dt.date(2012, 7, 1), None))
    m = Membership.objects.unrestricted().get(person=mover)
    TransferRequest.objects.create(kind="within", status="received", membership=m, from_org=tree.b1,
                                   to_org=tree.b2, name=mover.name, id_number=mover.id_number,
                                   member_status="full", joined_on=dt.date(2012, 7, 1),
                                   requested_on=dt.date(2026, 4, 1), received_on=dt.date(2026, 4, 20))
    assert _found("elections.expected_voters_roster", _election(tree.b1, 4)) == []  # 庚 was in b1 on the day
    assert _found("elections.expected_voters_roster", _election(tree.b2, 1))  # and not yet in b2


@pytest.mark.django_db
def test_candidates_must_be_full_members_not_under_probation_on_the_election_day(tree):
    people = _roster_of_b1(tree)
    assert _found("elections.candidate_eligible", _election(tree.b1, 3, [people["a"], people["c"]])) == []
    assert _found("elections.candidate_eligible", _election(tree.b1, 3, [people["a"], people["d"]])) == [
        "候选人丁在选举日（2026-03-10）为预备党员，不是正式党员，没有被选举权"]
    assert _found("elections.candidate_eligible", _election(tree.b1, 3, [people["e"], people["a"]])) == [
        "候选人戊在选举日（2026-03-10）受留党察看处分、尚未恢复党员权利，没有被选举权"]
    assert _found("elections.candidate_eligible", _election(tree.b1, 3, [people["f"], people["d"]])) == [
        "2 名候选人在选举日没有被选举权：候选人己在选举日（2026-03-10）不是本省在册的正式党员，没有被选举权等"]
    assert "第五条" in rules.RULES["elections.candidate_eligible"].edition_on(HELD).citation


@pytest.mark.django_db
def test_a_discipline_recorded_later_reopens_the_candidate_finding_at_once(tree, users,
                                                                         django_capture_on_commit_callbacks):
    """Issue 13: a rule that reads the members' dated history is judged again when that history changes (its
    `Reads`), not only by the nightly scan: a 留党察看 recorded today for the election day opens the finding."""
    from zugong.core.models import Finding
    from zugong.members import services as member_services

    people = _roster_of_b1(tree)
    with django_capture_on_commit_callbacks(execute=True):
        election = _election(tree.b1, 3, [people["a"], people["b"]])
    assert not Finding.objects.unrestricted().filter(rule="elections.candidate_eligible", object_id=election.pk)
    from zugong.members.models import Membership

    member = Membership.objects.unrestricted().get(person=people["b"])
    with django_capture_on_commit_callbacks(execute=True):
        member_services.record_discipline(users.admin, member, started_on=dt.date(2026, 1, 5),
                                          ended_on=dt.date(2026, 11, 1), decision="某纪委决定")
    finding = Finding.objects.unrestricted().get(rule="elections.candidate_eligible", object_id=election.pk,
                                                 resolved_at__isnull=True)
    assert "候选人乙在选举日（2026-03-10）受留党察看处分" in finding.detail
