"""Demo data of 我为群众办实事 (`seed_service`, called by `zugong seed` after training): the service defaults
(urgency classes and their limits, categories, the satisfaction policy) for the root; per year the counties' and
cities' campaigns (“2026年“我为群众办实事”项目清单”); items for every active branch over the last 18 months up
to `as_of`, each with its whole timeline as the services would have written it (`service_life.plan_life`):
受理、交办 or 党员认领 by a real member of the branch、签收、进展报告 (per phase for 分期办)、催办、暂停计时 and
恢复计时 (some over a weekend)、延期申请 and its decision、办结、满意度回访 (mostly 满意/基本满意, a few 不满意 or
部分解决 → 复办 and a second completion)、销号; the rows `Pause`, `Extension`, `Phase`, `Survey`, `Feedback`
and the item's status, stage and clock. A few items are overdue (their deadline passed, still open: the seed's
rule scan turns them into findings), a few completed ones wait for their check.

在职党员到社区报到: about a fifth of the employed members of the unit branches register with a community of
their county (most confirmed), the communities hold activities and the members' service hours are recorded.
One public board (公示屏) for a street's communities.

Deterministic for the seed (one `random.Random` per branch); written in bulk (`Rows`: COPY or executemany, no per-row audit, as the
other bulk seeds), a few thousand items at `--scale demo`."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from .service_life import ExtendedCalendar, plan_life

DOMAINS = ["service-tasks", "service-satisfaction"]
MONTHS = 18
# Items per branch over the 18 months, by sector (communities and villages take on the most).
PER_BRANCH = {"community": (5, 9), "rural": (3, 7), "government": (1, 3), "institution": (1, 3), "soe": (1, 3),
              "school": (1, 2), "private": (0, 2), "social": (0, 2)}
URGENCY_WEIGHTS = (("immediate", 30), ("limited", 55), ("phased", 15))
SOURCES = (("visit", 30), ("hotline", 20), ("wish", 10), ("petition", 4), ("assigned", 14), ("supervision", 5),
           ("self", 17))
LIST_KIND = {"hotline": "problem", "petition": "problem", "visit": "problem", "assigned": "responsibility",
             "supervision": "responsibility"}
TITLES = {
    "livelihood": ("为{area}困难群众送医送药上门", "解决{area}居民办事“最后一公里”问题", "{area}便民服务点建设",
                   "为{area}独居老人安装紧急呼叫设备"),
    "governance": ("{area}网格化管理服务提升", "化解{area}邻里纠纷", "{area}物业管理问题协调", "规范{area}停车秩序"),
    "rural": ("{area}特色种植技术培训", "帮助{area}农户销售滞销农产品", "{area}村集体经济项目推进",
              "{area}高标准农田灌溉设施维护"),
    "infrastructure": ("{area}破损道路修缮", "{area}老旧小区路灯更换", "{area}自来水管网改造", "{area}排水管道疏通"),
    "elderly": ("{area}老年食堂（助餐点）运营", "{area}“四点半课堂”开设", "{area}适老化改造", "{area}儿童活动场地改造"),
    "employment": ("为{area}失业人员提供就业岗位信息", "{area}返乡创业人员政策帮扶", "{area}技能培训班"),
    "environment": ("{area}垃圾分类设施建设", "{area}背街小巷环境整治", "{area}绿化补植", "{area}河道清理"),
    "other": ("{area}群众反映问题办理", "{area}群众微心愿认领"),
}
SPOTS = ("1号楼", "东区", "西区", "南街", "北巷", "第一网格", "第二网格", "第三网格", "一组", "二组", "老街片区")
REPORTS = ("已现场查看，制定办理方案", "已协调相关部门，正在推进", "主体工作已完成，正在收尾", "已完成阶段性任务")
FEEDBACK = {"satisfied": ("办得又快又好，感谢！", "非常满意", ""), "basic": ("基本解决了，希望后续常回访", ""),
            "partial": ("只解决了一部分，还有问题", ), "unsatisfied": ("问题没有解决", "办理结果与诉求不符")}
ACTIVITIES = (("志愿服务", "社区环境卫生志愿服务"), ("政策宣讲", "惠民政策进社区宣讲"), ("关爱帮扶", "走访慰问困难群众"),
              ("文明实践", "新时代文明实践志愿活动"), ("平安建设", "平安巡逻志愿服务"), ("关爱帮扶", "为老年人义诊"))
SKILLS = ("医疗保健", "法律咨询", "政策宣讲", "电器维修", "文艺特长", "心理疏导", "教育辅导", "")


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


def _area(name: str) -> str:
    name = name.removeprefix("中共")
    for suffix in ("总支部委员会", "支部委员会", "委员会", "党支部", "党总支"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class Rows:
    """Rows of one model written in one bulk insert (`core.bulk.insert_rows`: COPY on PostgreSQL, executemany on
    SQLite), ids taken after the table's highest: `add(**values)` by attribute name returns the new id; a field
    not given takes its default (timestamps: now); `write()` inserts and moves the id sequence on."""

    def __init__(self, model, now=None):
        from django.db import connection
        from django.db.models import DateField, DateTimeField, DecimalField
        from django.utils import timezone

        self.model, self.rows = model, []
        self.sqlite = connection.vendor == "sqlite"
        now = now or timezone.now()
        self.stamp = self._datetime(now)
        self.fields = [f for f in model._meta.concrete_fields]
        self.kinds, self.defaults = [], []
        for f in self.fields:
            kind = ("datetime" if isinstance(f, DateTimeField) else "date" if isinstance(f, DateField)
                    else "decimal" if isinstance(f, DecimalField) else "")
            self.kinds.append(kind)
            if kind == "datetime" and (f.auto_now or f.auto_now_add):
                self.defaults.append(self.stamp)
            elif f.primary_key:
                self.defaults.append(None)
            else:
                default = f.get_default()
                self.defaults.append(None if default is None else f.get_db_prep_save(default, connection))
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
            self.next_id = cur.fetchone()[0]

    def _datetime(self, value):
        if self.sqlite:
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def add(self, **values) -> int:
        pk = values["id"] = self.next_id
        self.next_id += 1
        row = []
        for f, kind, default in zip(self.fields, self.kinds, self.defaults):
            if f.attname not in values:
                row.append(default)
                continue
            v = values[f.attname]
            if v is not None:
                if kind == "date":
                    v = v.isoformat()
                elif kind == "datetime":
                    v = self._datetime(v)
                elif kind == "decimal":
                    v = str(v)
            row.append(v)
        self.rows.append(row)
        return pk

    def write(self) -> int:
        from django.core.management.color import no_style
        from django.db import connection

        from zugong.core import bulk

        n = bulk.insert_rows(self.model._meta.db_table, [f.column for f in self.fields], self.rows)
        if not self.sqlite:
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                    cur.execute(sql)
        self.rows = []
        return n


def _at(day: dt.date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def read_branches(root_path: str):
    """Active branches with members under the root, with a few members each (the secretary first)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id, path, name, sector FROM orgs_organization WHERE kind = 'branch' AND status = 'active' "
                    "AND direct_people > 0 AND path LIKE %s ORDER BY path", [root_path + "%"])
        branches = cur.fetchall()
        cur.execute("""
            SELECT organization_id, person_id, name, committee_post, category FROM (
                SELECT m.organization_id, m.person_id, p.name, m.committee_post, m.category,
                       ROW_NUMBER() OVER (PARTITION BY m.organization_id
                                          ORDER BY CASE m.committee_post WHEN 'secretary' THEN 0 ELSE 1 END,
                                                   m.person_id) AS rn
                FROM members_membership m JOIN people_person p ON p.id = m.person_id
                WHERE m.status IN ('full', 'probationary') AND m.org_path LIKE %s
            ) t WHERE rn <= 8""", [root_path + "%"])
        members: dict[int, list] = {}
        for org_id, person_id, name, post, category in cur.fetchall():
            members.setdefault(org_id, []).append((person_id, name, post))
    return branches, members


