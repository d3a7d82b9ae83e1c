"""The bench seeder of 我为群众办实事 (`zugong demo service --items 1000000 [--as-of DATE]`): N items spread over
the active branches of whatever tree is seeded (the province's ~100 thousand branches, or a tiny tree's few),
received over the 18 months up to `as_of`, each planned by `service_life.plan_life` like the demo's (so status,
clock, dates, on-time, satisfaction and 复办 agree as the services would store them; about 3 % of those past
their deadline still open, most closed, some done waiting for their check), written as the item rows only (no
timeline: the overdue scan and the league tables read the item's columns) in chunks through the loader's fast
path (`demo.service.Rows`: COPY on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import datetime as dt
import random
import time

from .service import DOMAINS, LIST_KIND, MONTHS, SOURCES, TITLES, URGENCY_WEIGHTS, Rows, _weighted
from .service_life import ExtendedCalendar, plan_life

CHUNK = 100_000


def seed_items(n: int, as_of: dt.date, *, seed: int = 1, log=print) -> dict[str, int]:
    from django.db import connection

    from zugong.core import config
    from zugong.orgs.models import Organization
    from zugong.service import clock
    from zugong.service.models import SatisfactionPolicy, ServiceTask, Survey, TaskCategory, UrgencyClass
    from zugong.service.models.tasks import STAGE_OF_STATUS

    started = time.perf_counter()
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if root is None:
        raise ValueError("还没有党组织，请先建立组织体系（例如 zugong seed）")
    config.install(root, DOMAINS)
    with connection.cursor() as cur:
        cur.execute("SELECT id, path, sector FROM orgs_organization WHERE kind = 'branch' AND status = 'active' "
                    "ORDER BY path")
        branches = cur.fetchall()
    if not branches:
        raise ValueError("没有正常状态的党支部，无法生成事项")
    urgencies = {u.code: u for u in UrgencyClass.objects.unrestricted().filter(active=True)}
    categories = list(TaskCategory.objects.unrestricted().filter(active=True).order_by("order"))
    policy = SatisfactionPolicy.objects.unrestricted().order_by("pk").first()
    share = float(policy.sample_share) if policy else 0.1
    cal = ExtendedCalendar(clock.Calendar())
    rng = random.Random(f"{seed}:service:bench")
    first = as_of - dt.timedelta(days=MONTHS * 30)
    span = (as_of - first).days
    workdays = [d for d in cal.cal.days if first <= d <= as_of]
    rows, surveys = Rows(ServiceTask), Rows(Survey)
    valid = dt.timedelta(days=policy.code_valid_days if policy else 15)
    counts = {"service_tasks": 0, "overdue": 0, "closed": 0, "done": 0, "answered": 0, "reopened": 0}
    t = time.perf_counter()
    nb = len(branches)
    for i in range(n):
        org_id, path, _sector = branches[(i * 7919 + rng.randrange(7)) % nb] if nb > 7 else branches[i % nb]
        received = workdays[rng.randrange(len(workdays))] if workdays else first + dt.timedelta(days=rng.randrange(span))
        source = _weighted(rng, SOURCES)
        households = rng.choice((1, 1, 1, 2, 5, 12, 30, 60, 120))
        life, u = None, None
        for code in (_weighted(rng, URGENCY_WEIGHTS), "limited", "immediate"):
            u = urgencies.get(code)
            if u is None:
                continue
            life = plan_life(rng, cal, received=received, limit=u.limit_workdays, remind=u.remind_workdays,
                             phased=u.phased, households=households, as_of=as_of, share=share, detail=False,
                             assigned=source in ("assigned", "supervision", "hotline", "petition"))
            if cal.within(life.deadline):
                break
            life = None
        if life is None:
            continue
        category = categories[rng.randrange(len(categories))] if categories else None
        status = life.status
        stage = (2 if life.taken_on else 1) if status == "pending" else STAGE_OF_STATUS[status]
        task_id = rows.add(organization_id=org_id, org_path=path, number=f"B{i + 1:08d}",
                 title=TITLES[category.code if category and category.code in TITLES else "other"][0].format(area="某社区"),
                 source=source, category_id=category.pk if category else None, list_kind=LIST_KIND.get(source, "project"),
                 households=households, beneficiaries=households * 3, urgency_id=u.pk, limit_workdays=u.limit_workdays,
                 received_on=life.received_on, clock_from=life.clock_from, deadline=life.deadline,
                 paused_workdays=life.paused_workdays, extended_workdays=life.extended_workdays,
                 paused_since=life.paused_since, assigned_on=life.taken_on if life.taken_by == "assign" else None,
                 claimed_on=life.taken_on if life.taken_by == "claim" else None, signed_on=life.signed_on,
                 last_report_on=life.last_report_on, last_urged_on=life.last_urged_on,
                 completed_on=life.completed_on, on_time=life.on_time, closed_on=life.closed_on,
                 reopened_count=life.reopened_count, reopened_on=life.reopened_on, callback_done=life.callback_done,
                 satisfaction=life.satisfaction, stage=stage, status=status)
        # The survey rounds the services would have opened: the passed one of a closed item, the open one of an
        # item waiting for its check, the failed one before a reopening (so the satisfaction rules judge real data).
        required = 1 if households == 1 else max(1, -(-households * int(share * 1000) // 1000))
        if life.reopened_count:
            surveys.add(task_id=task_id, org_path=path, round=1, opened_on=life.reopened_on, required=required,
                        expires_on=life.reopened_on + valid, closed_on=life.reopened_on, passed=False,
                        result="unsatisfied")
        if life.completed_on and status in ("closed", "done"):
            surveys.add(task_id=task_id, org_path=path, round=life.reopened_count + 1, opened_on=life.completed_on, required=required,
                        expires_on=life.completed_on + valid, closed_on=life.closed_on if status == "closed" else None,
                        passed=True if status == "closed" else None,
                        result=life.satisfaction if status == "closed" else "")
        counts["service_tasks"] += 1
        counts["overdue"] += status in ("pending", "active", "reopened") and life.deadline < as_of
        counts["closed"] += status == "closed"
        counts["done"] += status == "done"
        counts["answered"] += life.callback_done
        counts["reopened"] += life.reopened_count > 0
        if len(rows.rows) >= CHUNK:
            rows.write()
            surveys.write()
            log(f"  … {i + 1:,} / {n:,} items ({(i + 1) / (time.perf_counter() - t):,.0f}/s)")
    rows.write()
    surveys.write()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["branches"] = nb
    return counts
