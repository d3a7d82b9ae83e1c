"""Demo selection cases and frontline observations (选拔任用纪实、一线考察识别) on top of the seeded cadres.

A few cadres of 太原 get observation records from major tasks, and seven cases stand at different stages:
proposed, recommended, inspected, decided, in the pre-appointment notice, in probation (ending soon), and done.
Dates are set relative to the seed's as-of day (today by default) so the demo's deadlines stay current. The
appointed cases change the cadre record through `zugong.cadres.services.appoint`, like the appointment step
does. Deterministic for a seed and a day; does nothing when there are no cadres (the cadres seed did not run).
"""

from __future__ import annotations

import datetime as dt
import random


from zugong.core import audit, scope
from zugong.core.dates import add_months, add_years

TASKS = [
    ("epidemic", "新冠肺炎疫情防控社区封控", "带领工作专班 24 小时值守，协调保供物资，未发生聚集性疫情"),
    ("disaster", "“10·5”汾河汛情抢险", "连续四昼夜驻守堤坝，组织转移群众 800 余人，无一伤亡"),
    ("project", "太原市区域供热管网改造重点项目", "牵头协调征拆 126 户，项目提前 40 天完工"),
    ("rural", "乡村振兴驻村帮扶", "引进食用菌产业，村集体经济收入翻番"),
    ("stability", "信访积案化解攻坚", "包案化解信访积案 9 件，群众满意"),
]
RATINGS = ["good", "good", "fairly_good", "good", "fair"]
STAGES = ["proposal", "recommendation", "inspection", "decision", "public_notice", "probation", "completed"]
UPWARD = {"township_deputy": "township_chief", "township_chief": "county_deputy", "county_deputy": "county_chief",
          "county_chief": "bureau_deputy"}
# The posts proposed: (unit, title) by the rank proposed, a few 市直 departments of the city.
UNITS = ["太原市发展和改革委员会", "太原市财政局", "太原市农业农村局", "太原市应急管理局", "太原市住房和城乡建设局"]
TITLES = {"township_chief": "科长", "county_deputy": "副局长", "county_chief": "局长", "bureau_deputy": "副市长"}


def _working_days_before(day: dt.date, n: int) -> dt.date:
    from zugong.core.models import WorkDay

    days = list(WorkDay.objects.filter(day__lte=day, is_workday=True).order_by("-day")
                .values_list("day", flat=True)[:n])
    return days[-1] if days else day - dt.timedelta(days=n)


