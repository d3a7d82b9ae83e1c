"""Demo data for organization health: the default checklist and identification standard, inspector scores and
computed grades for every branch (last year and this year), manual flags on a few villages, and one county's
approved list of weak organizations with rectification cases in every state (one overdue, one accepted)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zugong.core import audit, rules
from zugong.orgs.models import Organization
from zugong.standardization import defaults as checklist_defaults
from zugong.standardization import scoring
from zugong.standardization.models import ChecklistItem, InspectorScore
from zugong.weakorgs import defaults as standard_defaults
from zugong.weakorgs import services
from zugong.weakorgs.models import Flag, IdentificationList

NOTES = ["活动室面积不足", "制度未上墙", "台账不够完整", "经费保障不到位", "部分记录缺签名"]
SUPPORT = [("张建国", "刘志强", "王晓东", "太原市财政局"), ("李卫东", "赵宏伟", "陈立新", "太原市住建局"),
           ("孙明", "周海涛", "吴建平", "太原市交通局"), ("郑国栋", "冯少华", "何晓光", "太原市农业农村局")]


def seed_orghealth(root: Organization, city: Organization, admin, *, seed: int = 1, log=print,
                   today: dt.date) -> dict:
    """Install the defaults and write the demo records (idempotent per database: skips when scores exist)."""
    rng = random.Random(seed)
    checklist = checklist_defaults.install(root)
    standard = standard_defaults.install(root)
    counts = {}
    with audit.acting_as(admin, name=audit.SEED_ACTOR):
        counts["inspector_scores"] = _inspector_scores(checklist, rng, admin, today)
        for year in (today.year - 1, today.year):
            run = scoring.compute(checklist, year, root.path, as_of=scoring.year_as_of(year, today), note="演示数据")
            counts[f"scores_{year}"] = run.scored
            log(f"  标准化建设评分 {year}年：{run.scored:,} 个党支部，{run.seconds:.1f} 秒")
        counts |= _weak_organizations(standard, city, admin, rng, today, log)
    return counts


def _inspector_scores(checklist, rng, admin, today) -> int:
    """Scores for the inspector items of most branches (both years), in bulk."""
    items = list(checklist.items.unrestricted().filter(source=ChecklistItem.Source.INSPECTOR))
    branches = list(scoring.branches(checklist).values_list("pk", "path"))
    rows = []
    for year in (today.year - 1, today.year):
        for pk, path in branches:
            if rng.random() < 0.15:  # not inspected yet
                continue
            for item in items:
                top = float(item.max_points)
                if item.is_bonus:
                    points = top if rng.random() < 0.12 else 0
                else:
                    points = top if rng.random() < 0.5 else round(top * rng.uniform(0.5, 0.95) * 2) / 2
                rows.append(InspectorScore(
                    organization_id=pk, org_path=path, item=item, year=year, points=Decimal(str(points)),
                    note="" if points >= top else rng.choice(NOTES), scored_on=min(dt.date(year, 11, 20), today),
                    inspector=admin))
    InspectorScore.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _weak_organizations(standard, city, admin, rng, today, log) -> dict:
    """Flags on a few villages, one county's approved list, rectification in every state."""
    villages = list(Organization.objects.unrestricted().filter(
        path__subtree=city.path, kind=Organization.Kind.BRANCH, sector="rural",
        status=Organization.Status.ACTIVE).order_by("path")[:40])
    manual = {i.code: i for i in standard.indicators.unrestricted().filter(source="manual")}
    flagged = rng.sample(villages, min(3, len(villages)))
    for org, (code, note) in zip(flagged, [("L4", "群众反映有“村霸”把持村务，已移交政法部门"),
                                           ("W8", "近一年集体上访 3 次，土地纠纷未化解"),
                                           ("W7", "村务、财务连续两个季度未公开")]):
        Flag.objects.create(organization=org, org_path=org.path, indicator=manual[code], year=today.year,
                            note=note, reported_on=today - dt.timedelta(days=60), reported_by=admin)
    county = (Organization.objects.unrestricted().filter(path=flagged[0].path[:12]).first() if flagged else None)
    if county is None:
        return {"weak_lists": 0}
    as_of = dt.date(today.year, 1, 15) if today >= dt.date(today.year, 2, 1) else today
    lst = services.create_list(admin, county, today.year, as_of=as_of, note="年初排查（演示数据）")
    # The demo keeps the list short: direct hits first, then a few judged as a whole.
    entries = list(lst.entries.unrestricted().select_related("organization").order_by("-basis", "org_path"))
    entries.sort(key=lambda e: (e.organization_id not in {o.pk for o in flagged}, e.basis != "direct", e.org_path))
    for extra in entries[8:]:
        services.remove_entry(admin, extra, "综合研判后暂不列入（演示数据）")
    services.submit(admin, lst)
    services.approve(admin, lst, decision="县委常委会会议研究审定（演示数据）", approved_on=as_of + dt.timedelta(days=10))
    started = as_of + dt.timedelta(days=20)
    kept = list(lst.entries.unrestricted().select_related("organization").order_by("org_path"))
    opened = 0
    for i, entry in enumerate(kept[:5]):
        leader, township, first, unit = SUPPORT[i % len(SUPPORT)]
        first_secretary = first if entry.organization.sector == "rural" and i != 1 else ""
        deadline = max(today - dt.timedelta(days=20), started + dt.timedelta(days=30)) if i == 0 else dt.date(today.year + 1, started.month, 1)
        case, _ = services.open_rectification(
            admin, entry, started_on=started, deadline=deadline,
            problems="\n".join(f"{r['code']} {r['text']}：{r.get('detail') or ''}" for r in entry.reasons),
            measures="1. 选优配强支部书记和支委会\n2. 落实“三会一课”，每月召开支委会\n3. 规范党费收缴和发展党员工作",
            responsibilities="乡镇（街道）党委书记负总责；包村领导具体负责；第一书记驻村推进",
            targets="年底前班子健全、组织生活正常、群众满意度明显提升", responsible_leader=township,
            county_leader=leader, township_leader=township, first_secretary=first_secretary, paired_unit=unit,
            supervised=i == 0)
        opened += 1
        for month in range(1, 4):
            day = started + dt.timedelta(days=30 * month)
            if day <= today and not (i == 2 and month > 1):
                services.report_progress(admin, case, reported_on=day, problems_solved=1,
                                         text=f"第 {month} 个月：召开专题会议，整改问题 1 项（演示数据）")
        if i == 3 and today >= started + dt.timedelta(days=120):
            services.accept(admin, case, held_on=started + dt.timedelta(days=120), score=Decimal("84"), satisfied=36,
                            basically_satisfied=8, dissatisfied=2, note="听取汇报、民主测评、个别谈话、查看台账")
        if i == 4 and today >= started + dt.timedelta(days=110):
            services.accept(admin, case, held_on=started + dt.timedelta(days=110), score=Decimal("66"), satisfied=20,
                            basically_satisfied=10, dissatisfied=12, new_deadline=dt.date(today.year + 1, 3, 31),
                            note="部分问题尚未整改到位")
    rules.scan(county.path, as_of=today,
               rules=[r for code, r in rules.RULES.items() if code.startswith("weakorgs.")])
    log(f"  软弱涣散：{county.name} 名单 {len(kept)} 个，整顿台账 {opened} 件，人工标记 {len(flagged)} 处")
    return {"weak_lists": IdentificationList.objects.unrestricted().count(), "rectifications": opened}