def seed_service(seed: int, as_of: dt.date, *, root=None, log=print) -> dict[str, int]:
    from zugong.core import config
    from zugong.orgs.models import Organization
    from zugong.service import clock
    from zugong.service.models import ServiceTask

    t = time.perf_counter()
    root = root or Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if root is None:
        return {}
    config.install(root, DOMAINS)
    if ServiceTask.objects.unrestricted().filter(org_path__startswith=root.path).exists():
        return {}
    cal = ExtendedCalendar(clock.Calendar())
    counts = _items(root, seed, as_of, cal)
    counts |= _community(root, seed, as_of)
    counts |= _board(root)
    log(f"  service (我为群众办实事): {counts.get('service_tasks', 0):,} items "
        f"({counts.get('service_overdue', 0)} overdue, {counts.get('service_reopened', 0)} reopened), "
        f"{counts.get('service_steps', 0):,} steps, {counts.get('service_registrations', 0):,} registrations, "
        f"{counts.get('service_hours', 0):,} service-hour rows in {time.perf_counter() - t:.1f} s")
    return counts


def _campaigns(root, as_of):
    """Per year (last and this): each county's 项目清单 and each city's 重点项目清单; {(path, year): campaign}."""
    from zugong.orgs.models import Organization
    from zugong.service.models import Campaign

    issuers = list(Organization.objects.unrestricted().filter(path__startswith=root.path, kind="committee",
                                                              depth__in=(2, 3), status="active").order_by("path"))
    rows = []
    for year in range(as_of.year - 1, as_of.year + 1):
        for org in issuers:
            county = org.depth == 3
            title = (f"{year}年“我为群众办实事”项目清单" if county else f"{year}年全市“我为群众办实事”重点民生项目清单")
            rows.append(Campaign(organization=org, org_path=org.path, title=f"{org.short_name or _area(org.name)}"
                                 f"{title}"[:100], year=year, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31),
                                 note="各基层党组织结合走访收集的群众急难愁盼问题，形成项目清单，逐项明确责任人和完成时限。"))
    Campaign.objects.bulk_create(rows)
    return {(c.org_path, c.year): c for c in rows}


