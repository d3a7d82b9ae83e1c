"""Demo training data: the demo city's plans and classes, dated up to `as_of`.

- The city's 年度干部教育培训计划 of last year and of `as_of`'s year.
- Last year: a 县处级干部集中轮训班 (脱产) and a 党支部书记示范培训班 (脱产), closed, hours credited, certificates.
- This year: a 新任职干部任职培训班 (脱产, 56 学时) closed, with leave exactly at 1/7 and one trainee withdrawn
  (退学) for leave above it; an 在职干部专题学习班 (不脱产) closed; a 科级干部集中轮训班 running this week (sessions
  yesterday, today and tomorrow; attendance up to yesterday; one trainee near the leave limit); a 党员集中培训班
  next month taking enrolments.
Everything goes through `classes_services` (audited, the ledger posted by 结业), except the attendance rows of the
past sessions, written in bulk inside one operation (as a sign-in import would).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zugong.core import audit

D = dt.timedelta


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.accounts.models import User
    from zugong.training.defaults.classes import install
    from zugong.training.models import Plan

    if Plan.objects.unrestricted().filter(org_path__startswith=city.path).exists():
        return {}
    install(None)
    rng = random.Random(seed * 6271 + 15)
    admin = User.objects.get(username="admin")
    with audit.acting_as(admin, name=audit.SEED_ACTOR):
        counts = _seed(city, admin, as_of, rng)
    log(f"  培训班次：{counts}")
    return counts


def _people(city, rng):
    from zugong.cadres.models import Cadre
    from zugong.members.models import Membership

    cadres = Cadre.objects.unrestricted().filter(org_path__startswith=city.path, status=Cadre.Status.ACTIVE)
    county = list(cadres.filter(rank_level=3).order_by("pk").values_list("person_id", flat=True)[:400])
    section = list(cadres.filter(rank_level__in=[4, 5]).order_by("pk").values_list("person_id", flat=True)[:600])
    members = list(Membership.objects.unrestricted().filter(org_path__startswith=city.path).active()
                   .exclude(person_id__in=cadres.values("person_id")).order_by("pk")
                   .values_list("person_id", flat=True)[:600])
    for group in (county, section, members):
        rng.shuffle(group)
    return county, section, members


def _class(admin, city, plan, code, name, kind, off_job, start, days, per_day, *, capacity=None, status="running",
           target="", topics=()):
    from zugong.training import classes_services as services
    from zugong.training.models import Session, TrainingClass

    cls = services.save_class(admin, TrainingClass(
        organization=city, plan=plan, code=code, name=name, kind=kind, off_job=off_job, starts_on=start,
        ends_on=start + D(days=days - 1), total_hours=Decimal(days * per_day), capacity=capacity, status=status,
        target=target, location="市委党校" if off_job else "市委组织部会议室"))
    topics = topics or ("习近平新时代中国特色社会主义思想专题", "党性教育", "太行精神与红色传统", "政策解读",
                        "基层治理案例", "干部履职能力", "廉政教育", "分组研讨")
    halves = 2 if per_day >= 6 else 1
    hours = Decimal(per_day) / halves
    for day in range(days):
        for half in range(halves):
            begins = dt.time(8, 30) if half == 0 else dt.time(14, 30)
            ends = (dt.datetime.combine(start, begins) + D(hours=float(hours))).time()
            services.save_session(admin, Session(training_class=cls, on=start + D(days=day), starts_at=begins,
                                                 ends_at=ends, topic=topics[(day * halves + half) % len(topics)],
                                                 lecturer=("市委党校教研室", "市委组织部", "特邀专家")[(day + half) % 3],
                                                 hours=hours))
    return cls


def _attend(admin, cls, until: dt.date, rng, absent_share=0.03) -> int:
    """Attendance of every trainee at every session before `until` (a few absences), in one operation."""
    from zugong.training.models import Attendance, Enrolment, Session

    sessions = list(Session.objects.unrestricted().filter(training_class=cls, on__lt=until))
    enrolments = list(Enrolment.objects.unrestricted().filter(training_class=cls))
    rows = []
    for s in sessions:
        signed = dt.datetime.combine(s.on, s.starts_at or dt.time(8, 30)) - D(minutes=rng.randint(1, 20))
        for e in enrolments:
            present = rng.random() > absent_share
            rows.append(Attendance(session=s, enrolment=e, org_path=cls.org_path,
                                   status="present" if present else "absent", hours=s.hours if present else 0,
                                   method=("qr" if rng.random() < 0.85 else "roll") if present else "",
                                   signed_at=signed.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
                                   if present else None))
    with audit.operation(cls, "update", note="签到记录（演示数据）") as op:
        op.created(Attendance.objects.bulk_create(rows, batch_size=2000))
    return len(rows)


def _leave(admin, cls, enrolment, index: int, hours, reason):
    from zugong.training import classes_services as services
    from zugong.training.models import Session

    sessions = list(Session.objects.unrestricted().filter(training_class=cls).order_by("on", "starts_at"))
    if enrolment is None or index >= len(sessions):
        return None
    return services.record_leave(admin, sessions[index], enrolment, hours, reason)


def _nth(rows, i):
    return rows[i] if i < len(rows) else None


def _seed(city, admin, as_of, rng) -> dict[str, int]:
    from zugong.training import classes_services as services
    from zugong.training.models import Certificate, Enrolment, Plan

    county, section, members = _people(city, rng)
    year, last = as_of.year, as_of.year - 1
    plans = {y: services.save_plan(admin, Plan(organization=city, year=y, title=f"{y}年度干部教育培训计划",
                                                note="按照干部教育培训规划和年度工作要点制定")) for y in (last, year)}
    counts = {"training_plans": 2, "training_classes": 0, "training_attendance": 0}
    closed = []

    def enrol(cls, people):
        if people:
            services.enrol_people(admin, cls, people)
        return list(Enrolment.objects.unrestricted().filter(training_class=cls).order_by("pk"))

    # last year: two 脱产 classes, closed
    c1 = _class(admin, city, plans[last], f"{city.code}-{last}-01", f"{last}年县处级干部集中轮训班（第一期）",
                "rotation", True, dt.date(last, 4, 13), 5, 8, capacity=40, target="县处级领导干部")
    enrol(c1, county[:14] or section[:14])
    counts["training_attendance"] += _attend(admin, c1, c1.ends_on + D(days=1), rng)
    closed.append(c1)
    c2 = _class(admin, city, plans[last], f"{city.code}-{last}-02", f"{last}年党支部书记示范培训班", "topic", True,
                dt.date(last, 9, 14), 3, 8, capacity=50, target="基层党支部书记")
    enrol(c2, members[:40])
    counts["training_attendance"] += _attend(admin, c2, c2.ends_on + D(days=1), rng)
    closed.append(c2)
    # this year: 任职培训 with leave at exactly 1/7 and a 退学; an 在职 class
    start = min(dt.date(year, 3, 16), as_of - D(days=40))
    c3 = _class(admin, city, plans[year], f"{city.code}-{year}-01", f"{year}年新任职县处级干部任职培训班", "post",
                True, start, 7, 8, capacity=30, target="新提任县处级干部")
    trainees = enrol(c3, county[14:30] + section[80:88])  # the newly promoted
    counts["training_attendance"] += _attend(admin, c3, c3.ends_on + D(days=1), rng, absent_share=0)
    _leave(admin, c3, _nth(trainees, 0), 2, "4", "参加市委重要会议")
    _leave(admin, c3, _nth(trainees, 0), 3, "4", "参加市委重要会议")            # 8 of 56: exactly 1/7, allowed
    _leave(admin, c3, _nth(trainees, 1), 1, "4", "因病就医")
    _leave(admin, c3, _nth(trainees, 1), 4, "4", "因病就医")
    _leave(admin, c3, _nth(trainees, 1), 9, "4", "家中有事")                    # 12 of 56: 退学
    closed.append(c3)
    c4 = _class(admin, city, plans[year], f"{city.code}-{year}-02", f"{year}年在职干部专题学习班", "in_service",
                False, min(dt.date(year, 6, 8), as_of - D(days=20)), 4, 3, target="机关科级干部")
    enrol(c4, section[:35])
    counts["training_attendance"] += _attend(admin, c4, c4.ends_on + D(days=1), rng, absent_share=0.06)
    closed.append(c4)
    for cls in closed:
        services.close_class(admin, cls, today=cls.ends_on + D(days=2))
    # this week: running, sessions today and tomorrow, attendance up to yesterday
    c5 = _class(admin, city, plans[year], f"{city.code}-{year}-03", f"{year}年科级干部集中轮训班", "rotation", True,
                as_of - D(days=2), 5, 8, capacity=45, target="乡科级领导干部")
    trainees = enrol(c5, section[35:75])
    counts["training_attendance"] += _attend(admin, c5, as_of, rng, absent_share=0.02)
    _leave(admin, c5, _nth(trainees, 2), 1, "4", "下乡督导防汛")                # 5 of 40: near the limit (5.71)
    _leave(admin, c5, _nth(trainees, 2), 2, "1", "接待来访")
    _leave(admin, c5, _nth(trainees, 5), 6, "4", "参加县委常委会")
    # next month: enrolling
    c6 = _class(admin, city, plans[year], f"{city.code}-{year}-04", f"{year}年党员集中培训班", "topic", False,
                as_of + D(days=24), 4, 8, capacity=60, status="enrolling", target="全市党员")
    enrol(c6, members[40:88])
    counts["training_classes"] = 6
    counts["training_enrolments"] = Enrolment.objects.unrestricted().filter(training_class__plan__in=plans.values()).count()
    counts["training_certificates"] = Certificate.objects.unrestricted().filter(org_path__startswith=city.path).count()
    counts["training_withdrawn"] = Enrolment.objects.unrestricted().filter(
        training_class__plan__in=plans.values(), status=Enrolment.Status.WITHDRAWN).count()
    return counts
