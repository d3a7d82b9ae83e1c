"""Demo training data: the ledger — the crediting rules installed; online learning from the provincial cadre
online college for the cadres of the whole demo tree (the scan judges them all), the last five whole years and
this year up to `as_of`: most reach 50 学时 a year (a few 网络专题班 and single courses), about 4 % fall short in
a year (some far short, some just below; a member's online study record may still lift them); recognised
activities (集中学习, 其他认可活动) for some of the city's members. The members' study records outside the
meetings are seeded with the meetings (`demo/meetings.py`) as ledger lines.

`write(source, lines)` credits the lines by the crediting rules (`ledger.rule_for`, `ledger.credit`) and inserts
them in one bulk insert (the loader's fast path), with no audit entry per line like the other bulk seeds; where
a crediting rule has a cap it goes through `ledger.post` (the caps are applied at posting)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zugong.core import audit

PROVIDER = "山西干部在线学院"
COURSES = ("习近平新时代中国特色社会主义思想专题", "学习贯彻党的二十届三中全会精神", "党史学习教育专题", "太行精神的时代价值",
           "吕梁精神专题讲座", "右玉精神与生态文明建设", "党纪学习教育：纪律处分条例解读", "数字政府建设与治理能力",
           "优化营商环境政策解读", "乡村振兴战略与实践", "安全生产责任制", "保密知识专题", "信访工作条例解读",
           "应急管理能力提升", "依法行政与法治政府建设", "调查研究方法", "意识形态工作责任制", "廉洁从政教育",
           "黄河流域生态保护和高质量发展", "能源革命综合改革试点", "公文写作与处理", "网络安全与数据保护")
ONLINE_CLASSES = ("学习贯彻习近平新时代中国特色社会主义思想网络专题班", "党纪学习教育网络专题班", "推动高质量发展网络专题班",
                  "领导干部法治素养提升网络专题班", "防范化解重大风险网络专题班", "党史学习教育网络专题班")
ACTIVITIES = (("study", "机关党委集中学习研讨"), ("study", "专题读书班"), ("other", "参观红色教育基地"),
              ("other", "党性教育现场教学"), ("study", "理论学习中心组扩大学习"))
MAX_CADRES = 5000  # keep the seed fast at larger scales: the tree's first cadres by record
MAX_MEMBERS = 300
YEARS = 5  # whole years of history before the year of `as_of`
ONLINE_HOURS = 50
COLUMNS = ("person_id", "on", "year", "kind", "hours", "claimed", "days", "basis", "source", "source_id",
           "source_label", "rule", "carried", "provider", "unit", "quantity", "passed_test", "evidence", "note",
           "created_at")


def write(source: str, lines) -> int:
    """Credit the lines by the crediting rules and insert them in bulk; `ledger.post` where a rule has a cap."""
    from django.db import connection
    from django.utils import timezone

    from zugong.core import bulk
    from zugong.people.models import Person
    from zugong.training import ledger
    from zugong.training.models import Credit

    lines = list(lines)
    if not lines:
        return 0
    table = ledger.rules_table()
    columns = {f.column for f in Credit._meta.concrete_fields} - {"id", "carried_from_id"}
    if columns != set(COLUMNS) or any(r.year_cap is not None or r.provider_cap is not None for r in table):
        return len(ledger.post(None, source, lines))
    ids = sorted({ln.person_id for ln in lines})
    paths: dict[int, str] = {}
    for i in range(0, len(ids), ledger.CHUNK):
        paths.update(Person.objects.unrestricted().filter(pk__in=ids[i:i + ledger.CHUNK])
                     .values_list("pk", "org_path"))
    now = timezone.now()
    stamp = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if connection.vendor == "sqlite" else now
    found: dict[tuple[str, str], object] = {}
    rows = []
    for ln in lines:
        key = (paths.get(ln.person_id, ""), ln.kind)
        rule = found.get(key)
        if rule is None:
            rule = found[key] = ledger.rule_for(table, key[0], ln.kind)
        hours, basis = ledger.credit(rule, ln)
        days = ln.days if ln.days is not None else (ln.quantity if ln.unit == "day" else None)
        rows.append((ln.person_id, ln.on.isoformat(), ln.on.year, ln.kind, str(hours), str(hours),
                     None if days is None else str(days), basis[:200], source, ln.source_id, ln.label[:200],
                     rule.code[:60], False, ln.provider[:100], ln.unit, str(ln.quantity), ln.passed_test, "",
                     ln.note[:200], stamp))
    return bulk.insert_rows(Credit._meta.db_table, COLUMNS, rows)


def _online_year(rng, rule, person_id: int, first: dt.date, last: dt.date, target: Decimal, below: bool) -> list:
    """One cadre's online learning of [first, last]: 网络专题班 (学时 as given) while far from `target`, then single
    courses (credited by their minutes) up to `target` — never reaching it when `below`."""
    from zugong.training import ledger

    span = (last - first).days + 1
    lines, total = [], Decimal(0)
    while target - total >= 10:
        hours = Decimal(rng.choice((10, 12, 15, 16, 20)))
        lines.append(ledger.Line(person_id=person_id, on=first + dt.timedelta(days=rng.randrange(span)),
                                 kind="online", quantity=hours, unit="hour", label=rng.choice(ONLINE_CLASSES),
                                 passed_test=True, provider=PROVIDER))
        total += hours
    while total < target:
        minutes = rng.choice((10, 20, 25, 30, 40, 45, 45, 60, 60, 90))
        passed = rng.random() < 0.7
        hours = ledger.online_hours(rule, Decimal(minutes), passed)
        if below and total + hours >= target:
            break
        lines.append(ledger.Line(person_id=person_id, on=first + dt.timedelta(days=rng.randrange(span)),
                                 kind="online", quantity=Decimal(minutes), unit="minute", label=rng.choice(COURSES),
                                 passed_test=passed, provider=PROVIDER))
        total += hours
    return lines


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.accounts.models import User
    from zugong.cadres.models import Cadre
    from zugong.members.models import Membership
    from zugong.training import ledger
    from zugong.training.defaults import ledger as defaults
    from zugong.training.models import Credit

    defaults.install()
    if Credit.objects.unrestricted().filter(source__in=("training.online", "training.manual"),
                                            person__org_path__startswith=root.path).exists():
        return {}
    rng = random.Random(seed * 104729 + 15)
    admin = User.objects.filter(username="admin").first()
    cadres = list(Cadre.objects.unrestricted().filter(org_path__startswith=root.path, status=Cadre.Status.ACTIVE)
                  .order_by("pk").values_list("person_id", flat=True)[:MAX_CADRES])
    judged = as_of.year - 1
    # The cadres planted at 45 and 50 学时 of the judged year (`training_requirements`) get nothing more that year.
    planted = set(Credit.objects.unrestricted().filter(source="training.demo_requirements", kind="online",
                                                       year=judged).values_list("person_id", flat=True))
    lax = set(rng.sample(cadres, max(1, len(cadres) // 20))) if cadres else set()  # often short
    rule = ledger.rule_for(ledger.rules_table(), city.path, "online")
    lines, short = [], 0
    for year in range(as_of.year - YEARS, as_of.year + 1):
        first = dt.date(year, 1, 1)
        last = min(as_of, dt.date(year, 12, 31))
        if last < first:
            continue
        share = Decimal(((last - first).days + 1) / 365).quantize(Decimal("0.01"))
        for person_id in cadres:
            r = rng.random()
            if year == judged and person_id in planted:
                continue
            if r < (0.6 if person_id in lax else 0.02):  # short this year: far short or just below
                below = True
                target = Decimal(rng.randint(10, 38)) if rng.random() < 0.6 else Decimal(rng.randint(46, 49))
                short += year == judged
            else:
                below, target = False, Decimal(rng.randint(ONLINE_HOURS, ONLINE_HOURS + 10))
            lines += _online_year(rng, rule, person_id, first, last, min(target, target * share), below)
    members = list(Membership.objects.unrestricted().active().filter(org_path__startswith=city.path)
                   .order_by("pk").values_list("person_id", flat=True)[:MAX_MEMBERS * 5])
    picked = rng.sample(members, min(MAX_MEMBERS, len(members))) if members else []
    activities = []
    for person_id in picked:
        on = dt.date(as_of.year, 1, 1) + dt.timedelta(days=rng.randrange((as_of - dt.date(as_of.year, 1, 1)).days + 1))
        kind, title = rng.choice(ACTIVITIES)
        activities.append(ledger.Line(person_id=person_id, on=on, kind=kind, quantity=Decimal(rng.choice((2, 3, 4, 6))),
                                      unit="hour", label=title, provider=city.name[:100],
                                      note="证明材料：签到表（纸质存档）"))
    with audit.acting_as(admin, name=audit.SEED_ACTOR):
        online = write("training.online", lines)
        manual = ledger.post(None, "training.manual", activities)
    counts = {"training_online_lines": online, "training_activity_lines": len(manual)}
    log(f"  学时台账：{counts}（{judged}年 {short} 名干部网络学习不足 {ONLINE_HOURS} 学时）")
    return counts