def seed_appointments(seed: int = 1, *, as_of: dt.date, log=print, city_code: str = "1401") -> dict[str, int]:
    from zugong.appointments.models import CaseStep, Observation, SelectionCase
    from zugong.cadres import services as cadre_services
    from zugong.cadres.models import Cadre
    from zugong.core import workdays
    from zugong.orgs.models import Organization

    city = Organization.objects.unrestricted().filter(code=city_code).first()
    if city is None:
        return {}
    cadres = list(Cadre.objects.unrestricted().filter(org_path__startswith=city.path, rank__in=list(UPWARD))
                  .select_related("organization").order_by("pk")[:60])
    if not cadres:
        log("  appointments: no cadres to build on, skipped")
        return {}
    rng = random.Random(seed * 7919)
    today = as_of
    observations = 0
    cases = 0
    with audit.acting_as(name=audit.SEED_ACTOR), scope.bypass():
        for i, cadre in enumerate(cadres[:12]):
            for j in range(1 + i % 2):
                kind, task, conduct = TASKS[(i + j) % len(TASKS)]
                Observation.objects.create(
                    cadre=cadre, observed_on=today - dt.timedelta(days=40 + 97 * j + rng.randrange(300)),
                    task_kind=kind, task=task, conduct=conduct, rating=RATINGS[(i + j) % len(RATINGS)],
                    observer=f"{cadre.organization.name.removeprefix('中共')}组织部干部科", observer_unit="考察组")
                observations += 1
        for stage, cadre in zip(STAGES, cadres[len(cadres) // 2:], strict=False):
            target = UPWARD[cadre.rank]
            unit = "太原市人民政府" if target == "bureau_deputy" else UNITS[cases % len(UNITS)]
            title = TITLES[target].replace("局长", "主任") if "委员会" in unit else TITLES[target]
            appointed = stage in ("probation", "completed")
            if stage == "probation":
                appointed_on = add_years(today, -1) + dt.timedelta(days=25)
            elif stage == "completed":
                appointed_on = add_months(today, -20)
            else:
                appointed_on = None
            decided_on = (appointed_on - dt.timedelta(days=21)) if appointed_on else (
                _working_days_before(today, 3) if stage == "public_notice" else today - dt.timedelta(days=6))
            proposed_on = decided_on - dt.timedelta(days=45)
            dates = {"proposal": proposed_on, "recommendation": proposed_on + dt.timedelta(days=9),
                     "inspection": proposed_on + dt.timedelta(days=16)}
            reached = STAGES.index(stage)
            case = SelectionCase(
                cadre=cadre, organization=cadre.organization, proposed_on=proposed_on, unit_name=unit,
                title=title, rank=target, from_rank=cadre.rank, from_rank_since=cadre.rank_since,
                from_title=cadre.current_title,
                # 试用期 for deputy posts (工作部门副职); the probation demo case has one whatever its post.
                probation_applies=stage == "probation" or (stage != "completed" and target.endswith("deputy")),
                proposal_reason="领导班子职位空缺，经分析研判提出初步人选")
            if reached >= 1:
                case.recommended_on = dates["recommendation"]
                issued = 40 + rng.randrange(20)
                case.recommend_participants = case.ballots_issued = case.ballots_returned = issued
                case.ballots_valid = issued - 1
                case.votes_received = issued - 4 - rng.randrange(6)
            if reached >= 2:
                case.inspection_start = dates["inspection"]
                case.inspection_end = dates["inspection"] + dt.timedelta(days=4)
                case.people_talked = 18 + rng.randrange(15)
                case.inspectors = "组织部干部科 2 人"
                case.inspection_materials = "政治素质好，担当作为，工作实绩突出，群众公认度高。"
            if reached >= 3:
                case.decided_on = decided_on
                case.members_expected = 11
                case.members_present = 10
                case.votes_yes = 10
            if reached >= 4:
                case.public_notice_start = (decided_on + dt.timedelta(days=1) if appointed
                                            else today - dt.timedelta(days=1))
                case.public_notice_start = _working_days_before(case.public_notice_start, 1)
                case.public_notice_workdays = 5
                case.public_notice_end = workdays.add_workdays(case.public_notice_start, 5)
                case.public_notice_result = "公示期间未收到反映" if appointed else ""
            case.save()
            for kind, on in (("proposal", proposed_on), ("recommendation", case.recommended_on),
                             ("inspection", case.inspection_start), ("decision", case.decided_on),
                             ("public_notice", case.public_notice_start)):
                if on:
                    CaseStep.objects.create(case=case, kind=kind, on=on, done_by="组织部干部科")
            mine = list(Observation.objects.unrestricted().filter(cadre=cadre))
            if reached >= 2 and mine:
                case.observations.set(mine)
            if appointed:
                document_no = f"并组干字〔{appointed_on.year}〕{10 + cases}号"
                post = cadre_services.appoint(cadre, user=None, title=case.title, unit_name=unit, rank=target,
                                              start_on=appointed_on, document_no=document_no, end_current=True)
                case.post, case.appointed_on, case.document_no = post, appointed_on, document_no
                case.probation_until = add_years(appointed_on, 1) if case.probation_applies else None
                case.status = (SelectionCase.Status.PROBATION if case.probation_applies
                               else SelectionCase.Status.COMPLETED)
                case.save()
                CaseStep.objects.create(case=case, kind="appointment", on=appointed_on, done_by="组织部干部科")
            cases += 1
        planted = _plant(cadres, city.path, log)
    log(f"  appointments: {cases} selection cases, {observations} frontline observations")
    return {"selection_cases": cases, "observations": observations, **planted}


def _plant(cadres, city_path: str, log) -> dict[str, int]:
    """A few realistic problems for the rules of issue 13: the decided case is a 破格 promotion (recorded, within
    the limits); the case in its notice is for a county committee seat (党龄 judged: a finding when the cadre's
    入党时间 is missing or recent); two 乡科级 cadres' rank history starts eight years earlier (over fifteen years at
    the level: a reminder to consider an exchange). Set-based updates."""
    from django.db.models import F

    from zugong.appointments.models import SelectionCase
    from zugong.cadres.models import Cadre, RankRecord
    from zugong.core.sql import AddMonths

    mine = SelectionCase.objects.unrestricted().filter(cadre__in=cadres)
    exceptional = mine.filter(status="active", decided_on__isnull=False, public_notice_start__isnull=True
                              ).update(exceptional=True)
    committee = mine.filter(status="active", public_notice_start__isnull=False).update(party_committee="county")
    long_serving = list(Cadre.objects.unrestricted().filter(org_path__startswith=city_path,
                                                            status="active", rank="township_chief")
                        .exclude(pk__in=mine.values("cadre_id")).order_by("pk").values_list("pk", flat=True)[:2])
    RankRecord.objects.unrestricted().filter(cadre_id__in=long_serving, rank="township_deputy").update(
        start_on=AddMonths(F("start_on"), -96))
    log(f"  appointments: planted {exceptional} 破格 case, {committee} county-committee seat, "
        f"{len(long_serving)} cadres over fifteen years at one level")
    return {"exceptional_cases": exceptional, "committee_seats": committee, "long_serving": len(long_serving)}
