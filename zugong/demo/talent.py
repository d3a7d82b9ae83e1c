"""Demo data of talent programmes (`seed_talent`, called by `zugong seed` after service; `zugong demo talent`
adds it to a database already seeded).

The province's organization department issues 三晋英才支持计划 (SJYC: 高端领军 / 拔尖骨干 / 青年优秀, the
conditions as data with their source, a four-criterion rubric, allowance instalments per tier, quotas per tier
and per county); the first city runs its own 英才计划. Two editions of SJYC: last year's is finished (recognised
talents with the first and second allowance instalments paid and annual reviews done, one talent exited with a
reason, one application not approved) and this year's is in review: applications in every stage (applied,
recommended, qualified with the stored pre-check, one rejected at the qualification, a published round for 高端领军
whose talents are recognised, a published round for 拔尖骨干 whose applications are approved and in 公示 with an
objection answered, and an open round for 青年优秀 with assignments and some submitted scores, pending). The
city's edition is open (applied and recommended). An expert pool of the province (some experts are people of
the tree, most are outside it) with a few conflicts (same unit, supervisor, declared). 2–3 counties are
乡村振兴重点帮扶县; talents dispatched there (the dispatch demo's records) are tagged.

Planted problems for the rules: one talent's second instalment is overdue; one talent has no annual review of
last year. Never planted: a 公示 shorter than the configured working days (the steps refuse it).

Every application's status, stage and dated columns match its step rows (the steps' days are the case's date
columns); nothing is dated after `as_of`. Deterministic for the seed; written in bulk (a few hundred rows)."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import ROUND_HALF_UP, Decimal

from .generate import person_name
from .service import Rows, _at

SOURCE = "三晋英才支持计划实施办法（条款号待核）"
PROGRAM_DOCUMENT = "三晋英才支持计划实施办法"
# (code, name, quota, allowance total, the age limit at the deadline or None)
TIERS = (("lead", "高端领军", 3, Decimal(300000), None), ("top", "拔尖骨干", 6, Decimal(150000), 50),
         ("young", "青年优秀", 10, Decimal(60000), 40))
CITY_TIERS = (("lead", "领军人才", 4, Decimal(100000), None), ("young", "青年拔尖人才", 8, Decimal(30000), 35))
CRITERIA = (("业绩成果", "近五年取得的主要业绩和标志性成果", Decimal("0.40")),
            ("创新能力", "解决重大问题、推动技术或管理创新的能力", Decimal("0.30")),
            ("发展潜力", "专业发展前景和持续创新潜力", Decimal("0.20")),
            ("示范带动", "对团队建设和行业发展的带动作用", Decimal("0.10")))
FIELDS = ("能源化工", "新材料", "装备制造", "数字经济", "现代农业", "医疗卫生", "教育", "文化旅游", "生态环保",
          "经济管理", "乡村振兴", "社会治理")
FIELDS_BY_SECTOR = {"school": ("教育",), "institution": ("医疗卫生", "文化旅游", "生态环保"),
                    "soe": ("能源化工", "装备制造", "新材料"), "private": ("数字经济", "新材料"),
                    "rural": ("现代农业", "乡村振兴"), "community": ("社会治理",),
                    "government": ("经济管理", "社会治理", "乡村振兴", "生态环保", "数字经济")}
FIELDS_BY_TITLE = {"工程师": ("装备制造", "能源化工"), "经济师": ("经济管理",), "会计师": ("经济管理",),
                   "讲师": ("教育",)}
EXPERT_UNITS = {
    "能源化工": ("中国科学院山西煤炭化学研究所", "太原理工大学", "晋能控股集团有限公司"),
    "新材料": ("太原理工大学", "中北大学", "太原钢铁（集团）有限公司"),
    "装备制造": ("中北大学", "太原重型机械集团有限公司", "太原科技大学"),
    "数字经济": ("山西大学", "太原理工大学", "山西省信息产业技术研究院"),
    "现代农业": ("山西农业大学", "山西省农业科学院", "山西农业大学"),
    "医疗卫生": ("山西医科大学", "山西医科大学第一医院", "山西省人民医院"),
    "教育": ("山西大学", "山西师范大学", "太原师范学院"),
    "文化旅游": ("山西大学", "山西省社会科学院", "山西省文物局"),
    "生态环保": ("山西大学", "山西省生态环境科学研究院", "太原理工大学"),
    "经济管理": ("山西财经大学", "山西省社会科学院", "省委党校"),
    "乡村振兴": ("山西农业大学", "山西省社会科学院", "省委党校"),
    "社会治理": ("省委党校", "山西大学", "山西省社会科学院"),
}
EXPERT_TITLES = ("教授", "研究员", "正高级工程师", "主任医师", "教授级高级工程师", "研究员")
PROJECTS = {
    "能源化工": "煤基新材料清洁转化关键技术", "新材料": "高性能特种钢材研发与产业化", "装备制造": "智能矿山装备研制",
    "数字经济": "政务数据共享平台建设", "现代农业": "杂粮良种选育与推广", "医疗卫生": "基层医疗服务能力提升",
    "教育": "县域基础教育质量提升", "文化旅游": "黄河文化遗产保护利用", "生态环保": "汾河流域生态修复",
    "经济管理": "县域营商环境优化", "乡村振兴": "村集体经济发展模式创新", "社会治理": "网格化基层治理创新",
}
EXIT_REASON = "调离山西省工作，按规定退出支持计划"
OBJECTION = ("反映申报人申报材料中所列一项成果系团队成果，其本人并非主要完成人。",
             "经核查成果登记材料和团队成员证明，申报人为该成果第一完成人，反映不属实。")
PARTY_AND_GOV = ["party_warning", "party_serious_warning", "party_post_removal", "probation_1", "probation_2",
                 "expulsion", "gov_warning", "gov_demerit", "gov_major_demerit", "gov_demotion", "gov_removal"]
ACCEPTED = {"excellent": "优秀", "competent": "称职", "qualified": "合格"}
GRADE_LABELS = {"excellent": "优秀", "competent": "称职", "basic": "基本称职", "incompetent": "不称职",
                "qualified": "合格", "basic_qualified": "基本合格", "unqualified": "不合格", "ungraded": "不定等次"}
SANCTION_LABELS = {"party_warning": "党内警告", "party_serious_warning": "党内严重警告",
                   "party_post_removal": "撤销党内职务", "probation_1": "留党察看一年", "probation_2": "留党察看二年",
                   "expulsion": "开除党籍", "gov_warning": "政务警告", "gov_demerit": "政务记过",
                   "gov_major_demerit": "政务记大过", "gov_demotion": "降级", "gov_removal": "撤职"}
OFFICE = "省委人才工作领导小组办公室"
# The applicants' ages (this year less their birth year) by tier, within the tiers' limits.
AGES = {"lead": (42, 58), "top": (35, 48), "young": (28, 38), "city_young": (27, 33)}


def _d(days: int, as_of: dt.date) -> dt.date:
    return as_of - dt.timedelta(days=days)


def _workday(day: dt.date) -> dt.date:
    """The first working day on or after `day` (the calendar; weekdays where it does not reach)."""
    from zugong.core.models import WorkDay

    rows = dict(WorkDay.objects.filter(day__gte=day, day__lte=day + dt.timedelta(days=20))
                .values_list("day", "is_workday"))
    while not rows.get(day, day.weekday() < 5):
        day += dt.timedelta(days=1)
    return day


def _add_workdays(start: dt.date, n: int) -> dt.date:
    from zugong.core import workdays

    try:
        return workdays.add_workdays(start, n)
    except workdays.CalendarMissing:  # the calendar does not reach: weekdays
        day, left = start, n
        while True:
            if day.weekday() < 5:
                left -= 1
                if left == 0:
                    return day
            day += dt.timedelta(days=1)


def _passed(checks) -> bool | None:
    """Every condition met (True), one not met (False), one the records say nothing of (None)."""
    if not checks or any(c["met"] is False for c in checks):
        return False if checks else None
    return None if any(c["met"] is None for c in checks) else True


def _money(x) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def seed_talent(seed: int, as_of: dt.date, *, root=None, log=print) -> dict[str, int]:
    from zugong.orgs.models import Organization

    t = time.perf_counter()
    root = root or Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if root is None or _has_programmes(root):
        return {}
    seeder = _Seeder(seed, as_of, root)
    counts = seeder.run()
    log(f"  talent (人才工程): {counts.get('talent_applications', 0)} applications, "
        f"{counts.get('talent_talents', 0)} talents, {counts.get('talent_experts', 0)} experts, "
        f"{counts.get('talent_assignments', 0)} assignments in {time.perf_counter() - t:.1f} s")
    return counts


def _has_programmes(root) -> bool:
    """A programme of the tree other than the untouched sample of `zugong defaults install` (which `zugong
    seed` installs with every domain's defaults before the talent demo): the demo takes the sample's place."""
    from zugong.talent.defaults.programmes import CODE
    from zugong.talent.models import Edition, Program

    programs = Program.objects.unrestricted().filter(org_path__startswith=root.path)
    sample = programs.filter(code=CODE).exclude(
        editions__status__in=[s for s in Edition.Status.values if s != Edition.Status.DRAFT])
    return programs.exclude(pk__in=sample.values("pk")).exists()


class _Seeder:
    def __init__(self, seed, as_of, root):
        self.seed, self.as_of, self.root = seed, as_of, root
        self.rng = random.Random(f"{seed}:talent")
        self.apps: list[dict] = []  # each: the Application's values and "steps": [(kind, on, done_by, note)]
        self.used: set[int] = set()  # people who applied (once across the demo) or review

    # ------------------------------------------------------------ records

    def read(self):
        """The candidates (set-based): cadres and professionals of the tree with their branch and unit, the
        cadres' annual grades, the sanctions, the dispatches."""
        from django.db.models import F

        from zugong.assessment.models import Sanction
        from zugong.cadres.models import AnnualAssessment, Cadre
        from zugong.dispatch.models import Dispatch
        from zugong.members.models import Membership

        as_of, root = self.as_of, self.root
        cadres = {c[0]: c for c in Cadre.objects.unrestricted().filter(
            status="active", org_path__startswith=root.path, birth_date__isnull=False).values_list(
            "person_id", "unit_id", "unit_name", "professional_title", "birth_date")}
        members = Membership.objects.unrestricted().filter(
            status__in=("full", "probationary"), org_path__startswith=root.path,
            organization__sector__in=("government", "school", "institution", "soe", "private"),
            person__birth_date__gt=dt.date(as_of.year - 56, 1, 1),
            person__birth_date__lt=dt.date(as_of.year - 27, 1, 1)).values_list(
            "person_id", "person__name", "person__sex", "person__birth_date", "organization_id",
            "organization__path", "organization__sector", "organization__unit_id", "organization__unit__name",
            "organization__name").order_by("person_id")
        self.people = {}
        for pid, name, sex, birth, org_id, path, sector, unit_id, unit_name, org_name in members:
            cadre = cadres.get(pid)
            if cadre and cadre[1]:
                unit_id, unit_name = cadre[1], cadre[2] or unit_name
            self.people[pid] = {"id": pid, "name": name, "sex": sex, "birth": birth, "org_id": org_id, "path": path,
                                    "sector": sector, "unit_id": unit_id, "unit_name": (unit_name or org_name)[:100],
                                    "cadre": cadre is not None, "title": cadre[3] if cadre else ""}
        self.grades: dict[int, dict[int, str]] = {}
        for pid, year, grade in AnnualAssessment.objects.unrestricted().filter(
                cadre__org_path__startswith=root.path).values_list("cadre__person_id", "year", "grade"):
            self.grades.setdefault(pid, {})[year] = grade
        self.sanctions: dict[int, list] = {}
        for pid, kind, on in Sanction.objects.unrestricted().filter(kind__in=PARTY_AND_GOV).values_list(
                "person_id", "kind", "decided_on").order_by("decided_on"):
            self.sanctions.setdefault(pid, []).append((on, kind))
        self.dispatched: dict[int, str] = {}
        for pid, host in Dispatch.objects.unrestricted().filter(host_org__isnull=False).annotate(
                host=F("host_org__path")).values_list("person_id", "host").order_by("start_on"):
            self.dispatched[pid] = host

    def field_of(self, p) -> str:
        choices = FIELDS_BY_TITLE.get(p["title"]) or FIELDS_BY_SECTOR.get(p["sector"], FIELDS)
        return random.Random(f"{self.seed}:talent:field:{p['id']}").choice(choices)

    def pick(self, n, tier, *, clean=True, prefer=(), under=""):
        """n applicants not used yet: cadres first (the pre-check has their records), then professionals;
        `clean`: no sanction and accepted grades; of an age the tier takes (`AGES`)."""
        out = []
        order = sorted(self.people.values(), key=lambda p: (not p["cadre"], p["id"]))
        self.rng.shuffle(order)
        order.sort(key=lambda p: (p["id"] not in prefer, not p["cadre"]))
        for p in order:
            if len(out) == n:
                break
            if p["id"] in self.used or not p["path"].startswith(under):
                continue
            age = self.as_of.year - p["birth"].year  # the tiers' age limits, with a year's margin
            if not (AGES[tier][0] <= age <= AGES[tier][1]):
                continue
            bad = bool(self.sanctions.get(p["id"])) or any(
                g not in ACCEPTED for g in self.grades.get(p["id"], {}).values())
            if clean and bad:
                continue
            out.append(p)
            self.used.add(p["id"])
        return out

    def pick_flawed(self, ed, tier):
        """One cadre whose pre-check for the edition finds a condition not met (a sanction, a grade below 称职,
        the age)."""
        for p in sorted(self.people.values(), key=lambda p: p["id"]):
            if p["id"] in self.used or not p["cadre"]:
                continue
            if any(c["met"] is False for c in self.precheck(ed, tier, p)):
                self.used.add(p["id"])
                return p
        return None

    # ------------------------------------------------------------ programmes

    def programme(self, org, code, name, level, document, description):
        from zugong.talent.models import Program

        program = Program.objects.unrestricted().filter(code=code).first()
        if program is None:
            return Program.objects.create(organization=org, code=code, name=name, level=level, document=document,
                                          description=description)
        # the sample of the defaults installer (draft editions only, see _has_programmes): the demo's own
        program.editions.all().delete()
        program.organization, program.name, program.level = org, name, level
        program.document, program.description = document, description
        program.save()
        return program

    def edition(self, program, year, status, published, opens, closes, *, tiers, source, notice=5):
        from zugong.talent.models import AllowanceInstalment, Condition, Criterion, Edition, Tier

        ed = Edition.objects.create(
            program=program, year=year, title=f"{year}年度{program.name}", status=status, published_on=published,
            opens_on=opens, closes_on=closes, notice_workdays=notice, reviewers_per_application=5, trim_high=1,
            trim_low=1, support_years=3, document=f"关于开展{year}年度{program.name}申报工作的通知")
        ed.tier_map = {}
        for order, (code, tname, quota, total, _age) in enumerate(tiers):
            tier = Tier.objects.create(edition=ed, code=code, name=tname, quota=quota, allowance_total=total,
                                       order=order)
            ed.tier_map[code] = tier
        path = program.org_path
        AllowanceInstalment.objects.bulk_create([
            AllowanceInstalment(tier=tier, org_path=path, number=n, amount=_money(tier.allowance_total / 3),
                                due_months=12 * (n - 1), requires_review=n > 1,
                                condition="上一年度考核合格以上" if n > 1 else "认定后发放")
            for tier in ed.tier_map.values() for n in (1, 2, 3)])
        conditions = [
            Condition(edition=ed, org_path=path, kind="annual_grades", order=1,
                      label="近三年年度考核均为合格（称职）以上等次",
                      params={"years": 3, "grades": list(ACCEPTED)}, source=source),
            Condition(edition=ed, org_path=path, kind="no_sanction", order=2, label="近五年未受党纪处分、政务处分",
                      params={"years": 5, "kinds": PARTY_AND_GOV}, source=source),
        ]
        for order, (code, tname, _q, _t, age) in enumerate(tiers, start=3):
            if age:
                conditions.append(Condition(edition=ed, tier=ed.tier_map[code], org_path=path, kind="max_age",
                                            order=order, label=f"申报截止日不超过{age}周岁", params={"age": age},
                                            source=source))
        Condition.objects.bulk_create(conditions)
        ed.condition_rows = conditions
        criteria = [Criterion(edition=ed, org_path=path, name=n, description=desc, weight=w, max_score=100,
                              order=i) for i, (n, desc, w) in enumerate(CRITERIA, start=1)]
        Criterion.objects.bulk_create(criteria)
        ed.criteria_rows = criteria
        ed.tiers_spec = {code: age for code, _n, _q, _t, age in tiers}
        return ed

    # ------------------------------------------------------------ the pre-check (as eligibility.py evaluates it)

    def precheck(self, ed, tier_code, p):
        from zugong.core.dates import add_years, age_on

        deadline = ed.closes_on
        checks = []
        for c in ed.condition_rows:
            if c.tier_id and c.tier_id != ed.tier_map[tier_code].pk:
                continue
            if c.kind == "annual_grades":
                years = range(ed.year - c.params["years"], ed.year)
                grades = self.grades.get(p["id"], {})
                if not grades:
                    met, evidence = None, "系统中无年度考核记录，待人工审查"
                else:
                    parts = [f"{y}年 {GRADE_LABELS.get(grades[y], grades[y])}" if y in grades else f"{y}年 无记录"
                             for y in years]
                    if any(y in grades and grades[y] not in ACCEPTED for y in years):
                        met = False
                    elif all(y in grades for y in years):
                        met = True
                    else:
                        met = None
                    evidence = "；".join(parts)
            elif c.kind == "no_sanction":
                since = add_years(deadline, -c.params["years"])
                found = [(on, k) for on, k in self.sanctions.get(p["id"], []) if since < on <= deadline]
                met = not found
                evidence = ("；".join(f"{on:%Y-%m-%d} 受{SANCTION_LABELS.get(k, k)}处分" for on, k in found)
                            if found else f"{since:%Y-%m-%d}至{deadline:%Y-%m-%d}无处分记录")
            else:  # max_age
                age = age_on(p["birth"], deadline)
                met = age <= c.params["age"]
                evidence = f"出生日期 {p['birth']:%Y-%m-%d}，截止日 {age} 周岁"
            checks.append({"condition": c.label, "kind": c.kind, "met": met, "evidence": evidence,
                           "source": c.source})
        return checks

    # ------------------------------------------------------------ applications

    def application(self, ed, tier_code, p, applied, *, recommended=None, qualified=None, failed=False,
                    reviewed=None, score=None, rank=None, approved=None, approval="passed", notice=None,
                    recognized=None, exited=None, office=OFFICE, unit_office="所在单位党组织"):
        """One application with its steps; `notice` = (start, end)."""
        checks = self.precheck(ed, tier_code, p) if recommended else []
        a = {"edition": ed, "tier": ed.tier_map[tier_code], "person_id": p["id"], "organization_id": p["org_id"],
                 "org_path": p["path"], "unit_id": p["unit_id"], "unit_name": p["unit_name"], "field": self.field_of(p),
                 "applied_on": applied, "recommended_on": recommended, "precheck": checks,
                 "precheck_passed": _passed(checks),
                 "precheck_at": _at(recommended, 9) if recommended else None,
                 "qualified_on": qualified, "qualification": "" if not qualified else "failed" if failed else "passed",
                 "reviewed_on": reviewed, "review_score": score, "review_rank": rank, "approved_on": approved,
                 "approval": approval if approved else "", "notice_start": notice[0] if notice else None,
                 "notice_end": notice[1] if notice else None, "recognized_on": recognized,
                 "exited_on": exited, "exit_reason": EXIT_REASON if exited else ""}
        a["title"] = f"{PROJECTS.get(a['field'], a['field'])}研究与实践"
        a["summary"] = (f"近五年在{a['field']}领域主持或参与重点项目，取得{PROJECTS.get(a['field'], '')}等方面的成果，"
                        "发挥了示范带动作用。")
        steps = [("apply", applied, "申报人", f"申报{a['tier'].name}")]
        status = "applied"
        if recommended:
            steps.append(("recommend", recommended, unit_office, "经单位党组织研究，同意推荐"))
            status = "recommended"
        if qualified:
            if failed:
                bad = "；".join(c["condition"] for c in checks if c["met"] is False) or "申报条件"
                steps.append(("qualify", qualified, office, f"资格审查不通过：不符合“{bad}”"))
                status = "rejected"
            else:
                steps.append(("qualify", qualified, office, "资格审查通过"))
                status = "qualified"
        if reviewed:
            steps.append(("review", reviewed, "专家评审组", f"评审得分 {score}，排名第{rank}位"))
            status = "reviewed"
        if approved:
            if approval == "failed":
                steps.append(("approve", approved, "人才工作领导小组", "审定未通过（名额所限）"))
                status = "rejected"
            else:
                steps.append(("approve", approved, "人才工作领导小组", "审定通过，拟入选"))
                status = "approved"
        if notice:
            steps.append(("public_notice", notice[0], "组织部",
                          f"公示{ed.notice_workdays}个工作日，至{notice[1]:%Y-%m-%d}"))
            status = "notice"
        if recognized:
            steps.append(("recognize", recognized, "人才工作领导小组", f"认定为{ed.program.name}{a['tier'].name}人才"))
            status = "recognized"
        if exited:
            status = "exited"
        a["status"] = status
        a["steps"] = steps
        a["person"] = p
        self.apps.append(a)
        return a

    # ------------------------------------------------------------ run

    def run(self) -> dict[str, int]:
        from zugong.orgs.models import Organization
        from zugong.talent.models import UnitQuota

        self.read()
        if not self.people:
            return {}
        as_of, rng = self.as_of, self.rng
        root = self.root
        program = self.programme(root, "SJYC", "三晋英才支持计划", "province", PROGRAM_DOCUMENT,
                                 "将全省各类人才项目整合为高端领军、拔尖骨干、青年优秀三个层次，给予人才津贴，"
                                 "实行绩效评价和动态管理。")
        year = _d(200, as_of).year
        prev = self.edition(program, year - 1, "finished", _d(540, as_of), _d(530, as_of), _d(490, as_of),
                            tiers=TIERS, source=SOURCE)
        curr = self.edition(program, year, "closed", _d(200, as_of), _d(190, as_of), _d(150, as_of),
                            tiers=TIERS, source=SOURCE)
        self.experts()
        self.last_edition(prev)
        self.this_edition(curr)
        city = Organization.objects.unrestricted().filter(code="1401", path__startswith=root.path).first()
        if city is not None:
            self.city_edition(city)
        # Quotas: each county and city with applications recommended, a little above what it used.
        counties = list(Organization.objects.unrestricted().filter(
            path__startswith=root.path, kind="committee", depth__in=(2, 3)).order_by("-depth", "path")
            .values_list("id", "path", "depth"))
        quotas = []
        for ed in {a["edition"].pk: a["edition"] for a in self.apps}.values():
            if ed.program.level != "province":
                continue
            for org_id, path, depth in counties:
                used = sum(1 for a in self.apps if a["edition"] is ed and a["recommended_on"]
                           and a["org_path"].startswith(path))
                if used:
                    quotas.append(UnitQuota(edition=ed, org_path=ed.org_path, organization_id=org_id,
                                            quota=used + (0 if depth == 3 and not quotas else rng.randint(1, 3))))
        UnitQuota.objects.bulk_create(quotas)
        counts = self.write()
        self.store_prechecks()
        counts["talent_programs"] = 2 if city is not None else 1
        counts["talent_unit_quotas"] = len(quotas)
        counts |= self.priority_counties()
        return counts

    def store_prechecks(self):
        """The stored pre-check is the engine's (`talent.eligibility`, what 资格预审 shows and refreshes), so the
        demo's pages agree with a re-run; the seeder's own estimate above only chose the applicants."""
        from zugong.talent import eligibility
        from zugong.talent.models import Application

        apps = list(Application.objects.unrestricted().filter(org_path__startswith=self.root.path,
                                                               precheck_at__isnull=False))
        results = eligibility.precheck(apps)
        for a in apps:
            a.precheck = [c.as_dict() for c in results[a.pk]]
            a.precheck_passed = eligibility.passed(results[a.pk])
        Application.objects.bulk_update(apps, ["precheck", "precheck_passed"], batch_size=500)

    def experts(self):
        """~45 experts of the province's pool: a few people of the tree (with their unit), most outside it."""
        from zugong.talent.models import Expert

        rng = random.Random(f"{self.seed}:talent:experts")
        rows = []
        insiders = [p for p in sorted(self.people.values(), key=lambda p: p["id"])
                    if not p["cadre"] and self.as_of.year - p["birth"].year >= 40]
        rng.shuffle(insiders)
        for p in insiders[:8]:
            self.used.add(p["id"])
            rows.append(Expert(organization=self.root, org_path=self.root.path, person_id=p["id"], name=p["name"],
                               unit_id=p["unit_id"], unit_name=p["unit_name"], field=self.field_of(p),
                               title=rng.choice(("高级工程师", "副教授", "高级经济师", "副主任医师", "高级教师")),
                               phone=f"139{rng.randrange(10**8):08d}"))
        for i in range(40):
            field = FIELDS[i % len(FIELDS)]
            name = person_name(rng, rng.choice("112"), rng.choice(("mid", "mid", "old")))
            rows.append(Expert(organization=self.root, org_path=self.root.path, name=name,
                               unit_name=rng.choice(EXPERT_UNITS[field]), field=field,
                               title=rng.choice(EXPERT_TITLES), phone=f"13{rng.randrange(10**9):09d}",
                               active=i != 39))
        Expert.objects.bulk_create(rows)
        self.expert_rows = [e for e in rows if e.active]

    def assign(self, rnd, apps, conflicts, *, submitted_share, published, opens, rng):
        """Each application its reviewers (its field's experts first, then the least loaded), never one in
        conflict; scores per criterion for the submitted ones; returns the assignments' values."""
        load = {e.pk: 0 for e in self.expert_rows}
        out = []
        for a in apps:
            barred = {c[0].pk for c in conflicts if c[1] is a}  # and any colleague or supervisor
            barred |= {e.pk for e in self.expert_rows if (e.unit_id and e.unit_id == a.get("unit_id"))
                       or (e.person_id and e.person_id == a.get("supervisor_id"))}
            same = [e for e in self.expert_rows if e.field == a["field"] and e.pk not in barred
                    and e.person_id != a["person_id"]]
            others = [e for e in self.expert_rows if e.field != a["field"] and e.pk not in barred
                      and e.person_id != a["person_id"]]
            same.sort(key=lambda e: (load[e.pk], e.pk))
            others.sort(key=lambda e: (load[e.pk], e.pk))
            chosen = (same[:3] + others)[:rnd.reviewers_per_application]
            base = rng.uniform(72, 92)
            for e in chosen:
                load[e.pk] += 1
                done = published or rng.random() < submitted_share
                scores = ([min(100, max(50, round(base + rng.uniform(-8, 8)))) for _ in a["edition"].criteria_rows]
                          if done else None)
                out.append({"round": rnd, "app": a, "expert": e, "assigned_on": opens, "scores": scores,
                                "submitted_at": _at(min(opens + dt.timedelta(days=rng.randint(1, 9)),
                                                     self.as_of - dt.timedelta(days=1)), rng.randint(9, 21))
                                if done else None})
        return out

    def scored(self, assignments, apps, trim=1):
        """The published score of each application: the trimmed mean of its reviewers' weighted totals."""
        totals = {}
        for s in assignments:
            crit = s["app"]["edition"].criteria_rows
            s["total"] = _money(sum(c.weight * v for c, v in zip(crit, s["scores"])))
            totals.setdefault(id(s["app"]), []).append(s["total"])
        for a in apps:
            t = sorted(totals[id(a)])
            kept = t[trim:len(t) - trim] if len(t) > 2 * trim else t
            a["_score"] = _money(sum(kept) / len(kept))
        ranked = sorted(apps, key=lambda a: -a["_score"])
        for i, a in enumerate(ranked, start=1):
            a["_rank"] = i
        return ranked

    def round(self, ed, tier_code, name, opens, closes, status, published=None):
        from zugong.talent.models import ReviewRound

        return ReviewRound.objects.create(edition=ed, tier=ed.tier_map[tier_code] if tier_code else None,
                                          name=name, reviewers_per_application=5, opens_on=opens, closes_on=closes,
                                          status=status, published_on=published)

    def last_edition(self, ed):
        """Finished: one round for all tiers, approval, 公示, recognition, then the support period."""
        as_of, rng = self.as_of, self.rng
        prio = self.priority_paths()
        dispatched = sorted(pid for pid, host in self.dispatched.items() if any(host.startswith(x) for x in prio))
        picks = ([("lead", p) for p in self.pick(2, "lead", prefer=dispatched[:1])]
                 + [("top", p) for p in self.pick(4, "top", prefer=dispatched[1:2])]
                 + [("young", p) for p in self.pick(5, "young")])
        applied0 = _d(528, as_of)
        qualified, published = _d(470, as_of), _d(445, as_of)
        rnd = self.round(ed, None, f"{ed.year}年度{ed.program.name}专家评审", _d(465, as_of), _d(450, as_of),
                         "published", published)
        base = []
        for tier, p in picks:
            applied = applied0 + dt.timedelta(days=rng.randint(0, 34))
            recommended = applied + dt.timedelta(days=rng.randint(3, 15))
            base.append((tier, p, applied, recommended))
        stub = [{"field": self.field_of(p), "person_id": p["id"], "unit_id": p["unit_id"], "edition": ed}
                for _t, p, _a, _r in base]
        assignments = self.assign(rnd, stub, [], submitted_share=1, published=True, opens=_d(465, as_of), rng=rng)
        self.scored(assignments, stub)
        approved = _d(435, as_of)
        start = _workday(_d(430, as_of))
        end = _add_workdays(start, ed.notice_workdays)
        recognized = _workday(end + dt.timedelta(days=4))
        apps = []
        lowest = min(range(len(stub)), key=lambda i: (-stub[i]["_rank"], i))
        for i, ((tier, p, applied, recommended), s) in enumerate(zip(base, stub)):
            fail = i == lowest
            a = self.application(ed, tier, p, applied, recommended=recommended, qualified=qualified,
                                 reviewed=published, score=s["_score"], rank=s["_rank"], approved=approved,
                                 approval="failed" if fail else "passed",
                                 notice=None if fail else (start, end), recognized=None if fail else recognized)
            s["real"] = a
            apps.append(a)
        for s in assignments:
            s["app"] = next(x["real"] for x in stub if x is s["app"])
        self.assignments = assignments
        # The support period: payments, annual reviews, one exit; planted: an overdue instalment, a missing review.
        self.support = []
        self.support_period([a for a in apps if a["status"] == "recognized"], planted=True)

    def support_period(self, talents, *, planted=False):
        """Each talent's instalments paid when due (the first soon after 认定), annual reviews early in the next
        year; with `planted`, the second talent exits, the third misses last year's review, the fourth's second
        instalment is overdue."""
        from zugong.core.dates import add_months

        as_of, rng = self.as_of, self.rng
        for i, a in enumerate(talents):
            recognized = a["recognized_on"]
            t = {"app": a, "payments": [], "reviews": []}
            exit_on = _d(rng.randint(40, 80), as_of) if planted and i == 1 else None
            missing_review = planted and i == 2
            overdue = planted and i == 3
            for y in range(recognized.year, as_of.year):
                on = dt.date(y + 1, 1, 10) + dt.timedelta(days=rng.randint(0, 60))
                if on > as_of or (exit_on and on > exit_on) or (missing_review and y == as_of.year - 1):
                    continue
                grade = "excellent" if rng.random() < 0.3 else "qualified"
                t["reviews"].append((y, on, grade))
            for inst in (1, 2, 3):
                due = add_months(recognized, 12 * (inst - 1))
                paid = (recognized + dt.timedelta(days=rng.randint(15, 30)) if inst == 1
                        else due + dt.timedelta(days=rng.randint(3, 20)))
                paid = min(paid, as_of)
                if due > as_of or (exit_on and paid > exit_on) or (overdue and inst == 2):
                    continue
                t["payments"].append((inst, paid))
            if exit_on:
                a["exited_on"], a["exit_reason"], a["status"] = exit_on, EXIT_REASON, "exited"
            self.support.append(t)

    def this_edition(self, ed):
        """In review: applied, recommended, qualified (open round), rejected, reviewed, approved, 公示,
        recognised."""
        as_of, rng = self.as_of, self.rng
        qualified = _d(120, as_of)

        def dates():
            applied = _d(188, as_of) + dt.timedelta(days=rng.randint(0, 34))
            return applied, min(applied + dt.timedelta(days=rng.randint(3, 20)), _d(135, as_of))

        # 申报 only (the unit has not recommended yet) and 已推荐 (waiting for the qualification).
        for p in self.pick(2, "top"):
            self.application(ed, "top", p, dates()[0])
        for p in self.pick(3, "young"):
            applied, recommended = dates()
            self.application(ed, "young", p, applied, recommended=recommended)
        # Recommended; its pre-check finds a condition not met (the office decides).
        flawed = self.pick_flawed(ed, "top")
        if flawed:
            applied, recommended = dates()
            self.application(ed, "top", flawed, applied, recommended=recommended)
        # One rejected at the qualification (the pre-check found the records against it).
        flawed = self.pick_flawed(ed, "top")
        if flawed:
            applied, recommended = dates()
            a = self.application(ed, "top", flawed, applied, recommended=recommended, qualified=qualified,
                                 failed=True)
            if not any(c["met"] is False for c in a["precheck"]):  # the records changed: qualify it instead
                a["qualification"], a["status"] = "passed", "qualified"
                a["steps"][-1] = ("qualify", qualified, OFFICE, "资格审查通过")
        # 高端领军: round published, approved, 公示, recognised.
        lead = self.pick(3, "lead")
        rnd = self.round(ed, "lead", f"{ed.year}年度{ed.program.name}高端领军人才评审", _d(115, as_of),
                         _d(105, as_of), "published", _d(100, as_of))
        self.batch(ed, "lead", lead, rnd, qualified=qualified, published=_d(100, as_of), approved=_d(90, as_of),
                   notice_from=_d(85, as_of), recognize=True, dates=dates)
        # 拔尖骨干: round published, approved, in 公示 (one approved waiting for it, one reviewed waiting for 审定).
        top = self.pick(5, "top")
        rnd = self.round(ed, "top", f"{ed.year}年度{ed.program.name}拔尖骨干人才评审", _d(60, as_of),
                         _d(40, as_of), "published", _d(30, as_of))
        self.batch(ed, "top", top, rnd, qualified=qualified, published=_d(30, as_of), approved=_d(15, as_of),
                   notice_from=_d(8, as_of), recognize=False, dates=dates)
        # 青年优秀: qualified, in an open round with some scores submitted (pending).
        young = self.pick(8, "young")
        rnd = self.round(ed, "young", f"{ed.year}年度{ed.program.name}青年优秀人才评审", _d(20, as_of),
                         as_of + dt.timedelta(days=10), "open")
        apps = []
        for p in young:
            applied, recommended = dates()
            apps.append(self.application(ed, "young", p, applied, recommended=recommended, qualified=qualified))
        self.support_period([a for a in self.apps if a["edition"] is ed and a["status"] == "recognized"])
        self.conflicts = self.plan_conflicts(apps, _d(21, as_of))
        self.assignments += self.assign(rnd, apps, self.conflicts, submitted_share=0.45, published=False,
                                        opens=_d(20, as_of), rng=rng)
        self.open_apps = apps

    def batch(self, ed, tier, people, rnd, *, qualified, published, approved, notice_from, recognize, dates):
        rng, as_of = self.rng, self.as_of
        stub = [{"field": self.field_of(p), "person_id": p["id"], "unit_id": p["unit_id"], "edition": ed}
                for p in people]
        assignments = self.assign(rnd, stub, [], submitted_share=1, published=True, opens=rnd.opens_on, rng=rng)
        self.scored(assignments, stub)
        start = _workday(notice_from)
        if start > as_of:
            start = _workday(notice_from - dt.timedelta(days=5))
        end = _add_workdays(start, ed.notice_workdays)
        recognized = _workday(end + dt.timedelta(days=3)) if recognize else None
        if recognized and recognized > as_of:
            recognized = None
        n = len(stub)
        for s, p in zip(stub, people):
            applied, recommended = dates()
            kw = {"recommended": recommended, "qualified": qualified, "reviewed": published, "score": s["_score"],
                      "rank": s["_rank"]}
            if recognize or s["_rank"] <= n - 2:
                kw |= {"approved": approved, "notice": (start, end), "recognized": recognized}
            elif s["_rank"] == n - 1:
                kw |= {"approved": approved}  # approved, its 公示 waits for a check of the materials
            s["real"] = self.application(ed, tier, p, applied, **kw)
        for s in assignments:
            s["app"] = s["app"]["real"]
        self.assignments += assignments
        if not recognize:  # an objection during the 公示, answered
            first = next((s["real"] for s in sorted(stub, key=lambda s: s["_rank"]) if s["real"]["notice_start"]),
                         None)
            if first is not None:
                received = min(start + dt.timedelta(days=1), as_of)
                answered = min(received + dt.timedelta(days=2), as_of)
                first["objection"] = (received, answered)
                first["steps"].append(("objection", received, "组织部",
                                       f"收到异议：{OBJECTION[0]} 核查情况（{answered:%Y-%m-%d}）：{OBJECTION[1]}"))

    def plan_conflicts(self, apps, found_on):
        """Conflicts of the open round: an expert of the applicant's unit (same unit), the applicant's
        supervisor, one declared."""
        from zugong.talent.models import Expert

        out = []
        insiders = [e for e in self.expert_rows if e.person_id]
        for a in apps:
            same = next((e for e in insiders if e.unit_id and e.unit_id == a["unit_id"]), None)
            if same is not None:
                out.append((same, a, "same_unit", f"专家与申报人同在{a['unit_name']}工作", False))
                break
        else:  # none of the tree's experts shares a unit: a person of the applicant's unit joins the pool
            for a in apps:
                mate = next((p for p in sorted(self.people.values(), key=lambda p: p["id"])
                             if p["unit_id"] == a["unit_id"] and p["id"] not in self.used), None)
                if mate is not None:
                    self.used.add(mate["id"])
                    e = Expert(organization=self.root, org_path=self.root.path, person_id=mate["id"],
                               name=mate["name"], unit_id=mate["unit_id"], unit_name=mate["unit_name"],
                               field=a["field"], title="高级经济师")
                    e.save()
                    self.expert_rows.append(e)
                    out.append((e, a, "same_unit", f"专家与申报人同在{a['unit_name']}工作", False))
                    break
        if len(apps) > 1 and insiders:
            sup = insiders[-1]
            a = apps[1]
            a["supervisor_id"] = sup.person_id
            out.append((sup, a, "supervisor", f"{sup.name}为申报人的导师或直接上级", False))
        if len(apps) > 2:
            outsider = next(e for e in self.expert_rows if not e.person_id)
            out.append((outsider, apps[2], "declared", "本人申明：近三年与申报人合作承担科研课题", True))
        return out

    def city_edition(self, city):
        """The city's own programme, its edition open now: applied and recommended."""
        as_of, rng = self.as_of, self.rng
        place = city.name.removeprefix("中共").removesuffix("委员会").removesuffix("市") or "本市"
        program = self.programme(city, f"YC{city.code}", f"{place}英才计划", "city",
                                 f"{place}市高层次人才支持计划实施办法",
                                 f"{place}市委组织部会同有关部门实施的市级人才支持计划。")
        source = f"{place}市高层次人才支持计划实施办法（条款号待核）"
        year = as_of.year
        ed = self.edition(program, year, "open", _d(45, as_of), _d(35, as_of), as_of + dt.timedelta(days=25),
                          tiers=CITY_TIERS, source=source)
        people = self.pick(5, "lead", under=city.path)
        young = self.pick(4, "city_young", under=city.path)
        for i, p in enumerate(people + young):
            tier = "young" if p in young else "lead"
            applied = _d(rng.randint(2, 33), as_of)
            recommended = applied + dt.timedelta(days=rng.randint(2, 10)) if i % 3 == 0 else None
            if recommended and recommended > as_of:
                recommended = None
            self.application(ed, tier, p, applied, recommended=recommended, office="市委人才工作领导小组办公室")

    # ------------------------------------------------------------ writing

    def write(self) -> dict[str, int]:
        from zugong.talent.models import (
            AllowancePayment,
            Application,
            ApplicationStep,
            Assignment,
            CoApplicant,
            Conflict,
            Objection,
            PeriodicReview,
            Score,
            Talent,
        )
        from zugong.talent.models.applications import STAGE_OF_STATUS

        rng = random.Random(f"{self.seed}:talent:write")
        rows = []
        for a in self.apps:
            values = {k: v for k, v in a.items() if k not in ("steps", "person", "objection", "edition", "tier")
                      and not k.startswith("_")}
            app = Application(edition=a["edition"], tier=a["tier"], **values)
            app.stage = STAGE_OF_STATUS[app.status]
            rows.append(app)
        Application.objects.bulk_create(rows)
        for a, app in zip(self.apps, rows):
            a["pk"] = app.pk
        steps = Rows(ApplicationStep)
        n_steps = 0
        for a in self.apps:
            for kind, on, done_by, note in a["steps"]:
                steps.add(case_id=a["pk"], kind=kind, on=on, done_by=done_by, note=note, recorded_at=_at(on, 17))
                n_steps += 1
        # The support period's steps and rows.
        talents, payments, reviews = [], [], []
        by_app = {id(t["app"]): t for t in getattr(self, "support", [])}
        from zugong.core.dates import add_years

        tagged = 0
        prio = self.priority_paths()
        for a in self.apps:
            if a["status"] not in ("recognized", "exited"):
                continue
            p = a["person"]
            ed = a["edition"]
            tags = [a["field"]]
            host = self.dispatched.get(p["id"])
            if host and any(host.startswith(x) for x in prio) and "乡村振兴" not in tags:
                tags.append("乡村振兴")
                tagged += 1
            talents.append(Talent(organization_id=a["organization_id"], org_path=a["org_path"], person_id=p["id"],
                                  application_id=a["pk"], program=ed.program, edition=ed, tier=a["tier"],
                                  tier_name=a["tier"].name, field=a["field"], unit_id=a["unit_id"],
                                  unit_name=a["unit_name"], since=a["recognized_on"],
                                  until=add_years(a["recognized_on"], ed.support_years),
                                  status="exited" if a["status"] == "exited" else "active",
                                  exited_on=a["exited_on"], exit_reason=a["exit_reason"], tags="、".join(tags)))
        Talent.objects.bulk_create(talents)
        instalments = {}
        for t, a in zip(talents, [a for a in self.apps if a["status"] in ("recognized", "exited")]):
            support = by_app.get(id(a))
            if support is None:
                continue
            amount = _money(a["tier"].allowance_total / 3)
            for number, paid in support["payments"]:
                payments.append(AllowancePayment(talent=t, number=number, amount=amount, paid_on=paid,
                                                 document_no=f"晋组人才拨〔{paid.year}〕{rng.randint(1, 60)}号",
                                                 note=f"第{number}期人才津贴"))
                steps.add(case_id=a["pk"], kind="allowance", on=paid, done_by=OFFICE,
                          note=f"发放第{number}期人才津贴{amount}元", recorded_at=_at(paid, 17))
                n_steps += 1
            for year, on, grade in support["reviews"]:
                reviews.append(PeriodicReview(talent=t, kind="annual", year=year, on=on, grade=grade,
                                              note="履行人才支持计划任务情况良好"))
                label = "优秀" if grade == "excellent" else "合格"
                steps.add(case_id=a["pk"], kind="periodic_review", on=on, done_by="所在单位",
                          note=f"{year}年度考核：{label}", recorded_at=_at(on, 17))
                n_steps += 1
            if a["exited_on"]:
                steps.add(case_id=a["pk"], kind="exit", on=a["exited_on"], done_by="人才工作领导小组",
                          note=a["exit_reason"], recorded_at=_at(a["exited_on"], 17))
                n_steps += 1
            instalments[t.pk] = len(support["payments"])
        AllowancePayment.objects.bulk_create(payments)
        PeriodicReview.objects.bulk_create(reviews)
        steps.write()
        # Objections, co-applicants.
        objections = [Objection(application_id=a["pk"], received_on=a["objection"][0], content=OBJECTION[0],
                                answered_on=a["objection"][1], answer=OBJECTION[1], outcome="dismissed")
                      for a in self.apps if a.get("objection")]
        Objection.objects.bulk_create(objections)
        co = []
        for a in self.apps[::4]:
            if a["status"] in ("applied",):
                continue
            name = person_name(rng, rng.choice("12"), "mid")
            co.append(CoApplicant(application_id=a["pk"], name=name, unit_name=a["unit_name"]))
        CoApplicant.objects.bulk_create(co)
        # Review: assignments, scores, conflicts.
        assignment_rows = []
        for s in self.assignments:
            assignment_rows.append(Assignment(round=s["round"], application_id=s["app"]["pk"], expert=s["expert"],
                                              assigned_on=s["assigned_on"], submitted_at=s["submitted_at"],
                                              total=s.get("total") if s["scores"] else None,
                                              comment="申报人业绩突出，创新能力较强，建议支持。" if s["scores"] else ""))
            if s["scores"] and s.get("total") is None:
                crit = s["app"]["edition"].criteria_rows
                assignment_rows[-1].total = _money(sum(c.weight * v for c, v in zip(crit, s["scores"])))
        Assignment.objects.bulk_create(assignment_rows)
        scores = []
        for s, row in zip(self.assignments, assignment_rows):
            if not s["scores"]:
                continue
            for c, v in zip(s["app"]["edition"].criteria_rows, s["scores"]):
                scores.append(Score(assignment=row, criterion=c, score=Decimal(v),
                                    comment="较好" if v < 85 else "突出"))
        Score.objects.bulk_create(scores)
        conflicts = [Conflict(expert=e, application_id=a["pk"], kind=kind, evidence=evidence, declared=declared,
                              found_on=_d(21, self.as_of))
                     for e, a, kind, evidence, declared in getattr(self, "conflicts", [])]
        Conflict.objects.bulk_create(conflicts)
        from zugong.talent.models import Expert

        return {"talent_applications": len(rows), "talent_steps": n_steps, "talent_talents": len(talents),
                "talent_payments": len(payments), "talent_reviews": len(reviews),
                "talent_experts": Expert.objects.unrestricted().filter(org_path=self.root.path).count(),
                "talent_assignments": len(assignment_rows), "talent_scores": len(scores),
                "talent_conflicts": len(conflicts), "talent_objections": len(objections),
                "talent_co_applicants": len(co), "talent_tagged_rural": tagged}

    def priority_paths(self) -> list[str]:
        if not hasattr(self, "_prio"):
            from zugong.orgs.models import Organization

            counties = list(Organization.objects.unrestricted().filter(
                path__startswith=self.root.path, kind="committee", depth=3, status="active")
                .order_by("path").values_list("id", "path", "name", "code"))
            chosen = [c for c in counties if c[3] in ("140123", "140425", "140426", "140428")]
            if not chosen:
                chosen = [c for c in counties if "县" in c[2]][:2] or counties[:1]
            self._prio = chosen[:3]
        return [c[1] for c in self._prio]

    def priority_counties(self) -> dict[str, int]:
        from zugong.talent.models import PriorityCounty

        self.priority_paths()
        rows = [PriorityCounty(organization_id=org_id, org_path=path,
                               name=name.removeprefix("中共").removesuffix("委员会"),
                               since=dt.date(self.as_of.year - 4, 3, 1), document="省级乡村振兴重点帮扶县名单")
                for org_id, path, name, _code in self._prio]
        PriorityCounty.objects.bulk_create(rows)
        return {"talent_priority_counties": len(rows)}
