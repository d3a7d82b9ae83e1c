"""The steps as services: the whole way from the proposal to the end of the probation, the cadre record
changed on appointment, refusals with the article, exceptions by an administrator (audited), rollback, scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.appointments.conftest import make_cadre, make_observation
from zugong.appointments import services
from zugong.appointments.models import CaseStep, SelectionCase
from zugong.appointments.services import StepRecord as R
from zugong.cadres.models import CadrePost, RankRecord
from zugong.core import rules
from zugong.core.models import AuditEntry, Finding

D = dt.date
pytestmark = pytest.mark.django_db


def open_case(user, cadre, org, **extra):
    values = dict(title="区委组织部副部长", unit_name="中共太原市小店区委员会", rank="county_deputy",
                  probation_applies=True)
    values.update(extra)
    return services.open_case(user, cadre=cadre, organization=org, record=R(D(2026, 3, 2), done_by="区委组织部"),
                              reason="副部长职位空缺", **values).case


def to_decision(user, case, observations=()):
    services.recommend(user, case, R(D(2026, 3, 10)), participants=48, issued=48, returned=47, valid=46,
                       received=39)
    services.inspect(user, case, R(D(2026, 3, 16)), end=D(2026, 3, 20), people_talked=26, inspectors="王某、李某",
                     materials="政治素质好，工作实绩突出", observations=list(observations))
    return case


def decided(user, case, observations=()):
    to_decision(user, case, observations)
    services.decide(user, case, R(D(2026, 4, 1)), expected=9, present=8, yes=8)
    return case


def test_the_whole_way_to_the_appointment_and_the_cadre_record(tree, users, cadre):
    admin = users.taiyuan
    obs = make_observation(cadre)
    case = decided(admin, open_case(admin, cadre, tree.xiaodian), [obs])
    assert list(case.observations.all()) == [obs]
    assert (case.stage, case.from_rank, case.from_title, case.is_promotion) == (4, "township_chief",
                                                                                "坞城街道党工委书记", True)
    result = services.public_notice(admin, case, R(D(2026, 4, 2)))
    # 清明 (2026-04-04 to 04-06) is not counted: five working days end on 04-09.
    assert (case.public_notice_end, case.public_notice_workdays, case.stage) == (D(2026, 4, 9), 5, 5)
    result = services.appoint(admin, case, R(D(2026, 4, 20)), document_no="小组干字〔2026〕12号")
    case.refresh_from_db()
    assert (case.status, case.stage, case.probation_until) == ("probation", 6, D(2027, 4, 20))
    cadre.refresh_from_db()
    assert (cadre.rank, cadre.rank_since) == ("county_deputy", D(2026, 4, 20))
    post = CadrePost.objects.unrestricted().get(cadre=cadre, end_on__isnull=True)
    assert (post.title, post.document_no, case.post_id) == ("区委组织部副部长", "小组干字〔2026〕12号", post.pk)
    assert "区委组织部副部长" in cadre.current_title
    assert result.warnings == []
    steps = list(CaseStep.objects.unrestricted().filter(case=case).values_list("kind", flat=True))
    assert steps == ["proposal", "recommendation", "inspection", "decision", "public_notice", "appointment"]
    log = AuditEntry.objects.unrestricted().filter(model="appointments.selectioncase", object_id=str(case.pk))
    assert [e.note for e in log.filter(action="step").order_by("id")][-1] == "流程步骤：任职"
    assert any(c["label"] == "一线考察识别记录" for e in log for c in e.changes)


def test_steps_in_order_and_counts_that_add_up(tree, users, cadre):
    admin = users.taiyuan
    case = open_case(admin, cadre, tree.xiaodian)
    with pytest.raises(ValidationError, match="请先记录“考察”，再办理“讨论决定”"):
        services.decide(admin, case, R(D(2026, 4, 1)), expected=9, present=8, yes=8)
    with pytest.raises(ValidationError) as exc:
        services.recommend(admin, case, R(D(2026, 3, 10)), participants=48, issued=48, returned=49, valid=46,
                           received=47)
    assert exc.value.message_dict == {"ballots_returned": ["收回推荐票 49 张，多于发出的 48 张"],
                                      "votes_received": ["得票 47 张，多于有效票 46 张"]}
    with pytest.raises(ValidationError) as exc:
        services.recommend(admin, case, R(D(2026, 2, 10)), participants=4, issued=4, returned=4, valid=4,
                           received=4)
    assert exc.value.message_dict == {"recommended_on": ["民主推荐日期（2026-02-10）早于动议日期（2026-03-02）"]}
    with pytest.raises(ValidationError, match="已有进行中的选拔任用纪实"):
        open_case(admin, cadre, tree.xiaodian)


def test_ineligible_decision_refused_with_the_article_and_rolled_back(tree, users, cadre):
    admin = users.taiyuan
    cadre.work_started_on = D(2023, 8, 1)
    cadre.save()
    case = to_decision(admin, open_case(admin, cadre, tree.xiaodian))
    with pytest.raises(rules.RuleViolation) as exc:
        services.decide(admin, case, R(D(2026, 4, 1)), expected=9, present=5, yes=4)
    assert exc.value.messages == [
        "参加工作 2 年 8 个月（2023-08-01 参加工作），不足 5 年（《党政领导干部选拔任用工作条例》（2019年）条款号待核）；"
        "实到会成员 5 人，不足应到会成员 9 人的三分之二（《党政领导干部选拔任用工作条例》（2019年，到会比例待核）条款号待核）；"
        "同意 4 票，未超过应到会成员 9 人的半数（《党政领导干部选拔任用工作条例》（2019年）条款号待核）。"
        "如确有特殊情况，可由有权限的管理员填写理由后作为例外办理。"]
    case.refresh_from_db()
    assert (case.decided_on, case.stage) == (None, 3)
    assert not CaseStep.objects.unrestricted().filter(case=case, kind="decision").exists()


def test_exception_recorded_with_a_reason_and_audited(tree, users, cadre):
    admin = users.taiyuan
    cadre.work_started_on = D(2023, 8, 1)
    cadre.save()
    case = to_decision(admin, open_case(admin, cadre, tree.xiaodian))
    result = services.decide(admin, case, R(D(2026, 4, 1), exception_reason="经省委组织部批准破格提拔"),
                             expected=9, present=8, yes=8)
    assert result.case.decided_on == D(2026, 4, 1)
    finding = Finding.objects.unrestricted().get(rule="appointments.work_years", object_id=case.pk)
    assert (finding.exception_reason, finding.excepted_by) == ("经省委组织部批准破格提拔", admin)
    entry = AuditEntry.objects.unrestricted().filter(action="exception").latest("id")
    assert entry.note == "经省委组织部批准破格提拔"
    # A correction of the note needs no second exception while the facts stay the same.
    services.decide(admin, case, R(D(2026, 4, 1), note="会议纪要见附件"), expected=9, present=8, yes=8)


def test_a_secretary_may_not_except(tree, users, cadre):
    from zugong.accounts.models import ScopeGrant
    from zugong.core.scope import Role

    ScopeGrant.objects.create(user=users.secretary, organization=tree.xiaodian, role=Role.SECRETARY)
    users.secretary._zugong_grants = None
    cadre.work_started_on = D(2023, 8, 1)
    cadre.save()
    case = to_decision(users.secretary, open_case(users.secretary, cadre, tree.xiaodian))
    with pytest.raises(PermissionDenied, match="只有组织部门或党组织管理员可以作为例外办理"):
        services.decide(users.secretary, case, R(D(2026, 4, 1), exception_reason="特殊"), expected=9, present=8,
                        yes=8)


def test_short_notice_and_early_appointment_refused(tree, users, cadre):
    admin = users.taiyuan
    case = decided(admin, open_case(admin, cadre, tree.xiaodian))
    with pytest.raises(rules.RuleViolation, match="任前公示 3 个工作日（2026-04-02 至 2026-04-07），不足 5 个工作日"):
        services.public_notice(admin, case, R(D(2026, 4, 2)), days=3)
    services.public_notice(admin, case, R(D(2026, 4, 2)))
    with pytest.raises(rules.RuleViolation, match="任前公示至 2026-04-09 期满，2026-04-08 即已任职"):
        services.appoint(admin, case, R(D(2026, 4, 8)), document_no="小组干字〔2026〕12号")
    cadre.refresh_from_db()
    assert cadre.rank == "township_chief"  # the cadre record change rolled back with the step
    assert not CadrePost.objects.unrestricted().filter(cadre=cadre, title="区委组织部副部长").exists()
    with pytest.raises(ValidationError, match="请填写任职文号"):
        services.appoint(admin, case, R(D(2026, 4, 10)), document_no=" ")


def test_probation_end_confirmed_or_returned_to_the_former_rank(tree, users, cadre):
    admin = users.taiyuan
    case = SelectionCase.objects.create(
        cadre=cadre, organization=tree.xiaodian, proposed_on=D(2025, 3, 1), title="区委组织部副部长",
        unit_name="中共太原市小店区委员会", rank="county_deputy", from_rank="township_chief",
        from_rank_since=D(2020, 1, 1), probation_applies=True, recommended_on=D(2025, 3, 10),
        inspection_start=D(2025, 3, 15), inspection_end=D(2025, 3, 20), decided_on=D(2025, 4, 1),
        public_notice_start=D(2025, 4, 2), public_notice_end=D(2025, 4, 9), public_notice_workdays=5)
    services.appoint(admin, case, R(D(2025, 4, 20)), document_no="小组干字〔2025〕8号")
    assert case.status == "probation"
    with pytest.raises(ValidationError, match="试用期至 2026-04-20 届满，届满后方可正式任职"):
        services.conclude_probation(admin, case, R(D(2026, 3, 1)), result="confirmed")
    services.conclude_probation(admin, case, R(D(2026, 4, 25), note="试用期满考核不胜任"), result="returned")
    case.refresh_from_db()
    cadre.refresh_from_db()
    assert (case.status, case.stage) == ("returned", 8)
    assert (cadre.rank, cadre.rank_since) == ("township_chief", D(2026, 4, 25))
    post = CadrePost.objects.unrestricted().get(pk=case.post_id)
    assert post.end_on == D(2026, 4, 25)
    assert list(RankRecord.objects.unrestricted().filter(cadre=cadre).order_by("start_on", "pk")
                .values_list("rank", flat=True))[-2:] == ["county_deputy", "township_chief"]
    entry = AuditEntry.objects.unrestricted().filter(model="appointments.selectioncase", object_id=str(case.pk)).latest("id")
    assert {"label": "职级", "old": "县处级副职", "new": "乡科级正职", "field": "rank"} in entry.changes


def test_probation_confirmed(tree, users, cadre):
    admin = users.taiyuan
    case = SelectionCase.objects.create(
        cadre=cadre, organization=tree.xiaodian, proposed_on=D(2025, 3, 1), title="区委组织部副部长",
        unit_name="中共太原市小店区委员会", rank="county_deputy", from_rank="township_chief", probation_applies=True,
        decided_on=D(2025, 4, 1), inspection_end=D(2025, 3, 20), public_notice_start=D(2025, 4, 2),
        public_notice_end=D(2025, 4, 9), public_notice_workdays=5)
    services.appoint(admin, case, R(D(2025, 4, 20)), document_no="小组干字〔2025〕8号")
    services.conclude_probation(admin, case, R(D(2026, 4, 21)), result="confirmed")
    cadre.refresh_from_db()
    assert (case.status, cadre.rank) == ("completed", "county_deputy")


def test_scope_other_side_may_not_act(tree, users, cadre, datong_cadre):
    with pytest.raises(PermissionDenied):
        open_case(users.datong, cadre, tree.xiaodian)
    with pytest.raises(ValidationError, match="所选干部不存在或不在您的管辖范围内"):
        open_case(users.datong, cadre, tree.datong)
    case = open_case(users.taiyuan, cadre, tree.xiaodian)
    with pytest.raises(PermissionDenied):
        services.terminate(users.datong, case, R(D(2026, 3, 5)), reason="x")
    assert SelectionCase.objects.visible_to(users.datong).count() == 0


def test_observations_recorded_and_attached_only_to_their_cadre(tree, users, cadre, datong_cadre):
    admin = users.taiyuan
    obs = services.record_observation(admin, cadre, observed_on=D(2025, 7, 22), task_kind="disaster",
                                      task="抗洪抢险", conduct="驻守堤坝", observer="干部科", rating="good")
    assert (obs.person, obs.org_path) == (cadre.person, cadre.org_path)
    with pytest.raises(ValidationError) as exc:
        services.record_observation(admin, cadre, observed_on=D(2027, 1, 1), task_kind="other", task="",
                                    conduct="x", observer="y")
    assert exc.value.message_dict == {"observed_on": ["考察日期 2027-01-01 晚于今天"], "task": ["请填写重大任务"]}
    other = make_observation(make_cadre(tree.people.lisi, tree.xiaodian))
    case = open_case(admin, cadre, tree.xiaodian)
    services.recommend(admin, case, R(D(2026, 3, 10)), participants=4, issued=4, returned=4, valid=4, received=4)
    with pytest.raises(ValidationError, match="只能附上该干部本人的一线考察识别记录"):
        services.inspect(admin, case, R(D(2026, 3, 16)), end=D(2026, 3, 20), people_talked=3,
                         observations=[obs, other])
    services.inspect(admin, case, R(D(2026, 3, 16)), end=D(2026, 3, 20), people_talked=3, observations=[obs])
    with pytest.raises(ValidationError, match="该记录已附入考察材料，不能删除"):
        services.delete_observation(admin, obs)
    with pytest.raises(ValidationError, match="所选干部不存在或不在您的管辖范围内"):
        services.record_observation(users.datong, cadre, observed_on=D(2025, 1, 1), task_kind="other", task="t",
                                    conduct="c", observer="o")


def test_exceptional_promotion_refused_during_probation(tree, users, cadre):
    """Issue 13 item 12, the workflow guard: the decision step refuses a 破格 promotion during a probation; the
    same case as an ordinary promotion is decided."""
    from tests.appointments.conftest import make_case

    admin = users.taiyuan
    make_case(cadre, rank="township_chief", from_rank="township_deputy", decided_on=D(2025, 5, 1),
              appointed_on=D(2025, 6, 1), probation_applies=True, probation_until=D(2026, 6, 1),
              status="probation", title="坞城街道办事处主任")
    case = to_decision(admin, open_case(admin, cadre, tree.xiaodian))
    with pytest.raises(rules.RuleViolation) as exc:
        services.decide(admin, case, R(D(2026, 4, 1)), expected=9, present=8, yes=8, exceptional=True)
    assert "尚在试用期内，不得破格提拔" in exc.value.messages[0]
    case.refresh_from_db()
    assert (case.exceptional, case.decided_on) == (False, None)
    services.decide(admin, case, R(D(2026, 4, 1)), expected=9, present=8, yes=8)
    case.refresh_from_db()
    assert case.decided_on == D(2026, 4, 1)


def test_notice_step_refused_where_the_calendar_ends(tree, users, cadre):
    """Issue 13 item 9: a notice running past the calendar is refused with the year and `zugong calendar sync`."""
    from zugong.core import workdays

    admin = users.taiyuan
    case = decided(admin, open_case(admin, cadre, tree.xiaodian))
    last = workdays.covered_until()
    with pytest.raises(ValidationError) as exc:
        services.public_notice(admin, case, R(last - dt.timedelta(days=1)))
    assert f"工作日历未包含 {last.year + 1} 年" in str(exc.value) and "zugong calendar sync" in str(exc.value)
