"""The ballots pages through the real HTTP client: the phone ballot without login, the setup, slips, turnout and
results pages, and scoping (a user of another city sees nothing)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.assessment.ballots_fixtures import (  # noqa: F401 — the fixtures
    TODAY,
    ballot_round_fixture,
    county_team_fixture,
    issue,
    marks_of,
)
from zugong.assessment import ballots_services as services
from zugong.assessment.models import Ballot, BallotRound, CodeBatch, TeamAssessment, VoterCode

pytestmark = pytest.mark.django_db


def _ballot_form(subjects, levels, code):
    return {"code": code, "cast": "1", **{f"s{s.pk}": str(lv) for s, lv in zip(subjects, levels)}}


def test_the_phone_ballot_without_login(client, ballot_round, users):
    codes = issue(users.admin, ballot_round.classes["其他干部群众"], 2)
    services.open_round(users.admin, ballot_round.round)
    # the slip's address: the ballot of that code, phone-sized, with every subject and both scales
    page = client.get(reverse("assessment:ballots_vote_code", args=[services.normalize(codes[0])]))
    body = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in body
    assert "2026年度小店区委领导班子民主测评" in body and "其他干部群众" in body
    assert "王书记" in body and "钱常委" in body and "较差" in body and "不称职" in body
    assert "“优秀”最多 1 人" in body
    # a ballot missing a subject comes back with the marks kept and the reason
    subjects = ballot_round.subjects
    partial = _ballot_form(subjects[:3], [1, 1, 2], codes[0])
    body = client.post(reverse("assessment:ballots_vote"), partial).content.decode()
    assert "尚未评价" in body and "赵常委" in body and Ballot.objects.unrestricted().count() == 0
    # cast
    done = client.post(reverse("assessment:ballots_vote"), _ballot_form(subjects, [1, 1, 2, 3, 2], codes[0]))
    assert "投票已提交" in done.content.decode()
    assert Ballot.objects.unrestricted().get().voter_class == ballot_round.classes["其他干部群众"]
    # the same code again, by the link or typed: refused in Chinese
    again = client.get(reverse("assessment:ballots_vote_code", args=[services.normalize(codes[0])])).content.decode()
    assert "已经投过票" in again
    typed = client.post(reverse("assessment:ballots_vote"), {"code": codes[0]}).content.decode()
    assert "已经投过票" in typed
    assert "投票码不存在" in client.post(reverse("assessment:ballots_vote"), {"code": "ABCDE-23456"}).content.decode()
    # the code typed in lower case with spaces opens the ballot
    typed = client.post(reverse("assessment:ballots_vote"), {"code": codes[1].lower().replace("-", " ")})
    assert 'name="cast"' in typed.content.decode()


def test_setup_issue_print_open_close_through_the_pages(login, ballot_round, users):
    client = login(users.taiyuan)
    r = ballot_round.round
    page = client.get(reverse("assessment:ballots_round", args=[r.pk])).content.decode()
    assert "王书记" in page and "班子成员" in page and "开始测评" in page
    cls = ballot_round.classes["中层干部"]
    resp = client.post(reverse("assessment:ballots_round_codes", args=[r.pk]), {"voter_class": cls.pk, "count": 3})
    batch = CodeBatch.objects.unrestricted().get()
    assert resp.status_code == 302 and resp["Location"] == reverse("assessment:ballots_slips", args=[batch.pk])
    slips = client.get(resp["Location"]).content.decode()
    shown = re.findall(r'class="slip-code">([A-Z0-9-]{11})<', slips)
    assert len(shown) == 3 and slips.count("class=\"slip-qr\"><svg") == 3 and "/assessment/ballots/vote/" in slips
    pdf = client.get(resp["Location"] + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    client.post(resp["Location"])  # 确认已打印
    assert "明文已销毁" in client.get(resp["Location"]).content.decode()
    assert not any(services.normalize(c) in client.get(resp["Location"]).content.decode() for c in shown)
    client.post(reverse("assessment:ballots_round_classes", args=[r.pk]),
                {"classes": "班子成员 20\n中层干部 50\n其他干部群众 30"})
    assert ballot_round.classes["中层干部"].__class__.objects.unrestricted().get(pk=cls.pk).weight == 50
    client.post(reverse("assessment:ballots_round_open", args=[r.pk]))
    assert BallotRound.objects.unrestricted().get(pk=r.pk).status == "open"
    services.cast(shown[0], marks_of(ballot_round.subjects, [1, 1, 2, 3, 4]), today=TODAY)
    turnout = client.get(reverse("assessment:ballots_round", args=[r.pk])).content.decode()
    assert 'id="turnout-total">1 / 3<' in turnout and "33.3%" in turnout
    live = client.get(reverse("assessment:ballots_results", args=[r.pk])).content.decode()
    assert "当前统计" in live and 'id="chart-scores"' in live and "option-scores" in live
    client.post(reverse("assessment:ballots_round_close", args=[r.pk]))
    results = client.get(reverse("assessment:ballots_results", args=[r.pk])).content.decode()
    assert "测评结果" in results and "未投票" in results and "登记处理情况" in results
    flagged = [s for s in ballot_round.subjects if s.name == "钱常委"][0]
    resp = client.post(reverse("assessment:ballots_follow_up", args=[flagged.pk]),
                       {"follow_up": "adjust", "on": "2026-12-01", "note": "调整分工"})
    assert resp.status_code == 302
    assert "组织调整（2026-12-01）" in client.get(reverse("assessment:ballots_results", args=[r.pk])).content.decode()


def test_team_grade_pages_refuse_a_barred_good(login, county_team, users):
    client = login(users.taiyuan)
    url = reverse("assessment:ballots_team_create")
    form = client.get(url).content.decode()
    assert "领导班子不团结" in form
    data = {"team": county_team.team.pk, "year": 2025, "mode": "annual", "grade": "good",
            "assessed_on": "2026-01-20", "bars": ["ballots.bar1"]}
    body = client.post(url, data).content.decode()
    assert "不得评为“好”" in body and "条款号待核" in body and not TeamAssessment.objects.unrestricted().exists()
    resp = client.post(url, {**data, "grade": "fairly_good"})
    row = TeamAssessment.objects.unrestricted().get()
    assert resp["Location"] == reverse("assessment:ballots_team", args=[row.pk])
    page = client.get(resp["Location"]).content.decode()
    assert "较好" in page and "贯彻落实党中央决策部署" in page
    resp = client.post(reverse("assessment:ballots_leader_create", args=[row.pk]),
                       {"cadre": county_team.cadres[0].pk, "year": 2025, "mode": "annual", "grade": "competent",
                        "assessed_on": "2026-01-20"})
    assert resp.status_code == 302
    listing = client.get(reverse("assessment:ballots_teams")).content.decode()
    assert "中共小店区委领导班子" in listing
    for name in ("ballots_bars", "ballots_rules", "ballots_rounds", "index"):
        assert client.get(reverse(f"assessment:{name}")).status_code == 200


def test_another_citys_user_sees_nothing(login, ballot_round, users):
    r = ballot_round.round
    batch = services.issue_codes(users.admin, ballot_round.classes["班子成员"], 2)
    services.open_round(users.admin, r)
    row = services.record_team_grade(users.admin, ballot_round.team.team, year=2025, mode="annual",
                                     grade="good", assessed_on=dt.date(2026, 1, 20))
    client = login(users.datong)
    for name in ("ballots_rounds", "ballots_teams"):
        body = client.get(reverse(f"assessment:{name}")).content.decode()
        assert "小店" not in body and "王书记" not in body
    for name, pk in (("ballots_round", r.pk), ("ballots_results", r.pk), ("ballots_slips", batch.pk),
                     ("ballots_team", row.pk), ("ballots_subject", ballot_round.subjects[0].pk)):
        assert client.get(reverse(f"assessment:{name}", args=[pk])).status_code == 404, name
    for name in ("ballots_round_open", "ballots_round_close", "ballots_round_codes"):
        assert client.post(reverse(f"assessment:{name}", args=[r.pk])).status_code == 404, name
    assert BallotRound.objects.unrestricted().get(pk=r.pk).status == "open"
    assert VoterCode.objects.unrestricted().count() == 2