def _items(root, seed: int, as_of: dt.date, cal) -> dict[str, int]:
    from zugong.service.models import (
        Extension,
        Feedback,
        Pause,
        Phase,
        SatisfactionPolicy,
        ServiceTask,
        Survey,
        TaskCategory,
        TaskStep,
        UrgencyClass,
    )
    from zugong.service.models.tasks import STAGE_OF_STATUS

    urgencies = {u.code: u for u in UrgencyClass.objects.unrestricted().filter(active=True)}
    categories = {c.code: c for c in TaskCategory.objects.unrestricted().filter(active=True)}
    policy = SatisfactionPolicy.objects.unrestricted().order_by("pk").first()
    share = float(policy.sample_share) if policy else 0.1
    code_days = policy.code_valid_days if policy else 15
    campaigns = _campaigns(root, as_of)
    branches, members = read_branches(root.path)
    first = as_of - dt.timedelta(days=MONTHS * 30)
    span = (as_of - first).days
    plans = []
    for org_id, path, name, sector in branches:
        rng = random.Random(f"{seed}:service:{path}")
        low, high = PER_BRANCH.get(sector, (0, 2))
        people = members.get(org_id, [])
        if not people:
            continue
        base = _area(name)
        for _ in range(rng.randint(low, high)):
            received = first + dt.timedelta(days=rng.randrange(span + 1))
            while not cal.is_workday(received) and received < as_of:
                received += dt.timedelta(days=1)
            source = _weighted(rng, SOURCES)
            code = _weighted(rng, URGENCY_WEIGHTS)
            category = rng.choice([c for c in categories if c != "other"] or list(categories)) \
                if sector not in ("rural",) or rng.random() < 0.5 else "rural"
            households = rng.choice((1, 1, 1, 2, 5, 12, 30, 60, 120))
            life = None
            for c in (code, "limited", "immediate"):
                u = urgencies.get(c)
                if u is None:
                    continue
                life = plan_life(rng, cal, received=received, limit=u.limit_workdays, remind=u.remind_workdays,
                                 phased=u.phased, households=households, as_of=as_of,
                                 assigned=source in ("assigned", "supervision", "hotline", "petition"), share=share,
                                 code_days=code_days)
                if cal.within(life.deadline):
                    break
                life = None
            if life is None:
                continue
            plans.append((rng, org_id, path, base, sector, people, source, u, categories.get(category), households,
                          life))
    tasks = []
    for i, (rng, org_id, path, base, sector, people, source, u, category, households, life) in enumerate(plans):
        leader, owner = people[0], people[min(1, len(people) - 1)]
        claimer = rng.choice(people) if life.taken_by == "claim" else None
        area = f"{base}{rng.choice(SPOTS)}"
        title = rng.choice(TITLES.get(category.code if category else "other", TITLES["other"])).format(area=base)
        year = life.received_on.year
        county, city = path[:12], path[:8]
        campaign = None
        kind = LIST_KIND.get(source, "project")
        if source not in ("hotline", "petition"):
            campaign = campaigns.get((city if source == "supervision" else county, year)) \
                or campaigns.get((county, year))
        supervisor = None
        if source in ("assigned", "supervision"):  # 督办: the county's (or city's) committee follows it up
            issuer = campaigns.get((city if source == "supervision" else county, year))
            supervisor = issuer.organization_id if issuer else None
        task = ServiceTask(
            organization_id=org_id, org_path=path, number=f"{year}{i + 1:06d}", title=title[:200],
            description=f"{area}群众反映：{title}。", source=source,
            source_ref=f"12345-{life.received_on:%Y%m%d}-{i % 10000:04d}" if source == "hotline" else "",
            category=category, campaign=campaign, list_kind=kind,
            supervisor_id=supervisor, leader_id=leader[0], owner_id=owner[0],
            claimed_by_id=claimer[0] if claimer and life.taken_on else None,
            area=area, beneficiaries=households * rng.choice((2, 3, 3, 4)), households=households,
            requester_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("先生", "女士")) if source == "hotline" else "",
            urgency=u, limit_workdays=u.limit_workdays, received_on=life.received_on, clock_from=life.clock_from,
            deadline=life.deadline, paused_workdays=life.paused_workdays, extended_workdays=life.extended_workdays,
            paused_since=life.paused_since, assigned_on=life.taken_on if life.taken_by == "assign" else None,
            claimed_on=life.taken_on if life.taken_by == "claim" else None, signed_on=life.signed_on,
            last_report_on=life.last_report_on, last_urged_on=life.last_urged_on, completed_on=life.completed_on,
            on_time=life.on_time, closed_on=life.closed_on, reopened_count=life.reopened_count,
            reopened_on=life.reopened_on, callback_done=life.callback_done, satisfaction=life.satisfaction,
            status=life.status)
        task.stage = task.current_stage() if task.status == "pending" else STAGE_OF_STATUS[task.status]
        tasks.append(task)
    rows = {m: Rows(m) for m in (ServiceTask, Phase, Pause, Extension, TaskStep, Survey, Feedback)}
    for task in tasks:
        task.pk = task.id = rows[ServiceTask].add(**{f.attname: getattr(task, f.attname)
                                                    for f in ServiceTask._meta.concrete_fields
                                                    if not f.primary_key and f.attname not in ("created_at", "updated_at")})
    phase_of, n_pauses, n_ext = {}, 0, 0
    for task, plan in zip(tasks, plans):
        life = plan[-1]
        for number, planned, done in life.phases:
            phase_of[(task.pk, number)] = rows[Phase].add(
                task_id=task.pk, number=number, title=f"第{number}阶段：{REPORTS[min(number - 1, 3)]}",
                planned_on=planned, completed_on=done)
        for paused_on, resumed_on, workdays, reason in life.pauses:
            n_pauses += 1
            rows[Pause].add(task_id=task.pk, paused_on=paused_on, reason=reason, resumed_on=resumed_on,
                            workdays=workdays)
        for req, asked, before, decision, decided, approved, reason, note in life.extensions:
            n_ext += 1
            rows[Extension].add(task_id=task.pk, requested_on=req, workdays=asked, reason=reason,
                                deadline_before=before, decision=decision, decided_on=decided,
                                decided_by="街道（乡镇）党（工）委" if decided else "", approved_workdays=approved,
                                decision_note=note or ("同意" if decided else ""))
    n_steps = n_surveys = n_feedback = 0
    labels = dict(FEEDBACK_LABELS)
    for task, plan in zip(tasks, plans):
        rng, people, life = plan[0], plan[5], plan[-1]
        secretary = people[0]
        for kind, day, extra in life.steps:
            person, note, phase = None, "", None
            if kind == "receive":
                note = {"hotline": "12345热线转办", "assigned": "上级交办", "supervision": "上级督办",
                        "petition": "信访转办", "wish": "群众微心愿"}.get(task.source, "走访收集")
            elif kind == "assign":
                note = "交由本支部办理"
            elif kind == "claim":
                person, note = task.claimed_by_id, "党员认领"
            elif kind == "sign":
                person, note = secretary[0], "支部签收"
            elif kind == "report":
                person = task.owner_id
                phase = phase_of.get((task.pk, extra)) if extra else None
                note = f"第{extra}阶段完成" if extra else rng.choice(REPORTS)
            elif kind == "urge":
                note = "已超过办结期限，请尽快办结" if extra == "overdue" else "即将到期，请抓紧办理"
            elif kind in ("pause", "resume"):
                note = extra[3] if kind == "pause" else "恢复计时"
            elif kind == "extension_request":
                note = f"申请延期{extra[1]}个工作日：{extra[6]}"
            elif kind == "extension_decision":
                note = (f"同意延期{extra[5]}个工作日" if extra[3] == "approved" else f"不同意延期：{extra[7]}")
            elif kind == "complete":
                person, note = task.owner_id, "已办结，提请群众评价"
            elif kind == "callback":
                note = f"第{extra.number}轮回访：{labels[extra.result]}" if extra.result else "回访"
            elif kind == "reopen":
                note = "群众评价不满意，复办"
            elif kind == "close":
                note = "经群众评价，予以销号"
            n_steps += 1
            rows[TaskStep].add(case_id=task.pk, kind=kind, on=day, done_by_person_id=person, note=note,
                               phase_id=phase, done_by="" if person else "支部", recorded_at=_at(day, 17))
        for rnd in life.rounds:
            n_surveys += 1
            survey = rows[Survey].add(task_id=task.pk, org_path=task.org_path, round=rnd.number, opened_on=rnd.opened_on,
                                      required=rnd.required, expires_on=rnd.expires_on, closed_on=rnd.closed_on,
                                      passed=rnd.passed, result=rnd.result)
            for answer, on in rnd.answers:
                n_feedback += 1
                rows[Feedback].add(survey_id=survey, answer=answer, comment=rng.choice(FEEDBACK[answer]),
                                   method=rng.choice(("page", "page", "call")), answered_at=_at(on, rng.randint(8, 20)))
    for r in rows.values():
        r.write()
    overdue = sum(1 for t in tasks if t.status in ("pending", "active", "reopened") and t.deadline < as_of)
    return {"service_tasks": len(tasks), "service_steps": n_steps, "service_phases": len(phase_of),
            "service_pauses": n_pauses, "service_extensions": n_ext, "service_surveys": n_surveys,
            "service_feedback": n_feedback, "service_overdue": overdue,
            "service_reopened": sum(1 for t in tasks if t.reopened_count)}


