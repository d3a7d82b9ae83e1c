"""Demo data of dispatch and rotation (run by `zugong seed --scale demo` after the organizations, people and,
when present, cadres): 第一书记 in village organizations (weak and poor villages first, as the 2015 and 2021
notices ask), one village work team, 墩苗 of young cadres to townships with a mentor, 挂职 to county units,
monthly or quarterly reports up to the reference date, evaluations, an early recall, and rotations between
levels. Deterministic for a seed: Random(f"{seed}:dispatch").
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from zugong.core import audit
from zugong.core.dates import add_months
from zugong.dispatch import defaults
from zugong.dispatch.models import Dispatch, DispatchReport, Evaluation, Program, Rotation, WorkTeam
from zugong.orgs.models import Organization
from zugong.people.models import Person


LOGS = ["走访农户，了解春耕备耕情况", "组织召开党员大会，学习传达上级会议精神", "协调解决村内道路硬化问题",
        "帮助合作社对接销售渠道", "开展矛盾纠纷排查化解", "指导村“两委”规范“三会一课”", "推进人居环境整治",
        "落实防止返贫监测帮扶措施", "组织主题党日活动", "走访慰问困难党员和群众"]
COMMENTS = ["驻村期间扎根基层、吃住在村，带领村“两委”班子推动集体经济增收，群众认可度高。",
            "工作扎实，能够按要求驻村，协调落实帮扶项目，成效较好。",
            "能够完成驻村任务，但在村时间不够稳定，需进一步加强。"]


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _workdays(first: dt.date, last: dt.date) -> int:
    """Working days (Monday to Friday, official calendar when loaded) between two dates, both included."""
    from zugong.core import workdays

    covered = workdays.covered_until()
    if covered and covered >= last:
        return workdays.count_between(first, last)
    return sum(1 for i in range((last - first).days + 1) if (first + dt.timedelta(days=i)).weekday() < 5)


def _reports(d: Dispatch, until: dt.date, rng: random.Random, low_share: bool) -> list[DispatchReport]:
    months = d.program.report_every_months
    out = []
    start = d.start_on.replace(day=1)
    last_day = d.ended_on or d.end_on
    while True:
        end = add_months(start, months) - dt.timedelta(days=1)
        if end >= until or start > last_day:
            break
        first, last = max(start, d.start_on), min(end, last_day)
        wd = _workdays(first, last)
        share = rng.uniform(0.45, 0.62) if low_share else rng.uniform(0.7, 0.95)
        days = min(int(wd * share) + (rng.random() < 0.5), (last - first).days + 1)
        out.append(DispatchReport(dispatch=d, org_path=d.org_path, period_start=start, period_end=end,
                                  days_in_village=days if d.program.is_village else None, workdays=wd,
                                  work_log="；".join(rng.sample(LOGS, 2)),
                                  submitted_on=min(end + dt.timedelta(days=rng.randint(1, 8)), until)))
        start = add_months(start, months)
    return out


def level_of(unit_name: str) -> str:
    """The level of an agency from its name (省直、市直、县直、乡镇)."""
    if "山西省" in unit_name:
        return "province"
    if any(w in unit_name for w in ("镇", "乡", "街道")):
        return "township"
    if any(w in unit_name for w in ("县", "区")):
        return "county"
    return "city"


def seed_dispatch(seed: int = 1, *, as_of: dt.date, log=print) -> dict[str, int]:
    """Write the demo dispatches and rotations (inside the caller's transaction); skipped when present.

    The dates are written for a day in June 2026 and moved by whole months to the as-of day (`D`)."""
    shift = as_of.year * 12 + as_of.month - (2026 * 12 + 6)

    def D(year, month, day):  # noqa: N802 — a date of the June 2026 story, moved to the as-of day
        return add_months(dt.date(year, month, day), shift)

    if Dispatch.objects.unrestricted().exists():
        log("  dispatch: already present, skipped")
        return {}
    rng = random.Random(f"{seed}:dispatch")
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if root is None:
        return {}
    defaults.install(root)
    programs = {p.code: p for p in Program.objects.all()}
    orgs = Organization.objects.unrestricted()
    villages = list(orgs.filter(sector="rural", kind__in=["committee", "branch"], name__contains="村",
                                status="active").exclude(name__contains="党小组").order_by("path")[:400])
    townships = list(orgs.filter(kind="committee", status="active").filter(
        Q(name__endswith="镇委员会") | Q(name__endswith="乡委员会")).order_by("path")[:200])
    people = Person.objects.unrestricted().select_related("organization", "organization__unit")
    try:
        from zugong.cadres.models import Cadre

        cadre_people = set(Cadre.objects.unrestricted().values_list("person_id", flat=True))
    except Exception:  # noqa: BLE001 — the cadres app is optional here
        cadre_people = set()
    pool = [p for p in people.filter(organization__unit__sector="government").order_by("pk")[:6000]
            if 25 <= _age(p.birth_date, as_of) <= 55]
    preferred = [p for p in pool if p.pk in cadre_people] or pool
    if not villages or len(preferred) < 30:
        log("  dispatch: not enough villages or agency staff, skipped")
        return {}
    used: set[int] = set()

    def take(young=False, female=None):
        fits = [p for p in preferred if p.pk not in used and (not young or _age(p.birth_date, as_of) <= 35)
                and (female is None or (p.sex == "2") == female)]
        fits = fits or [p for p in pool if p.pk not in used]
        person = rng.choice(fits)
        used.add(person.pk)
        return person

    def unit_name(p):
        return p.organization.unit.name if p.organization.unit_id else p.organization.name

    made: list[Dispatch] = []
    reports: list[DispatchReport] = []
    evaluations: list[Evaluation] = []

    def dispatch(program, person, host, start, **extra):
        d = Dispatch(program=program, person=person, organization=person.organization, host_org=host,
                     host_name=extra.pop("host_name", host.name if host else ""),
                     sending_unit_name=unit_name(person), start_on=start,
                     end_on=extra.pop("end_on", add_months(start, program.default_term_months)), **extra)
        d.save()
        made.append(d)
        return d

    # 第一书记 in weak and poor villages (Shanxi program: 2 years, ≥ 2/3 of workdays in the village).
    fs = programs["first_secretary_shanxi"]
    # Weak villages on an identification list first (when the weakorgs demo ran), then others (脱贫村).
    try:
        from zugong.weakorgs.models import WeakOrganization

        weak_ids = WeakOrganization.objects.unrestricted().values("organization_id")
        weak = list(orgs.filter(pk__in=weak_ids, sector="rural", status="active").order_by("path")[:5])
    except (ImportError, LookupError):
        weak = []
    others = [v for v in villages if v not in weak]
    chosen = weak + rng.sample(others, min(10 - len(weak), len(others)))
    weak = set(weak)
    # (start, state): three terms over and evaluated, three ending soon after the reference date, three in
    # their first year, one over without its end-of-term evaluation; one of the current ones recalled.
    starts = [(D(2024, 3, 1), "done")] * 3 + [(D(2024, 8, 15), "")] * 3 + \
        [(D(2025, 4, 1), "")] * 3 + [(D(2024, 5, 20), "")]
    for i, (village, (start, state)) in enumerate(zip(chosen, starts)):
        person = take()
        d = dispatch(fs, person, village, start, target_group=rng.choice(["reserve", "organ_staff", "young"]),
                     host_title="村党组织第一书记", document_no=f"晋组通字〔{start.year}〕{10 + i}号",
                     note="软弱涣散村（已列入整顿名单）" if village in weak else "脱贫村")
        if i == 7:
            d.status, d.ended_on, d.recall_reason = "recalled", D(2025, 9, 1), "身体原因，经派出单位申请召回"
            d.save()
        reports += _reports(d, as_of, rng, low_share=i in (4, 8))
        if d.start_on <= D(2024, 12, 31) and d.status == "active":
            evaluations.append(Evaluation(dispatch=d, org_path=d.org_path, kind="annual",
                                          year=D(2026, 1, 15).year - 1,
                                          grade=rng.choice(["excellent", "competent", "competent"]),
                                          comments=rng.choice(COMMENTS[:2]), evaluated_on=D(2026, 1, 15),
                                          evaluator="县委组织部"))
        if state == "done":
            d.status, d.ended_on = "completed", d.end_on
            d.save()
            evaluations.append(Evaluation(dispatch=d, org_path=d.org_path, kind="end_of_term",
                                          grade=rng.choice(["excellent", "competent"]), comments=rng.choice(COMMENTS),
                                          evaluated_on=d.end_on - dt.timedelta(days=10), evaluator="县委组织部"))
    # The term before, in the first village: completed and evaluated.
    old = dispatch(fs, take(), chosen[0], D(2022, 3, 1), target_group="organ_staff",
                   host_title="村党组织第一书记", document_no=f"晋组通字〔{D(2022, 3, 1).year}〕8号")
    old.status, old.ended_on = "completed", old.end_on
    old.save()
    evaluations.append(Evaluation(dispatch=old, org_path=old.org_path, kind="end_of_term", grade="excellent",
                                  comments=COMMENTS[0], evaluated_on=D(2024, 2, 20), evaluator="县委组织部"))

    # A village work team of three from one agency; one member was recalled, so it is below its minimum.
    team_program = programs["work_team_shanxi"]
    village = next(v for v in villages if v not in chosen)
    leader = take()
    team = WorkTeam(program=team_program, name=f"{unit_name(leader)}驻{village.name.replace('中共', '')[:20]}工作队",
                    organization=leader.organization, sending_unit_name=unit_name(leader), host_org=village,
                    host_name=village.name, start_on=D(2025, 3, 1), end_on=D(2027, 3, 1))
    team.save()
    for role, person in (("leader", leader), ("member", take()), ("member", take())):
        d = dispatch(team_program, person, village, team.start_on, team=team, team_role=role,
                     target_group="organ_staff", host_title="驻村工作队队长" if role == "leader" else "驻村工作队队员")
        reports += _reports(d, as_of, rng, low_share=False)
    d.status, d.ended_on, d.recall_reason = "recalled", D(2026, 4, 1), "工作调整，派出单位尚未补派"
    d.save()

    # 墩苗: young cadres to townships, with the township's secretary as mentor (quarterly reports).
    dunmiao = programs["dunmiao"]
    for i, town in enumerate(rng.sample(townships, min(5, len(townships)))):
        group = ["young", "female", "non_party", "political_legal", "young"][i]
        person = take(young=True, female=True if group == "female" else None)
        mentor = Person.objects.unrestricted().filter(organization=town).order_by("pk").first()
        d_start = D(2025, 9, 1) if i < 3 else D(2024, 9, 1)
        place = town.name.removeprefix("中共").removesuffix("委员会")
        deputy = "副镇长" if place.endswith("镇") else "副乡长" if place.endswith("乡") else "办事处副主任"
        d = dispatch(dunmiao, person, town, d_start,
                     target_group=group, host_title=rng.choice(["党委副书记（挂职）", f"{deputy}（挂职）", "党政办副主任"]),
                     mentor=mentor, mentor_name=f"{town.name.replace('中共', '').replace('委员会', '')}党委书记",
                     document_no=f"并组干字〔{d_start.year}〕{30 + i}号")
        reports += _reports(d, as_of, rng, low_share=False)

    # 挂职: agency cadres to county-level units for a year.
    secondment = programs["secondment"]
    counties = list(orgs.filter(depth=3, kind="committee", status="active").filter(
        Q(name__endswith="县委员会") | Q(name__endswith="区委员会")).order_by("path")[:20])
    for i, county in enumerate(rng.sample(counties, min(3, len(counties)))):
        person = take()
        name = county.name.replace("中共", "").replace("委员会", "")
        d = dispatch(secondment, person, county, D(2025, 10, 1), host_name=f"{name}人民政府",
                     target_group="reserve", host_title="副县长（挂职）", original_title="副处长",
                     document_no=f"晋组干字〔{D(2025, 10, 1).year}〕{50 + i}号")
        reports += _reports(d, as_of, rng, low_share=False)

    with audit.operation(None, "import", note="演示数据") as op:
        DispatchReport.objects.bulk_create(reports, batch_size=1000)
        Evaluation.objects.bulk_create(evaluations, batch_size=1000)
        op.created(reports)
        op.created(evaluations)

    # Rotations between levels (one time-limited exchange not yet closed, one without its document): real
    # agencies of the level above or below the cadre's own.
    units = {}
    for org in orgs.filter(unit__sector="government", status="active").select_related("unit").order_by("path")[:3000]:
        units.setdefault(level_of(org.unit.name), []).append(org)
    rotations = []
    plans = [("up", "training", D(2024, 3, 1), D(2025, 3, 1), None),
             ("down", "training", D(2025, 7, 1), D(2027, 7, 1), None),
             ("same", "tenure", D(2023, 11, 1), None, None),
             ("same", "need", D(2024, 12, 1), None, None),
             ("up", "training", D(2025, 1, 1), D(2026, 1, 1), D(2026, 1, 5)),
             ("down", "training", D(2025, 5, 1), None, None)]
    order = ["township", "county", "city", "province"]
    for i, (direction, reason, on, planned, returned) in enumerate(plans):
        person = take()
        src = level_of(unit_name(person))
        k = order.index(src) + {"up": 1, "down": -1, "same": 0}[direction]
        dst = order[min(max(k, 0), 3)]
        targets = [o for o in units.get(dst, []) if o.unit.name != unit_name(person)] or [person.organization]
        target = rng.choice(targets)
        kind = "up_down" if src != dst else ("cross_region" if reason == "tenure" else "cross_department")
        rotations.append(Rotation(
            person=person, organization=person.organization, kind=kind, reason=reason, from_level=src,
            from_org=person.organization, from_unit_name=unit_name(person),
            from_title=rng.choice(["科长", "副局长", "主任科员"]), to_level=dst, to_org=target,
            to_unit_name=target.unit.name if target.unit_id else target.name,
            to_title=rng.choice(["副局长", "副主任", "副县长（交流）", "科长"]), on=on,
            document_no="" if i == 5 else f"晋组干字〔{on.year}〕{70 + i}号", planned_end_on=planned,
            returned_on=returned, return_note="期满返回原单位" if returned else ""))
    for r in rotations:
        r.save()
    log(f"  dispatch: {len(made)} dispatches, 1 work team, {len(reports)} reports, {len(evaluations)} evaluations, "
        f"{len(rotations)} rotations")
    return {"dispatches": len(made), "dispatch_reports": len(reports), "rotations": len(rotations)}
