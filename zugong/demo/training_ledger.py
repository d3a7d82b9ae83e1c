"""Demo training data: the ledger — the crediting rules installed; online learning from the provincial cadre
online college for the demo city's cadres (last year whole, this year up to `as_of`), most reaching about 50
学时 a year, a few well short; recognised activities (集中学习, 其他认可活动) for some of the city's members. The
members' study records outside the meetings are seeded with the meetings (`demo/meetings.py`) as ledger lines.
Posted through `training.ledger.post` (credited by the rules; no audit entry per line, like the other bulk
seeds)."""

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
ACTIVITIES = (("study", "机关党委集中学习研讨"), ("study", "专题读书班"), ("other", "参观红色教育基地"),
              ("other", "党性教育现场教学"), ("study", "理论学习中心组扩大学习"))
MAX_CADRES = 400  # keep the seed fast: the city's first cadres by record
MAX_MEMBERS = 300


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.accounts.models import User
    from zugong.cadres.models import Cadre
    from zugong.members.models import Membership
    from zugong.training import ledger
    from zugong.training.defaults import ledger as defaults
    from zugong.training.models import Credit

    defaults.install()
    if Credit.objects.unrestricted().filter(source__in=("training.online", "training.manual"),
                                            person__org_path__startswith=city.path).exists():
        return {}
    rng = random.Random(seed * 104729 + 15)
    admin = User.objects.filter(username="admin").first()
    cadres = list(Cadre.objects.unrestricted().filter(org_path__startswith=city.path, status=Cadre.Status.ACTIVE)
                  .order_by("pk").values_list("person_id", flat=True)[:MAX_CADRES])
    lines = []
    short = set(rng.sample(cadres, max(1, len(cadres) // 20))) if cadres else set()  # about 5 % fall short
    for year in (as_of.year - 1, as_of.year):
        last = as_of if year == as_of.year else dt.date(year, 12, 31)
        first = dt.date(year, 1, 1)
        span = (last - first).days + 1
        share = span / 365
        for person_id in cadres:
            wanted = rng.randint(8, 20) if person_id in short else rng.randint(40, 48)
            for _ in range(int(wanted * share)):
                on = first + dt.timedelta(days=rng.randrange(span))
                minutes = rng.choice((10, 20, 25, 30, 40, 45, 45, 60, 60, 90))
                lines.append(ledger.Line(person_id=person_id, on=on, kind="online", quantity=Decimal(minutes),
                                         unit="minute", label=rng.choice(COURSES), passed_test=rng.random() < 0.7,
                                         provider=PROVIDER))
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
        online = ledger.post(None, "training.online", lines)
        manual = ledger.post(None, "training.manual", activities)
    counts = {"training_online_lines": len(online), "training_activity_lines": len(manual)}
    log(f"  学时台账：{counts}（{len(short)} 名干部网络学习明显不足）")
    return counts
