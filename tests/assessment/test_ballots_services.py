"""民主测评 and team grades through the services, on the database: codes, anonymity, closing, bars, follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.assessment.ballots_fixtures import (  # noqa: F401 — the fixtures
    TODAY,
    ballot_round_fixture,
    county_team_fixture,
    issue,
    marks_of,
)
from zugong.assessment import ballots_services as services
from zugong.assessment.models import (
    Ballot,
    BallotMark,
    BallotRound,
    CodeBatch,
    LeaderAssessment,
    TeamAssessment,
    VoterCode,
)
from zugong.core import rules
from zugong.core.models import AuditEntry, Finding, WrongGuess

pytestmark = pytest.mark.django_db


def test_codes_are_kept_as_keyed_hashes_and_the_plain_text_goes_after_printing(ballot_round, users):
    cls = ballot_round.classes["中层干部"]
    codes = issue(users.admin, cls, 5)
    assert len(codes) == 5 and all(len(c) == 11 and c[5] == "-" for c in codes)
    batch = CodeBatch.objects.unrestricted().get()
    stored = list(VoterCode.objects.unrestricted().values_list("digest", flat=True))
    plain = {services.normalize(c) for c in codes}
    assert len(stored) == 5 and not plain & set(stored)
    assert not any(p in batch.sealed for p in plain)  # sealed, not readable in the column
    services.confirm_printed(users.admin, batch)
    batch.refresh_from_db()
    assert batch.sealed == "" and batch.printed_at and services.slip_codes(batch) == []
    # a printed code still votes: its hash is all that is needed
    services.open_round(users.admin, ballot_round.round)
    found = services.find_code(codes[0], today=TODAY)
    assert found.voter_class == cls


def test_unknown_and_used_codes_are_refused_in_chinese(ballot_round, users):
    codes = issue(users.admin, ballot_round.classes["班子成员"], 2)
    services.open_round(users.admin, ballot_round.round)
    subjects = ballot_round.subjects
    with pytest.raises(ValidationError) as exc:
        services.cast("ZZZZZ-ZZZZZ", marks_of(subjects, [1, 1, 2, 3, 2]), today=TODAY)
    assert "投票码不存在" in exc.value.messages[0]
    services.cast(codes[0], marks_of(subjects, [1, 1, 2, 3, 2]), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.cast(codes[0].lower().replace("-", " "), marks_of(subjects, [1, 2, 2, 3, 2]), today=TODAY)
    assert "已经投过票" in exc.value.messages[0]
    assert Ballot.objects.unrestricted().count() == 1
    # every subject must be graded
    with pytest.raises(ValidationError) as exc:
        services.cast(codes[1], marks_of(subjects, [1, 1, 2]), today=TODAY)
    assert "尚未评价" in exc.value.messages[0]
    assert VoterCode.objects.unrestricted().filter(used=True).count() == 1


def test_a_round_not_open_or_past_its_dates_refuses_codes(ballot_round, users):
    codes = issue(users.admin, ballot_round.classes["班子成员"], 1)
    with pytest.raises(ValidationError, match="尚未开始"):
        services.find_code(codes[0], today=TODAY)
    services.open_round(users.admin, ballot_round.round)
    with pytest.raises(ValidationError, match="已经结束"):
        services.find_code(codes[0], today=dt.date(2026, 12, 6))


def test_guessing_is_rate_limited(ballot_round, users, settings):
    issue(users.admin, ballot_round.classes["班子成员"], 1)
    services.open_round(users.admin, ballot_round.round)
    for _ in range(services.GUESS_LIMIT):
        with pytest.raises(ValidationError, match="投票码不存在"):
            services.find_code("ABCDEFGHJK", ip="10.0.0.9", today=TODAY)
    with pytest.raises(ValidationError, match="错误次数过多"):
        services.find_code("ABCDEFGHJK", ip="10.0.0.9", today=TODAY)
    # another address is not held back; the address is stored only as a keyed hash
    with pytest.raises(ValidationError, match="投票码不存在"):
        services.find_code("ABCDEFGHJK", ip="10.0.0.10", today=TODAY)
    assert not WrongGuess.objects.filter(client__contains="10.0.0").exists()


def test_a_ballot_has_no_link_to_its_code_or_its_voter(ballot_round, users):
    codes = issue(users.admin, ballot_round.classes["中层干部"], 3)
    services.open_round(users.admin, ballot_round.round)
    entries = AuditEntry.objects.count()
    for code, levels in zip(codes, ([1, 1, 2, 3, 2], [2, 2, 1, 2, 3], [1, 2, 2, 1, 4])):
        services.cast(code, marks_of(ballot_round.subjects, levels), today=TODAY)
    # the ballot table has no column that points at a code, a batch, a person or a time of day
    columns = {f.name for f in Ballot._meta.get_fields()}
    assert columns == {"id", "round", "voter_class", "cast_on", "marks"}
    assert {f.name for f in VoterCode._meta.concrete_fields} == {"id", "round", "voter_class", "batch", "digest",
                                                                 "key_id", "used"}
    # random keys: the order of casting is not in them; and no audit entry per ballot
    assert all(isinstance(b.pk, type(Ballot().pk)) for b in Ballot.objects.unrestricted())
    assert AuditEntry.objects.count() == entries
    assert VoterCode.objects.unrestricted().filter(used=True).count() == 3


def test_closing_counts_freezes_and_is_audited(ballot_round, users):
    r = ballot_round.round
    codes = {name: issue(users.admin, cls, 6) for name, cls in ballot_round.classes.items()}
    services.open_round(users.admin, r)
    # 班子成员 and 中层干部 vote; 其他干部群众 (weight 40) casts nothing. 钱常委 (the last) gets many 不称职.
    for code, levels in zip(codes["班子成员"], ([1, 1, 2, 2, 4], [1, 2, 1, 2, 4], [2, 2, 2, 1, 3])):
        services.cast(code, marks_of(ballot_round.subjects, levels), today=TODAY)
    for code, levels in zip(codes["中层干部"], ([1, 1, 2, 3, 4], [2, 2, 2, 2, 2], [1, 1, 1, 2, 4])):
        services.cast(code, marks_of(ballot_round.subjects, levels), today=TODAY)
    services.close_round(users.admin, r, today=TODAY)
    r.refresh_from_db()
    assert r.status == BallotRound.Status.CLOSED and r.closed_by == users.admin
    assert r.follow_up_by == TODAY + dt.timedelta(days=30)
    assert r.results["ballots"] == 6 and r.results["void"] == 2  # one uniform, one over the cap
    assert r.params["fail_share"] == "1/3"
    qian = ballot_round.subjects[-1]
    qian.refresh_from_db()
    assert qian.flagged and qian.result["counted"] == 4 and qian.result["votes"]["4"] == 3
    assert {f["code"] for f in qian.result["flags"]} == {"fail", "low"}
    # 其他干部群众 did not vote: left out of the weighted score, not counted as zero
    wang = ballot_round.subjects[1]
    wang.refresh_from_db()
    classes = {c["name"]: c for c in wang.result["classes"]}
    assert classes["其他干部群众"]["average"] is None
    # 王书记's valid marks: 班子成员 优秀, 称职, 称职 (100, 80, 80); 中层干部 优秀 (100)
    assert classes["班子成员"]["average"] == pytest.approx(260 / 3)
    assert wang.result["score"] == pytest.approx((30 * 260 / 3 + 30 * 100) / 60)
    entry = AuditEntry.objects.filter(model="assessment.ballotround", object_id=r.pk).order_by("-pk").first()
    assert "结束测评" in entry.note

    # frozen: no ballot, no code, no class change, no new count
    with pytest.raises(ValidationError, match="已经结束"):
        services.cast(codes["班子成员"][3], marks_of(ballot_round.subjects, [1, 1, 2, 3, 2]), today=TODAY)
    with pytest.raises(ValidationError, match="已结束"):
        services.issue_codes(users.admin, ballot_round.classes["班子成员"], 1)
    with pytest.raises(ValidationError, match="已结束"):
        services.set_classes(users.admin, r, [{"name": "班子成员", "weight": 100}])
    with pytest.raises(ValidationError):
        services.close_round(users.admin, r)
    # a ballot slipped in behind the services' back changes nothing shown
    before = services.results(r)[0]
    extra = Ballot.objects.create(round=r, voter_class=ballot_round.classes["其他干部群众"], cast_on=TODAY)
    BallotMark.objects.bulk_create([BallotMark(ballot=extra, subject=s, level=4) for s in ballot_round.subjects])
    assert services.results(r)[0] == before


def test_a_flagged_subject_without_follow_up_is_found_after_the_deadline(ballot_round, users):
    r = ballot_round.round
    codes = issue(users.admin, ballot_round.classes["班子成员"], 2)
    services.open_round(users.admin, r)
    for code in codes:
        services.cast(code, marks_of(ballot_round.subjects, [1, 1, 2, 3, 4]), today=TODAY)
    services.close_round(users.admin, r, today=TODAY)
    qian = ballot_round.subjects[-1]
    rule = rules.RULES["assessment.ballots_follow_up"]
    rules.scan(as_of=TODAY + dt.timedelta(days=30), rules=[rule])
    assert not Finding.objects.filter(rule=rule.code).exists()
    rules.scan(as_of=TODAY + dt.timedelta(days=31), rules=[rule])
    finding = Finding.objects.get(rule=rule.code, object_id=qian.pk)
    assert finding.object_id == qian.pk and "钱常委" in finding.detail and "处理期限" in finding.detail
    qian.refresh_from_db()
    services.record_follow_up(users.admin, qian, follow_up="admonish", on=TODAY + dt.timedelta(days=32), note="诫勉谈话")
    rules.scan(as_of=TODAY + dt.timedelta(days=33), rules=[rule])
    assert not Finding.objects.filter(rule=rule.code, object_id=qian.pk).open().exists()
    assert Finding.objects.filter(rule=rule.code).open().exists()  # 赵常委 (all 基本称职) still waits


def test_a_ticked_barring_situation_refuses_the_top_grade_with_its_text(county_team, users):
    team, wang = county_team.team, county_team.cadres[0]
    kwargs = {"year": 2025, "mode": "annual", "assessed_on": dt.date(2026, 1, 20)}
    with pytest.raises(ValidationError) as exc:
        services.record_team_grade(users.admin, team, grade="good", bars=["ballots.bar3"], **kwargs)
    text = " ".join(exc.value.message_dict["grade"])
    assert "领导班子不团结" in text and "条款号待核" in text and "《党政领导干部考核工作条例》" in text
    assert not TeamAssessment.objects.unrestricted().exists()
    row = services.record_team_grade(users.admin, team, grade="fairly_good", bars=["ballots.bar3"], **kwargs)
    assert row.bars == [{"code": "ballots.bar3", "text": row.bars[0]["text"]}]
    with pytest.raises(ValidationError, match="不得评为优秀等次"):
        services.record_leader_grade(users.admin, team, wang, grade="excellent", bars=["ballots.bar6"], **kwargs)
    services.record_leader_grade(users.admin, team, wang, grade="excellent", bars=[], **kwargs)
    # an authorized exception passes and is recorded as such
    li = county_team.cadres[1]
    services.record_leader_grade(users.admin, team, li, grade="excellent", bars=["ballots.bar6"],
                                 exception_reason="处分影响期已满，经部务会研究", **kwargs)
    assert LeaderAssessment.objects.unrestricted().count() == 2
    assert Finding.objects.get(rule="assessment.ballots_leader_barred_top").excepted_by == users.admin


def test_weights_of_a_round_are_renormalized_on_the_database_too(ballot_round, users):
    """The defect named in the issue: a class that casts nothing must not pull every score down."""
    r = ballot_round.round
    codes = issue(users.admin, ballot_round.classes["班子成员"], 1)
    issue(users.admin, ballot_round.classes["其他干部群众"], 3)  # issued, never used
    services.open_round(users.admin, r)
    services.cast(codes[0], marks_of(ballot_round.subjects, [1, 1, 2, 2, 3]), today=TODAY)
    rows, totals, _ = services.results(r)
    scores = {s.name: res["score"] for s, res in rows}
    assert scores["王书记"] == pytest.approx(100)  # not 30 (30 % of 100, as if the others had given 0)
    assert scores["钱常委"] == pytest.approx(60)