FEEDBACK_LABELS = (("satisfied", "满意"), ("basic", "基本满意"), ("partial", "部分解决"), ("unsatisfied", "不满意"))


def _community(root, seed: int, as_of: dt.date) -> dict[str, int]:
    """在职党员到社区报到: a share of the unit branches' employed members with a community of their county."""
    from django.db import connection

    from zugong.service.models import CommunityActivity, CommunityRegistration, ServiceHours

    rng = random.Random(f"{seed}:service:community")
    with connection.cursor() as cur:
        cur.execute("SELECT id, path, name FROM orgs_organization WHERE kind = 'branch' AND status = 'active' "
                    "AND sector = 'community' AND path LIKE %s ORDER BY path", [root.path + "%"])
        communities = cur.fetchall()
        cur.execute("""
            SELECT m.id, m.organization_id, m.org_path FROM members_membership m
            JOIN orgs_organization o ON o.id = m.organization_id
            WHERE m.status IN ('full', 'probationary') AND m.category = 'employed'
              AND o.sector IN ('government', 'institution', 'soe', 'school') AND m.org_path LIKE %s
            ORDER BY m.id""", [root.path + "%"])
        employed = cur.fetchall()
    by_county: dict[str, list] = {}
    for c in communities:
        by_county.setdefault(c[1][:12], []).append(c)
    if not communities:
        return {}
    first = as_of - dt.timedelta(days=MONTHS * 30)
    registrations = []
    for membership_id, branch_id, path in employed:
        if rng.random() >= 0.2:
            continue
        community = rng.choice(by_county.get(path[:12]) or communities)
        registered = first + dt.timedelta(days=rng.randrange((as_of - first).days + 1))
        r = rng.random()
        status = ("pending" if (as_of - registered).days < 20 else "declined" if r < 0.03 else "confirmed")
        registrations.append(dict(
            community_id=community[0], branch_id=branch_id, org_path=community[1], membership_id=membership_id,
            registered_on=registered, residence=f"{_area(community[2])}{rng.choice(SPOTS)}",
            skills=rng.choice(SKILLS), status=status,
            confirmed_on=registered + dt.timedelta(days=rng.randint(1, 10)) if status == "confirmed" else None,
            confirmed_by="社区党组织书记" if status == "confirmed" else "",
            decline_reason="经核实不在本社区居住" if status == "declined" else ""))
    reg_rows = Rows(CommunityRegistration)
    confirmed: dict[int, list] = {}
    for reg in registrations:
        reg["id"] = reg_rows.add(**reg)
        if reg["status"] == "confirmed":
            confirmed.setdefault(reg["community_id"], []).append(reg)
    reg_rows.write()
    activity_rows, hour_rows = Rows(CommunityActivity), Rows(ServiceHours)
    activities, hours = [], []
    for community_id, path, name in communities:
        regs = confirmed.get(community_id)
        if not regs:
            continue
        for month in range(12):
            if rng.random() < 0.4:
                continue
            held = as_of - dt.timedelta(days=30 * month + rng.randint(0, 27))
            kind, title = rng.choice(ACTIVITIES)
            label, spent = f"{_area(name)}{title}"[:100], Decimal(rng.choice(("2.0", "2.0", "3.0", "4.0")))
            activity = activity_rows.add(organization_id=community_id, org_path=path, held_on=held, title=label,
                                         kind=kind, hours=spent, note="在职党员到社区报到，参与社区服务")
            activities.append(activity)
            for reg in regs:
                if reg["confirmed_on"] <= held and rng.random() < 0.45:
                    hours.append(hour_rows.add(registration_id=reg["id"], served_on=held, hours=spent,
                                               activity_id=activity, note=label))
    activity_rows.write()
    hour_rows.write()
    return {"service_registrations": len(registrations), "service_activities": len(activities),
            "service_hours": len(hours)}


def _board(root) -> dict[str, int]:
    """One public board: the first street (or township) committee with community branches under it."""
    from zugong.orgs.models import Organization
    from zugong.service.models import PublicBoard

    community = (Organization.objects.unrestricted().filter(path__startswith=root.path, kind="branch",
                                                            sector="community", status="active")
                 .order_by("path").first())
    if community is None:
        return {}
    parent = Organization.objects.unrestricted().filter(path=community.path[:-4]).first() or community
    PublicBoard.objects.bulk_create([PublicBoard(organization=parent, org_path=parent.path,
                                                 title=f"{_area(parent.name)}党群服务中心 我为群众办实事公示")])
    return {"service_boards": 1}
