"""The seed's organizational life: the meetings from January of the year before the reference date up to the
reference date (this month's so far), their absences, the members' study hours and last year's democratic
appraisal (this year's once its December meeting is held).

Run after the memberships are written: `seed_meetings()` reads the active branches, their members and party
groups with set-based SQL, plans each branch from `Random(f"{seed}:m:{path}")` (deterministic) and writes
chunk by chunk through the loader's fast paths (SQLite executemany, PostgreSQL COPY), with meeting ids
assigned here so the absences can point at them without reading anything back.

How branches behave (draws, not quotas): about 90 % hold everything, 5.5 % now and then miss a month, 3 %
are lax and 1.5 % nearly dormant; so a scan finds compliant and non-compliant branches in realistic numbers.
About 0.5 % of members stay away from everything without a reason (six months absent), 4 % miss a meeting now
and then (mostly with a reason). Themed days count 3 学时 and lectures 2; three members in four also
have a Party-school or online training record, so most members reach 32 学时 and the lax branches' do not.
Committee meetings rarely lack a quorum (~0.2 %).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.utils import timezone

from .loader import Loader, SeedError, Table

MEETING_COLUMNS = ("id", "organization_id", "org_path", "kind", "held_on", "place", "host", "host_person_id",
                   "recorder", "topic", "expected", "present", "guests", "minutes", "credit_hours",
                   "created_at", "updated_at")
ABSENCE_COLUMNS = ("id", "meeting_id", "membership_id", "org_path", "held_on", "kind", "reason", "credit_hours")
# Study hours outside the meetings are lines of the training ledger (training.Credit), credited as given.
STUDY_COLUMNS = ("id", "person_id", "on", "year", "kind", "hours", "claimed", "basis", "source", "source_label",
                 "rule", "evidence", "note", "provider", "unit", "quantity", "created_at")
APPRAISAL_COLUMNS = ("id", "organization_id", "org_path", "year", "meeting_id", "self_on", "mutual_on", "vote_on",
                     "decided_on", "voters_expected", "voters_present", "note", "created_at", "updated_at")
RESULT_COLUMNS = ("id", "appraisal_id", "membership_id", "org_path", "self_grade", "mutual_note", "votes_excellent",
                  "votes_qualified", "votes_basic", "votes_unqualified", "grade", "followup", "followup_until",
                  "followup_note")
BRANCH_CHUNK = 4000

# (share, chance of missing a monthly item, a quarterly one, a yearly one)
BEHAVIOUR = ((0.9, 0.0, 0.0, 0.0), (0.055, 0.02, 0.03, 0.05), (0.03, 0.35, 0.3, 0.3), (0.015, 0.8, 0.75, 0.8))
REASONS = ("外出务工", "生病住院", "出差", "年老体弱行动不便", "在外地学习", "照顾家人", "值班", "外出就医")
PLACES = {"rural": ("村党群服务中心", "村委会议室", "党员活动室"), "community": ("社区党群服务中心", "社区会议室"),
          None: ("党员活动室", "会议室", "党建活动室")}
TOPICS = {
    "general": ("传达学习上级会议精神", "讨论接收预备党员", "审议半年工作总结", "讨论年度工作计划", "预备党员转正"),
    "committee": ("研究本月党建工作安排", "研究发展党员工作", "研究党费收缴和使用", "研究主题党日活动方案",
                  "分析党员思想状况"),
    "group": ("学习党的创新理论", "交流学习体会", "讨论支部工作意见建议", "开展批评与自我批评"),
    "lecture": ("学习贯彻党的二十大精神", "党章党规党纪专题党课", "弘扬伟大建党精神", "坚定理想信念 践行初心使命",
                "学习《中国共产党纪律处分条例》"),
    "themed_day": ("重温入党誓词", "学习习近平新时代中国特色社会主义思想", "志愿服务进社区", "参观红色教育基地",
                   "党纪学习教育", "清洁家园志愿服务", "学习先进典型事迹"),
    "life_meeting": ("年度组织生活会", "专题组织生活会"),
    "appraisal": ("年度民主评议党员",),
    "talk": ("了解思想工作情况", "征求对支部工作的意见", "谈心谈话"),
}
THEMED_HOURS, LECTURE_HOURS = "3.0", "2.0"


@dataclass
class Member:
    id: int
    person_id: int
    group: int | None
    post: str
    joined: dt.date
    name: str = ""


@dataclass
class BranchLife:
    id: int
    path: str
    sector: str
    founded: dt.date | None
    members: list[Member] = field(default_factory=list)  # by joined date
    groups: dict[int, str] = field(default_factory=dict)  # party group id → path


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def read(connection, reference_date: dt.date) -> list[BranchLife]:
    """Active branches with members (in path order), their members and party groups."""
    with connection.cursor() as cur:
        cur.execute("SELECT id, path, sector, founded_on FROM orgs_organization "
                    "WHERE kind = 'branch' AND status = 'active' ORDER BY path")
        branches = {r[0]: BranchLife(r[0], r[1], r[2], _date(r[3])) for r in cur.fetchall()}
        cur.execute("SELECT id, path FROM orgs_organization WHERE kind = 'party_group' AND status = 'active'")
        group_paths = dict(cur.fetchall())
        cur.execute(
            "SELECT m.organization_id, m.id, m.person_id, m.party_group_id, m.committee_post, m.joined_on "
            "FROM members_membership m WHERE m.transferred_out_on IS NULL "
            "AND m.status IN ('probationary', 'full') AND m.joined_on <= %s ORDER BY m.id",
            [reference_date.isoformat() if connection.vendor == "sqlite" else reference_date])
        for org_id, mid, pid, group, post, joined in cur.fetchall():
            b = branches.get(org_id)
            if b is None:
                continue
            b.members.append(Member(mid, pid, group, post, _date(joined)))
            if group and group in group_paths:
                b.groups[group] = group_paths[group]
        cur.execute(
            "SELECT m.id, p.name FROM members_membership m JOIN people_person p ON p.id = m.person_id "
            "WHERE m.committee_post <> '' AND m.transferred_out_on IS NULL")
        names = dict(cur.fetchall())
    out = []
    for b in branches.values():
        if not b.members:
            continue
        b.members.sort(key=lambda m: (m.joined, m.id))
        for m in b.members:
            m.name = names.get(m.id, "")
        out.append(b)
    return out


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class Planner:
    """Writes one branch's meetings, absences, study records and appraisal as row tuples."""

    def __init__(self, seed: int, first: dt.date, last: dt.date, stamp: str, ids: dict[str, int], appraisals: bool,
                 minutes: bool):
        self.seed, self.first, self.last, self.stamp, self.ids = seed, first, last, stamp, ids
        self.months = _months(first, last)
        self.appraisals, self.minutes = appraisals, minutes
        self.rows: dict[str, list] = {"meetings": [], "absences": [], "study": [], "appraisals": [], "results": []}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def branch(self, b: BranchLife) -> None:
        rng = random.Random(f"{self.seed}:m:{b.path}")
        r, acc = rng.random(), 0.0
        for share, *miss in BEHAVIOUR:
            acc += share
            if r < acc:
                break
        miss_month, miss_quarter, miss_year = miss
        joined = [m.joined for m in b.members]
        secretary = next((m for m in b.members if m.post == "secretary"), None)
        recorder = next((m for m in b.members if m.post == "organization"), None) or secretary
        committee = [m for m in b.members if m.post]
        has_committee = any(m.post in ("organization", "propaganda", "discipline", "member") for m in committee)
        # Chronic absentees (no reason) and occasional absentees.
        away = {m.id for m in b.members if rng.random() < 0.005}
        place = rng.choice(PLACES.get(b.sector, PLACES[None]))
        host = secretary.name if secretary else ""
        host_pid = secretary.person_id if secretary else None
        rec = recorder.name if recorder else ""
        founded = b.founded or dt.date(1990, 1, 1)
        themed_day = rng.randint(5, 25)

        def meeting(org_id, path, kind, day, roster, hours="0", host_name=host, host_person=host_pid, quorum=False):
            if day < founded or day > self.last:
                return
            mid = self.next_id("meetings")
            absent = []
            for m in roster:
                if m.id in away:
                    absent.append((m, ""))
                elif rng.random() < 0.04:
                    absent.append((m, rng.choice(REASONS) if rng.random() < 0.7 else ""))
            if quorum:  # a committee meeting without a quorum
                absent = [(m, rng.choice(REASONS)) for m in roster[len(roster) // 2:]]
            elif kind == "committee" and 2 * (len(roster) - len(absent)) <= len(roster):
                absent = []  # the committee meets when more than half can come
            expected = len(roster) if roster else 2
            present = expected - len(absent)
            topic = rng.choice(TOPICS[kind])
            minutes = f"{host_name or '书记'}主持会议，{topic}。应到{expected}人，实到{present}人。" if self.minutes else ""
            self.rows["meetings"].append((
                mid, org_id, path, kind, day.isoformat(), place, host_name, host_person, rec, topic, expected, present,
                "", minutes, hours, self.stamp, self.stamp))
            for m, reason in absent:
                self.rows["absences"].append((self.next_id("absences"), mid, m.id, path, day.isoformat(), kind, reason,
                                              hours))
            return mid

        def roster_on(day):
            return b.members[: bisect.bisect_right(joined, day)]

        appraisal_meeting = None
        for month in self.months:
            last_day = 28
            if rng.random() >= miss_month:
                day = month.replace(day=themed_day)
                meeting(b.id, b.path, "themed_day", day, roster_on(day), THEMED_HOURS)
            if has_committee and rng.random() >= miss_month:
                day = month.replace(day=rng.randint(1, 10))
                members = [m for m in committee if m.joined <= day]
                meeting(b.id, b.path, "committee", day, members, quorum=rng.random() < 0.002)
            for gid, gpath in b.groups.items():
                if rng.random() >= miss_month:
                    day = month.replace(day=rng.randint(1, last_day))
                    meeting(gid, gpath, "group", day, [m for m in roster_on(day) if m.group == gid])
            if month.month % 3 == 0:  # the quarter's general meeting and lecture, held in its last month or so
                if rng.random() >= miss_quarter:
                    day = month.replace(day=rng.randint(1, 25)) - dt.timedelta(days=rng.choice((0, 0, 30)))
                    meeting(b.id, b.path, "general", day, roster_on(day))
                if rng.random() >= miss_quarter:
                    day = month.replace(day=rng.randint(1, 25))
                    by_secretary = secretary and (month.month in (3, 9) or rng.random() < 0.3)
                    if by_secretary and rng.random() >= miss_year:
                        meeting(b.id, b.path, "lecture", day, roster_on(day), LECTURE_HOURS)
                    else:
                        speaker = rng.choice([m for m in committee if m.post != "secretary"] or [None])
                        meeting(b.id, b.path, "lecture", day, roster_on(day), LECTURE_HOURS,
                                host_name=speaker.name if speaker else "乡镇党委组织委员",
                                host_person=speaker.person_id if speaker else None)
            if month.month == 12:
                if rng.random() >= miss_year:
                    day = month.replace(day=rng.randint(10, 28))
                    meeting(b.id, b.path, "life_meeting", day, roster_on(day))
                if rng.random() >= miss_year:
                    day = month.replace(day=rng.randint(5, 28))
                    held = meeting(b.id, b.path, "appraisal", day, roster_on(day))
                    if held:  # this December's may still be ahead: keep last year's
                        appraisal_meeting = held, day
            if month.month in (4, 10) and rng.random() < 0.9:  # 谈心谈话: about 1 % of branches miss a year
                meeting(b.id, b.path, "talk", month.replace(day=rng.randint(1, 28)), [], host_name=host)

        self._study(rng, b, away)
        if self.appraisals and appraisal_meeting and appraisal_meeting[0]:
            self._appraisal(rng, b, *appraisal_meeting)

    def _study(self, rng, b: BranchLife, away) -> None:
        for year, share in ((self.first.year, 0.75), (self.last.year, 0.3)):
            for m in b.members:
                if m.id in away or rng.random() >= share:
                    continue
                on = dt.date(year, rng.randint(3, 11 if year < self.last.year else self.last.month), rng.randint(1, 28))
                if on > self.last:
                    continue
                kind, title, provider = (("class", "党员集中轮训", "县委党校") if rng.random() < 0.5
                                         else ("online", "党员网络培训", "党员教育平台"))
                hours = rng.choice(("8.0", "12.0", "16.0", "24.0"))
                self.rows["study"].append((self.next_id("study"), m.person_id, on.isoformat(), on.year, kind, hours,
                                           hours, f"{hours[:-2]} 学时", "branchlife.studyrecord", title, "默认", "",
                                           "", provider, "hour", hours, self.stamp))

    def _appraisal(self, rng, b: BranchLife, meeting_id: int, day: dt.date) -> None:
        aid = self.next_id("appraisals")
        voters = [m for m in b.members if m.joined <= day]
        present = max(1, len(voters) - sum(rng.random() < 0.05 for _ in voters))
        self.rows["appraisals"].append((
            aid, b.id, b.path, day.year, meeting_id, (day - dt.timedelta(days=10)).isoformat(),
            day.isoformat(), day.isoformat(), (day + dt.timedelta(days=3)).isoformat(), len(voters), present, "",
            self.stamp, self.stamp))
        for m in voters:
            r = rng.random()
            grade = "excellent" if r < 0.15 else "qualified" if r < 0.985 else "basic" if r < 0.995 else "unqualified"
            followup, until, note = "", None, ""
            if grade == "unqualified" and rng.random() < 0.7:
                followup, until, note = "correct", (day + dt.timedelta(days=180)).isoformat(), "限期半年改正"
            top = {"excellent": 0, "qualified": 1, "basic": 2, "unqualified": 3}[grade]
            votes = [0, 0, 0, 0]
            for _ in range(present):
                votes[min(3, max(0, top + rng.choice((0, 0, 0, -1, 1))))] += 1
            self.rows["results"].append((
                self.next_id("results"), aid, m.id, b.path, "qualified" if grade != "excellent" else "excellent", "",
                *votes, grade, followup, until, note))


def _tables() -> dict[str, Table]:
    get = apps.get_model
    return {
        "meetings": Table.of(get("branchlife", "Meeting"), MEETING_COLUMNS),
        "absences": Table.of(get("branchlife", "Absence"), ABSENCE_COLUMNS),
        "study": Table.of(get("training", "Credit"), STUDY_COLUMNS),
        "appraisals": Table.of(get("branchlife", "Appraisal"), APPRAISAL_COLUMNS),
        "results": Table.of(get("branchlife", "AppraisalResult"), RESULT_COLUMNS),
    }


def seed_meetings(seed: int = 1, *, reference_date: dt.date, log=print, connection=default_connection,
                  loader: Loader | None = None, appraisals: bool = True, minutes: bool = True,
                  fast_indexes: bool = False) -> dict[str, int]:
    """Plan and write the organizational life of every active branch (inside the caller's transaction, after
    the memberships). `fast_indexes` drops and rebuilds the tables' indexes around the load (empty tables)."""
    started = time.perf_counter()
    tables = _tables()
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM branchlife_meeting)")
        if cur.fetchone()[0]:
            raise SeedError("branchlife_meeting 中已有数据，seed_meetings 只在没有组织生活记录时运行")
    if loader is None:
        from types import SimpleNamespace

        loader = SimpleNamespace(vendor=connection.vendor, truncated=False, nested=True)
    first = dt.date(reference_date.year - 1, 1, 1)
    branches = read(connection, reference_date)
    log(f"  organizational life: read {len(branches):,} branches in {time.perf_counter() - started:.1f} s")
    now = timezone.now()
    stamp = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if connection.vendor == "sqlite" \
        else now.isoformat(" ")
    with connection.cursor() as cur:
        ids = {k: _next_id(cur, t.name) for k, t in tables.items()}
    recreate = {}
    if fast_indexes:
        recreate = {k: Loader.drop_indexes(loader, t) for k, t in tables.items()}
    planner = Planner(seed, first, reference_date, stamp, ids, appraisals, minutes)
    counts = dict.fromkeys(tables, 0)
    for start in range(0, len(branches), BRANCH_CHUNK):
        for b in branches[start:start + BRANCH_CHUNK]:
            planner.branch(b)
        for key, table in tables.items():
            rows = planner.rows[key]
            if rows:
                counts[key] += Loader.insert(loader, table, rows)
                planner.rows[key] = []
        if start and start % (BRANCH_CHUNK * 5) == 0:
            log(f"    … {start:,} / {len(branches):,} branches, {counts['meetings']:,} meetings "
                f"({time.perf_counter() - started:.0f} s)")
    for key, statements in recreate.items():
        t = time.perf_counter()
        Loader.recreate(loader, statements)
        log(f"  rebuild indexes of {tables[key].name}: {time.perf_counter() - t:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables.values()]):
                cur.execute(sql)
    log(f"  organizational life written in {time.perf_counter() - started:.1f} s: {counts}")
    return counts


def analyze(connection=default_connection) -> None:
    with connection.cursor() as cur:
        for t in _tables().values():
            cur.execute(f'ANALYZE "{t.name}"')


def _next_id(cur, table: str) -> int:
    cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
    return cur.fetchone()[0]
