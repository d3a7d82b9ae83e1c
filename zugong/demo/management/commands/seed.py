"""`zugong seed`: fill the database with a realistic, deterministic Shanxi demonstration data set.

    zugong seed --scale demo                 # 太原 and 长治 (two counties each) plus the province's skeleton
    zugong seed --scale county               # 太原市小店区 in full
    zugong seed --scale province             # all of Shanxi: ~138,000 organizations, ~2.6 million members
    zugong seed --scale demo --if-empty      # do nothing when organizations exist (used by `make run`)
    zugong seed --scale demo --force         # empty the seeded tables (and tables that depend on them) first
    zugong seed --as-of 2026-06-30           # the day the data runs up to (default today)

Everyone in a branch is a party member (a Membership with dues payments for recent months, see
zugong/demo/membership.py). The same --seed gives the same organizations, names, ID numbers, memberships and
payments on every run for the same --as-of: dated records (dues, meetings, cases, terms, cadres, dispatch
reports) run up to that day, so the demo lives in the present. At the end the rules scan the whole tree, so
findings exist without anyone pressing a button. The demo accounts (admin, city, branch with business roles;
sysadmin, secadmin, auditor for the three system duties, 三员分立) are created here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from zugong.core import config, workdays
from zugong.members import dues
from zugong.demo.cadres import STAFF_SHARE as CADRE_STAFF_SHARE, seed_cadres
from zugong.demo.appointments import seed_appointments
from zugong.demo.cases import seed_cases
from zugong.demo.meetings import seed_meetings
from zugong.demo.elections import seed_elections
from zugong.demo.posts import seed_posts
from zugong.demo.history import fill_history, plant_history, plant_stops
from zugong.demo.orghealth import seed_orghealth
from zugong.demo.assessment import seed_assessment
from zugong.demo.training import seed_training
from zugong.demo.service import seed_service
from zugong.demo.stats import seed_reports, seed_stats_data
from zugong.demo.talent import seed_talent
from zugong.demo.dispatch import seed_dispatch
from zugong.demo.teams import seed_teams
from zugong.demo.generate import SCALES, Plan
from zugong.demo.loader import Loader, SeedError
from zugong.demo.member_history import seed_member_history

PUBLIC_SCALES = ("demo", "county", "province")


def parse_as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of 应写作 2026-06-30，不是“{text}”") from None


def add_as_of_argument(parser) -> None:
    """`--as-of DATE` (default today): the day the demonstration data runs up to."""
    parser.add_argument("--as-of", type=parse_as_of, default=None,
                        help="演示数据截至的日期（默认今天），如 2026-06-30；相同的种子和日期生成相同的数据")


def demo_password() -> tuple[str, str]:
    """The demo accounts' password and where it comes from: ZUGONG_DEMO_PASSWORD, else var/demo_password
    (generated once, mode 600, reused later)."""
    if os.environ.get("ZUGONG_DEMO_PASSWORD"):
        return os.environ["ZUGONG_DEMO_PASSWORD"], "环境变量 ZUGONG_DEMO_PASSWORD"
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(12) + "\n")
    path.chmod(0o600)
    return path.read_text().strip(), str(path)


def plain_name(name: str) -> str:
    """中共XX村支部委员会 → XX村党支部 (how a secretary's title is written)."""
    name = name.removeprefix("中共")
    for suffix, short in (("总支部委员会", "党总支"), ("支部委员会", "党支部"), ("委员会", "党委")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + short
    return name


def existing_demo_accounts() -> list[tuple[str, str, str, object]]:
    """The demo accounts of an earlier seed, as `create_demo_accounts` returned them (none: an empty list)."""
    from zugong.accounts.models import ScopeGrant, User
    from zugong.core.scope import Duty, Role

    grants = (ScopeGrant.objects.filter(user__username__in=DEMO_USERNAMES, user__is_active=True)
              .select_related("user", "organization"))
    found = {g.user.username: (g.user.username, g.user.display_name, Role(g.role).label, g.organization)
             for g in grants}
    for user in User.objects.filter(username__in=[u for u, _d, _t in DUTY_ACCOUNTS], is_active=True).exclude(duty=""):
        found[user.username] = (user.username, user.display_name, Duty(user.duty).label, None)
    return [found[name] for name in (*DEMO_USERNAMES, *(u for u, _d, _t in DUTY_ACCOUNTS)) if name in found]


DEMO_USERNAMES = ("admin", "city", "branch")
# 三员分立: one demo account for each system duty (no business role, no grant).
DUTY_ACCOUNTS = (("sysadmin", "系统管理员", "sysadmin"), ("secadmin", "安全管理员", "secadmin"),
                 ("auditor", "安全审计员", "auditor"))


def create_duty_accounts(password: str, *, only_missing: bool = False) -> None:
    """The three duties' demo accounts (marked demo: exempt from the change at first login and from expiry);
    `only_missing` (a seed skipped with --if-empty) creates the missing ones and marks the existing demo
    accounts without touching their passwords."""
    from zugong.accounts.models import User

    for username, display, duty in DUTY_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and (only_missing or user.grants.exists()):
            if not user.is_demo and user.duty == duty:
                user.is_demo = True
                user.save(update_fields=["is_demo"])
            continue
        user = user or User(username=username)
        user.display_name, user.duty, user.is_active, user.is_demo = display, duty, True, True
        user.must_change_password = False
        user.set_password(password)
        user.save()
    User.objects.filter(username__in=DEMO_USERNAMES, duty="", is_demo=False).update(is_demo=True)


def create_demo_accounts(root, city, branch, password: str) -> list[tuple[str, str, str, object]]:
    """admin (组织部管理员, the province), city (党组织管理员, 太原), branch (支部书记 of one branch), and the three
    duties' accounts sysadmin, secadmin, auditor (三员分立); all marked demo accounts."""
    from zugong.accounts.models import ScopeGrant, User
    from zugong.core.scope import Duty, Role

    accounts = [
        ("admin", "省委组织部管理员", Role.DEPT_ADMIN, root),
        ("city", f"{city.short_name.removesuffix('委')}委组织部管理员", Role.ORG_ADMIN, city),
        ("branch", f"{plain_name(branch.name)}书记"[:50], Role.SECRETARY, branch),
    ]
    out = []
    for username, display, role, org in accounts:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
        user.set_password(password)
        user.display_name, user.is_active, user.duty = display, True, ""
        user.is_demo, user.must_change_password = True, False
        user.save()
        ScopeGrant.objects.filter(user=user).delete()
        ScopeGrant.objects.create(user=user, organization=org, role=role)
        out.append((username, display, role.label, org))
    create_duty_accounts(password)
    out += [(username, display, Duty(duty).label, None) for username, display, duty in DUTY_ACCOUNTS]
    return out


class Command(BaseCommand):
    help = "生成演示数据（山西省党组织、单位、人员和六个演示账号）。Seed demonstration data."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="demo",
            help="demo（默认）、county（一个县区）或 province（全省）",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子：相同的种子生成相同的数据（默认 1）"
        )
        parser.add_argument("--force", action="store_true", help="先清空党组织、单位、人员、管辖范围及依赖它们的数据（党员、问题等）")
        parser.add_argument("--if-empty", action="store_true", help="已有党组织时什么也不做（退出码 0）")
        add_as_of_argument(parser)

    def log(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, scale, seed, force, if_empty, as_of=None, **options):
        from zugong.accounts.models import User
        from zugong.orgs.models import Organization
        from zugong.people.models import Person

        started = time.perf_counter()
        try:
            loader = Loader(log=self.log)
            loader.check_tables()
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        existing = Organization.objects.unrestricted().count()
        if existing:
            if if_empty:
                self.log(f"数据库中已有 {existing:,} 个党组织，跳过生成演示数据。")
                with transaction.atomic():
                    create_duty_accounts(demo_password()[0], only_missing=True)
                self.print_logins(existing_demo_accounts(), *demo_password())
                return
            if not force:
                people = Person.objects.unrestricted().count()
                raise CommandError(
                    f"数据库中已有 {existing:,} 个党组织、{people:,} 名人员。"
                    "如确需清空这些数据并重新生成，请加 --force。"
                )
        as_of = as_of or timezone.localdate()
        if workdays.covered_until() is None:  # the calendar a migration fills (emptied by a flushed test database)
            workdays.sync()
        self.log(f"生成演示数据：规模 {scale}，种子 {seed}，截至 {as_of}，数据库 {connection.vendor}")
        t = time.perf_counter()
        plan = Plan(scale, seed, as_of=as_of)
        plan.build()
        n_orgs, n_units, n_people = plan.totals()
        t = loader.phase(f"plan ({n_orgs:,} organizations, {n_units:,} units, {n_people:,} people)", t)

        password, password_source = demo_password()
        # SQLite checks foreign keys per row unless switched off (only possible outside a transaction);
        # the loaded tables are checked once at the end instead.
        disabled = connection.disable_constraint_checking()
        try:
            with loader.temp_files(), transaction.atomic():
                emptied = loader.wipe()
                if existing:
                    self.log(f"  emptied: {', '.join(emptied)}")
                t = loader.phase("wipe", t)
                counts = loader.load(plan, timezone.now())
                counts |= fill_history(log=self.log)  # the members' status and group spans, from their records
                # Open cases, and cases for the members admitted in the last two years (a quarter of them at
                # province scale, to keep the bench's seed time).
                counts |= seed_cases(seed, reference_date=as_of, log=self.log, loader=loader,
                                     admitted_rate=0.25 if scale == "province" else 1.0)
                if scale != "province":  # the province's: `zugong demo meetings` (bench/seed_bench.py)
                    counts |= seed_meetings(seed, reference_date=as_of, log=self.log, loader=loader)
                counts |= plant_stops(seed, as_of=as_of, log=self.log)  # a few introducers stopped in 2025
                # Elections of the current terms (the province scale keeps to the postponements: its dashboards
                # read the terms from the organizations).
                counts |= seed_elections(seed, reference=as_of, log=self.log,
                                         rate=0.0 if scale == "province" else 1.0)
                counts |= seed_posts(seed, reference=as_of, log=self.log)  # the committees' post history
                counts |= plant_history(seed, as_of=as_of, log=self.log)  # 留党察看, candidates
                counts |= seed_cadres(seed, staff_share=CADRE_STAFF_SHARE.get(scale, 0.12), as_of=as_of,
                                      log=self.log)
                counts |= seed_appointments(seed, as_of=as_of, log=self.log)  # after the cadres: builds on them
                t = time.perf_counter()
                # The dues base by month and the records of the members' rules (contacts, abroad, 限期改正).
                counts |= seed_member_history(as_of, log=self.log)
                # What the party statistics count people and units by; deaths, 出党 and 党内表彰.
                counts |= seed_stats_data(seed, as_of, log=self.log)
                dues.settle()  # the months each member's dues are settled through: one set-based UPDATE
                t = loader.phase("member history and settled dues months", t)
                root = Organization.objects.unrestricted().get(path=plan.root.path)
                city = Organization.objects.unrestricted().get(code="1401")
                branch = self.pick_branch(plan, city)
                accounts = create_demo_accounts(root, city, branch, password)
                # The province's default configuration of every domain (`zugong defaults install`): local rules
                # (公示 days, lead times, 党课每季度, the term reminder, team standards), dispatch programs, the
                # default checklist and identification standard (below province scale, scores, flags and
                # rectification follow once meeting compliance is computed, below).
                config.install(root)
                counts |= seed_teams(root, as_of=as_of, log=self.log)  # teams from the cadres' current posts
                self.audit(root, scale, seed, as_of, counts)
                t = loader.phase("demo accounts and audit entry", t)
            t = loader.phase("commit", t)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if disabled:
                connection.enable_constraint_checking()
        loader.analyze()
        t = loader.phase("analyze", t)
        if scale != "province":  # the province's is rebuilt by `zugong branchlife compliance` (bench)
            from zugong.branchlife import compliance

            t = time.perf_counter()
            n = compliance.refresh(as_of=as_of)
            t = loader.phase(f"organizational-life compliance ({n:,} rows)", t)
            # Branch scores (from the compliance above), flags, a county's list and rectification cases; the
            # province's scoring is timed by bench/orghealth_bench.py.
            with transaction.atomic():
                admin = User.objects.get(username="admin")
                counts |= seed_orghealth(root, city, admin, seed=seed, log=self.log, today=as_of)
                # 第一书记 (weak villages of the list above first), a work team, 墩苗, 挂职, rotations.
                counts |= seed_dispatch(seed, as_of=as_of, log=self.log)
                # Sanctions, routine and annual assessment, team ballots, the counties' classified assessment.
                counts |= seed_assessment(root, city, seed=seed, as_of=as_of, log=self.log)
                # Training: classes with sign-in and leave, online hours, the course library, the ledger.
                counts |= seed_training(root, city, seed=seed, as_of=as_of, log=self.log)
                # 我为群众办实事: campaigns, items with their timelines, 在职党员到社区报到, a public board.
                counts |= seed_service(seed, as_of, root=root, log=self.log)
                # 人才工程: 三晋英才 and a city's programme, two editions, experts, the pool (a few hundred rows).
                counts |= seed_talent(seed, as_of, root=root, log=self.log)
                # 党内统计: last year's annual reports of the counties, submitted (one returned by the city).
                counts |= seed_reports(root, as_of, log=self.log)
            t = loader.phase("organization health (scores, weak organizations)", t)
        if scale != "province":  # the province's dashboards are computed (and timed) by bench/dashboards_bench.py
            from zugong.dashboards.rollups import refresh as refresh_dashboards

            refresh_dashboards(as_of)
            t = loader.phase("dashboard roll-ups", t)
            # The weak-organization screening's measures per branch (read by /weakorgs/screen/).
            from zugong.weakorgs import stored

            run = stored.refresh("", as_of)
            t = loader.phase(f"screening measures ({run.rows:,} rows)", t)
            # Every rule over the whole tree as of the seed's day: the findings exist at once (a rule changed
            # later is judged again by the scheduled scans).
            from zugong.core import rules

            result = rules.scan("", as_of=as_of)
            counts["findings"] = result.still_open
            loader.phase(f"rule scan ({result.still_open:,} findings)", t)

        total = time.perf_counter() - started
        self.log(
            self.style.SUCCESS(
                f"完成：党组织 {counts['organizations']:,} 个，单位 {counts['units']:,} 个，"
                f"人员 {counts['people']:,} 名（均为党员），党费缴纳记录 {counts['dues_payments']:,} 条，"
                f"用时 {total:.1f} 秒。"
            )
        )
        self.log(
            f"TOTAL organizations={counts['organizations']} people={counts['people']} "
            f"memberships={counts['memberships']} dues_payments={counts['dues_payments']} "
            f"meetings={counts.get('meetings', 0)} absences={counts.get('absences', 0)} seconds={total:.1f}"
        )
        self.print_logins(accounts, password, password_source)

    def print_logins(self, accounts, password: str, password_source: str) -> None:
        """Where to log in, the demo accounts and their password (every `make run`, not only the first)."""
        if not accounts:
            return
        port = os.environ.get("PORT", "8000")
        self.log(f"\n登录 http://127.0.0.1:{port}")
        for username, display, role, org in accounts:
            where = f"，{org.name}" if org is not None else "，不接触业务数据"
            self.log(f"  {username:<8} {display}（{role}{where}）")
        self.log(f"  密码：{password}（来自 {password_source}）")

    def pick_branch(self, plan: Plan, city):
        """A village or community branch with people in the city (the first in tree order)."""
        from zugong.orgs.models import Organization

        for sectors in (("community", "rural"), None):
            for o in plan.orgs:
                if (
                    o.path.startswith(city.path)
                    and o.kind == "branch"
                    and o.people >= 10
                    and o.status == "active"
                    and (sectors is None or o.sector in sectors)
                ):
                    return Organization.objects.unrestricted().get(path=o.path)
        raise CommandError("没有可供 branch 账号管理的党支部")

    def audit(self, root, scale, seed, as_of, counts) -> None:
        from zugong.core import audit

        with audit.acting_as(name=audit.SEED_ACTOR), audit.operation(
            root,
            "import",
            note=(
                f"生成演示数据（规模 {scale}，种子 {seed}，截至 {as_of:%Y年%-m月%-d日}）：党组织 {counts['organizations']:,} 个、"
                f"单位 {counts['units']:,} 个、人员 {counts['people']:,} 名（党员 {counts['memberships']:,} 名）、"
                f"党费缴纳记录 {counts['dues_payments']:,} 条；"
                "演示账号 admin、city、branch 和系统职责账号 sysadmin、secadmin、auditor。"
            ),
        ):
            pass
