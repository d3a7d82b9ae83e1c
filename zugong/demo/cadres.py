"""Seed cadre records on a seeded database (demo and province scale): set-based reads, bulk writes.

Who: the working-age people (23–59 at the reference date) of government units (机关: county and city
agencies, township organs, province organs). Every leadership post is filled from them:
- each county: 县委书记, 县委副书记 (one also 县长), 县委常委 (组织部长, 宣传部长, 纪委书记, 政法委书记,
  统战部长, 常务副县长, 县委办主任), 副县长, 人大常委会主任, 政协主席 (县处级, managed by the city committee);
- each township: 党委书记, 镇长 (党委副书记), 党委副书记, 人大主席, 纪委书记, 组织委员, 宣传委员, 副镇长
  (乡科级, managed by the county committee);
- each agency: its head and deputies (乡科级 in a county, 县处级 in a city, 厅局级 in the province);
the other staff become cadres with a civil-service grade (职级) in `staff_share` of cases.

What: the Cadre row (with the Person columns the roster needs), current and earlier posts, rank history,
résumé segments, full-time (and on-the-job) education, family members, the annual assessments of the last
three years (only the years worked: none before the cadre started work) and, for some, rewards and a training
record (after starting work). County committees and governments (and township committees) get a Unit of their
own when missing, so posts and leadership teams can point at them. 选任制 (elected) is recorded for the posts
filled by election — committee members, government heads and their deputies (镇长、副镇长 in a 镇, 乡长、副乡长
in a 乡), the chairs of 人大 and 政协 — and 委任制 for the rest (departments, 街道办事处, committee offices):
`appointment_method`.

Deterministic: each person draws from Random(f"{seed}:cadre:{person id}").
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from zugong.cadres import ranks

from .generate import generation, person_name
from .loader import Loader, Table

FLUSH = 20_000
STAFF_SHARE = {"tiny": 0.2, "demo": 0.12, "county": 0.5, "province": 0.68}

CADRE_COLUMNS = (
    "id", "person_id", "organization_id", "org_path", "unit_id", "unit_name", "current_title", "rank",
    "rank_since", "rank_level", "rank_order", "post_started_on", "work_started_on", "party_status",
    "party_joined_on", "party_joined_text", "health", "professional_title", "specialty", "rewards_text",
    "assessment_text", "post_order", "status", "note", "name", "stroke_key", "sex", "birth_date", "ethnicity",
    "education", "created_at", "updated_at",
)
CHILD = ("cadre_id", "org_path", "order", "created_at", "updated_at")
POST_COLUMNS = CHILD + ("unit_id", "unit_name", "title", "rank", "start_on", "end_on", "appointment_method",
                        "document_no", "end_document_no", "is_main")
RANK_COLUMNS = CHILD + ("rank", "start_on", "end_on", "document_no")
RESUME_COLUMNS = CHILD + ("start_on", "end_on", "text", "during", "grassroots")
EDU_COLUMNS = CHILD + ("mode", "education", "education_text", "degree_text", "institution", "degree_institution",
                       "start_on", "end_on")
FAMILY_COLUMNS = CHILD + ("relation", "name", "birth_text", "political_status", "work", "is_deceased")
ASSESS_COLUMNS = CHILD + ("year", "grade", "note")
REWARD_COLUMNS = CHILD + ("on", "kind", "text", "authority")
TRAINING_COLUMNS = CHILD + ("name", "kind", "organizer", "start_on", "end_on", "hours", "days")

UNIVERSITIES = (
    ("山西大学", ("法学院", "法学"), ("经济与管理学院", "经济学"), ("历史文化学院", "历史学"),
     ("哲学社会学学院", "社会学"), ("文学院", "汉语言文学")),
    ("太原理工大学", ("土木工程学院", "土木工程"), ("经济管理学院", "工商管理"),
     ("计算机科学与技术学院", "计算机科学与技术"), ("矿业工程学院", "采矿工程")),
    ("山西财经大学", ("财政与公共经济学院", "财政学"), ("会计学院", "会计学"), ("公共管理学院", "行政管理")),
    ("山西师范大学", ("文学院", "汉语言文学"), ("历史与旅游文化学院", "历史学"), ("数学与计算机科学学院", "数学与应用数学")),
    ("山西农业大学", ("农学院", "农学"), ("经济管理学院", "农林经济管理"), ("林学院", "林学")),
    ("山西医科大学", ("公共卫生学院", "预防医学"),),
    ("中北大学", ("机电工程学院", "机械设计制造及其自动化"), ("经济与管理学院", "工商管理")),
    ("太原师范学院", ("政治与公共管理学院", "思想政治教育"), ("中文系", "汉语言文学")),
    ("山西大同大学", ("文学院", "汉语言文学"), ("法学院", "法学")),
    ("长治学院", ("中文系", "汉语言文学"), ("政法系", "法学")),
    ("西北政法大学", ("行政法学院", "法学"),),
    ("中国人民大学", ("公共管理学院", "行政管理"),),
    ("兰州大学", ("管理学院", "行政管理"),),
)
COLLEGES = (("山西省财政税务专科学校", "财政"), ("山西省政法管理干部学院", "法律"), ("太原大学", "文秘"),
            ("山西警官职业学院", "侦查"), ("晋中师范高等专科学校", "中文"))
DEGREE_OF = {"法学": "法学学士", "经济学": "经济学学士", "历史学": "历史学学士", "社会学": "法学学士",
             "汉语言文学": "文学学士", "土木工程": "工学学士", "工商管理": "管理学学士", "计算机科学与技术": "工学学士",
             "采矿工程": "工学学士", "财政学": "经济学学士", "会计学": "管理学学士", "行政管理": "管理学学士",
             "数学与应用数学": "理学学士", "农学": "农学学士", "农林经济管理": "管理学学士", "林学": "农学学士",
             "预防医学": "医学学士", "机械设计制造及其自动化": "工学学士", "思想政治教育": "法学学士"}
PARTY_SCHOOLS = (("中央党校", "经济管理"), ("中共山西省委党校", "经济管理"), ("中共山西省委党校", "法律"),
                 ("中共山西省委党校", "行政管理"))
TITLES_PRO = ("", "", "", "", "", "经济师", "助理经济师", "工程师", "会计师", "讲师")
SPECIALTIES = ("熟悉党务工作", "熟悉经济工作", "熟悉农村工作", "熟悉财政工作", "熟悉城市建设管理", "熟悉政法工作",
               "熟悉文字综合工作", "熟悉组织人事工作", "熟悉基层治理", "熟悉项目建设")
REWARDS = ("被评为全省优秀党务工作者", "被评为全市优秀共产党员", "记三等功一次", "被评为全县脱贫攻坚先进个人",
           "被评为全市人口普查先进个人", "年度考核优秀，嘉奖一次", "被评为全市疫情防控先进个人")
FAMILY_WORK_SPOUSE = ("{county}第一中学教师", "{county}人民医院医生", "{county}财政局干部", "{county}农业农村局干部",
                      "{county}实验小学教师", "{county}市场监督管理局干部", "{county}妇幼保健院护士",
                      "{county}自然资源局干部", "国网{county}供电公司职工")
FAMILY_WORK_CHILD_ADULT = ("太原市某科技有限公司职员", "{county}人民医院医生", "山西省某事业单位职员", "在北京工作",
                           "{county}某中学教师", "山西焦煤集团职工", "待业")
FAMILY_WORK_CHILD_STUDENT = ("山西大学学生", "太原理工大学学生", "{county}中学学生", "{county}实验小学学生",
                             "山西财经大学学生", "中北大学学生")
ASSESS_GRADES = (("competent", 80), ("excellent", 17), ("basic", 2), ("ungraded", 1))


def _d(v):
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _iso(v):
    return v.isoformat() if v is not None else None


def _month(day: dt.date, month: int = None) -> dt.date:
    return dt.date(day.year, month or day.month, 1)


def _years(day: dt.date, years: float) -> dt.date:
    days = int(years * 365.25)
    return day + dt.timedelta(days=days)


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.uniform(0, total)
    for v, w in pairs:
        r -= w
        if r <= 0:
            return v
    return pairs[-1][0]


def unit_short(name: str) -> str:
    """中共××县委员会 → 中共××县委 (as written before a post title)."""
    if name.startswith("中共") and name.endswith("委员会") and "工作委员会" not in name:
        return name[:-3] + "委"
    return name


def full_title(unit_name: str, title: str) -> str:
    if not unit_name or title.startswith(unit_name):
        return title
    return unit_short(unit_name) + title


class Territory:
    """A county or township committee with the units its cadres hold posts in."""

    def __init__(self, org_id, path, code, name, depth):
        self.org_id, self.path, self.code, self.name, self.depth = org_id, path, code, name, depth
        self.place = name.removeprefix("中共").removesuffix("工作委员会").removesuffix("委员会")
        self.units: dict[str, tuple[int, str]] = {}  # role → (unit id, name)
        self.agencies: list[tuple[int, str]] = []
        self.children: list[Territory] = []
        self.parent: Territory | None = None


def read_territories(cur):
    cur.execute(
        "SELECT id, path, code, name, depth FROM orgs_organization "
        "WHERE kind = 'committee' AND status = 'active' AND depth <= 4 AND code NOT LIKE %s ORDER BY path",
        ["%.%"],
    )
    out = {}
    for org_id, path, code, name, depth in cur.fetchall():
        if len(code) != {1: 2, 2: 4, 3: 6, 4: 9}.get(depth):
            continue
        t = Territory(org_id, path, code, name, depth)
        out[path] = t
        parent = out.get(path[:-4])
        if parent is not None:
            t.parent = parent
            parent.children.append(t)
    return out


def territory_of(path: str, territories: dict) -> Territory | None:
    for n in range(min(len(path), 16), 3, -4):
        t = territories.get(path[:n])
        if t is not None:
            return t
    return None


def ensure_units(cur, territories, stamp) -> int:
    """Units for county committees, governments, 人大 and 政协, and township committees (when missing)."""
    cur.execute("SELECT id, name, org_path FROM orgs_unit")
    existing = {(p, n): i for i, n, p in cur.fetchall()}
    wanted = []
    for t in territories.values():
        if t.depth == 3 and not t.name.endswith("工作委员会"):
            wanted += [(t, "committee", t.name), (t, "government", f"{t.place}人民政府"),
                       (t, "congress", f"{t.place}人民代表大会常务委员会"), (t, "cppcc", f"政协{t.place}委员会")]
        elif t.depth == 4 and t.place.endswith(("镇", "乡", "街道")):
            wanted.append((t, "committee", t.name))
    new = [(t.path, name) for t, _, name in wanted if (t.path, name) not in existing]
    if new:
        Unit = apps.get_model("orgs", "Unit")
        Unit.objects.bulk_create([Unit(name=name, sector="government", org_path=path) for path, name in new],
                                 batch_size=500)
        cur.execute("SELECT id, name, org_path FROM orgs_unit")
        existing = {(p, n): i for i, n, p in cur.fetchall()}
    for t, role, name in wanted:
        t.units[role] = (existing[(t.path, name)], name)
    return len(new)


class Planner:
    def __init__(self, seed, as_of, staff_share, stamp):
        self.seed, self.as_of, self.staff_share, self.stamp = seed, as_of, staff_share, stamp
        self.cadres, self.posts, self.ranks, self.resume = [], [], [], []
        self.edu, self.family, self.assess, self.rewards, self.trainings = [], [], [], [], []
        self.next_id = 1

    # ------------------------------------------------------------ one cadre

    def add(self, person, manager: Territory, posts, grade_rank=None, post_order=9999, home=None):
        """posts: [(unit_id, unit_name, title, rank, is_main)] current posts (main first)."""
        pid, name, sex, birth, education, ethnicity, stroke, unit_id, unit_name, joined, mstatus = person
        rng = random.Random(f"{self.seed}:cadre:{pid}")
        home = home or manager
        cid = self.next_id
        self.next_id += 1
        path = manager.path
        as_of = self.as_of
        main_rank = posts[0][3] if posts else grade_rank
        edu_code = education or "20"
        school_years = {"11": 26, "14": 25, "10": 25, "20": 22, "30": 21, "40": 19}.get(edu_code, 20)
        work_start = _month(_years(birth, school_years + rng.random() * 1.5), rng.choice((7, 7, 8, 9)))
        if work_start > as_of:
            work_start = _month(as_of)
        # ---------- rank history: walk down from the current rank
        chain = self._rank_chain(main_rank)
        history = []  # (rank, start)
        end = as_of
        since = None
        for i, code in enumerate(chain):
            span = rng.uniform(2.5, 6.5) if i else rng.uniform(0.5, 6.0)
            start = _month(_years(end, -span))
            if start <= _years(work_start, 1) or i == len(chain) - 1:
                start = max(_month(_years(work_start, 1)), start) if i else start
                history.append((code, max(start, work_start)))
                break
            history.append((code, start))
            end = start
        history.reverse()  # oldest first
        since = history[-1][1]
        for i, (code, start) in enumerate(history):
            stop = history[i + 1][1] if i + 1 < len(history) else None
            self.ranks.append((cid, path, i + 1, self.stamp, self.stamp, code, _iso(start), _iso(stop),
                               self._docno(manager, start, rng)))
        # ---------- résumé: study, first job, one segment per earlier rank, current
        seg = []
        uni = self._education(cid, path, rng, birth, edu_code, work_start)
        if uni:
            seg.append((uni[0], work_start, f"{uni[1]}学习", "", False))
        first_unit = unit_name if not posts else rng.choice(self._county(home).agencies or [(0, unit_name)])[1]
        first_rank_start = history[0][1]
        if first_rank_start > _years(work_start, 1):
            seg.append((work_start, first_rank_start, f"{first_unit}科员", "", manager.depth == 4))
        earlier_posts = []
        for i, (code, start) in enumerate(history[:-1]):
            stop = history[i + 1][1]
            unit_pick, title = self._earlier_post(code, home, rng, unit_name)
            text = full_title(unit_pick[1], title)
            seg.append((start, stop, text, "", manager.depth == 4 or "镇" in text or "乡" in text))
            if ranks.rank(code).kind == "post":
                earlier_posts.append((unit_pick, title, code, start, stop))
        cur_start = since
        for order, (unit_pick, title, code, start, stop) in enumerate(earlier_posts, 1):
            self.posts.append((cid, path, order, self.stamp, self.stamp, unit_pick[0] or None, "", title, code,
                               _iso(start), _iso(stop), "appointed", self._docno(manager, start, rng),
                               self._docno(manager, stop, rng), True))
        current_titles = []
        base = len(earlier_posts)
        for k, (u_id, u_name, title, code, is_main) in enumerate(posts):
            start = cur_start if is_main else _month(_years(cur_start, rng.uniform(0, 1)))
            start = min(start, as_of)
            method = appointment_method(u_name, title)
            self.posts.append((cid, path, base + k + 1, self.stamp, self.stamp, u_id, "" if u_id else u_name, title, code,
                               _iso(start), None, method, self._docno(manager, start, rng), "", is_main))
            current_titles.append(full_title(u_name, title))
        if posts:
            current_text = "，".join(current_titles)
            seg.append((cur_start, None, current_text, "", manager.depth == 4))
        else:
            current_text = ""
            last = seg[-1][1] if seg and seg[-1][1] else work_start
            seg.append((last, None, f"{unit_name}{ranks.name_of(grade_rank)}", "", False))
        # on-the-job study as 其间 in the segment it falls in
        self._on_the_job(cid, path, rng, edu_code, seg)
        for order, (start, stop, text, during, grass) in enumerate(seg, 1):
            self.resume.append((cid, path, order, self.stamp, self.stamp, _iso(_month(start)),
                                _iso(_month(stop)) if stop else None, text[:300], during, grass))
        # ---------- family, assessments, rewards, training
        self._family(cid, path, rng, birth, sex, home)
        grades = []
        # Annual assessments of the last three years, only of the years worked (a start after September:
        # assessed from the next year on).
        first_year = work_start.year + (work_start.month > 9)
        for year in range(max(as_of.year - 3, first_year), as_of.year):
            g = _weighted(rng, ASSESS_GRADES)
            grades.append((year, g))
            self.assess.append((cid, path, len(grades), self.stamp, self.stamp, year, g, ""))
        rewards_text = "无"
        if rng.random() < 0.2 and _years(work_start, 0.5) < as_of:
            on = max(_years(as_of, -rng.uniform(0.5, 8)), _years(work_start, 0.5))
            text = rng.choice(REWARDS)
            self.rewards.append((cid, path, 1, self.stamp, self.stamp, _iso(on), "reward", text, ""))
            rewards_text = f"{on.year}年{on.month}月{text}。"
        if rng.random() < 0.5 and work_start < as_of - dt.timedelta(days=60):
            start = max(_years(as_of, -rng.uniform(0.1, 4)), work_start + dt.timedelta(days=30))
            start = min(start, as_of - dt.timedelta(days=31))
            days = rng.choice((5, 7, 10, 15, 30))
            kind = "任职培训" if posts else "在职培训"
            self.trainings.append((cid, path, 1, self.stamp, self.stamp,
                                   rng.choice(("全省县处级领导干部进修班", "全市乡科级干部培训班", "年轻干部培训班",
                                               "全县干部能力提升专题培训班")), kind,
                                   rng.choice(("中共山西省委党校", "市委党校", "县委党校")), _iso(start),
                                   _iso(start + dt.timedelta(days=days - 1)), days * 8, days))
        rank = history[-1][0]
        r = ranks.rank(rank)
        self.cadres.append((
            cid, pid, manager.org_id, path, unit_id if not posts else posts[0][0], "", current_text[:200], rank,
            _iso(since), r.level, ranks.ORDER[rank], _iso(cur_start) if posts else None, _iso(work_start),
            "02" if mstatus == "probationary" else "01", _iso(_d(joined)), "", "健康",
            rng.choice(TITLES_PRO), rng.choice(SPECIALTIES), rewards_text, self._assess_text(grades),
            post_order, "active", "", name, stroke, sex, _iso(birth), ethnicity, education or "",
            self.stamp, self.stamp,
        ))
        return cid

    def _rank_chain(self, code):
        """The ranks a cadre climbed to reach `code` (highest first)."""
        ladder = {
            "bureau_chief": ["bureau_chief", "bureau_deputy", "county_chief", "county_deputy", "township_chief"],
            "bureau_deputy": ["bureau_deputy", "county_chief", "county_deputy", "township_chief"],
            "county_chief": ["county_chief", "county_deputy", "township_chief", "township_deputy"],
            "county_deputy": ["county_deputy", "township_chief", "township_deputy"],
            "township_chief": ["township_chief", "township_deputy", "clerk_chief_4"],
            "township_deputy": ["township_deputy", "clerk_chief_4", "clerk_1"],
            "researcher_2": ["researcher_2", "researcher_3", "researcher_4", "clerk_chief_1"],
            "researcher_4": ["researcher_4", "clerk_chief_1", "clerk_chief_2"],
            "clerk_chief_1": ["clerk_chief_1", "clerk_chief_2", "clerk_chief_4", "clerk_1"],
            "clerk_chief_2": ["clerk_chief_2", "clerk_chief_4", "clerk_1"],
            "clerk_chief_3": ["clerk_chief_3", "clerk_chief_4", "clerk_1"],
            "clerk_chief_4": ["clerk_chief_4", "clerk_1", "clerk_2"],
            "clerk_1": ["clerk_1", "clerk_2"],
            "clerk_2": ["clerk_2"],
        }
        return ladder.get(code, [code])

    @staticmethod
    def _county(home):
        return home.parent if home.depth == 4 and home.parent is not None else home

    def _earlier_post(self, code, home, rng, unit_name):
        t = self._county(home)
        towns = [c for c in t.children if "committee" in c.units] if t.depth == 3 else []
        if code == "township_deputy" and towns and rng.random() < 0.6:
            town = rng.choice(towns)
            gov = town.units.get("government")
            if gov:
                vice = "副镇长" if town.place.endswith("镇") else "副乡长" if town.place.endswith("乡") else "副主任"
                return gov, vice
        if code == "township_chief" and towns and rng.random() < 0.5:
            town = rng.choice(towns)
            return town.units["committee"], "书记"
        if code in ("county_deputy", "county_chief") and t.depth == 3 and "government" in t.units:
            return t.units["government"], county_word(t.place, "副县长" if code == "county_deputy" else "县长")
        plain = [a for a in t.agencies if not a[1].endswith("机关")] or t.agencies
        agency = rng.choice(plain) if plain else (0, unit_name)
        head_level = {1: 2, 2: 3}.get(t.depth, 4)
        level = ranks.level_of(code)
        r = ranks.rank(code)
        if r.kind == "post" and level > head_level:  # an office inside the agency
            offices = OFFICES_PROVINCE if t.depth == 1 else OFFICES_CITY
            office = rng.choice(offices)
            word = office[-1]
            title = f"{office}{word}长" if r.chief else f"{office}副{word}长"
            if t.depth == 1 and level == 4:
                title = f"{office}主任科员" if r.chief else f"{office}副主任科员"
            return agency, title
        chief, deputy = agency_titles(agency[1])
        if code in ("bureau_chief", "bureau_deputy") and (chief, deputy) == ("局长", "副局长"):
            chief, deputy = "厅长", "副厅长"
        title = chief if r.kind == "post" and r.chief else deputy if r.kind == "post" else r.name
        return agency, title

    def _docno(self, t, day, rng):
        if day is None:
            return ""
        prefix = {1: "晋组干字", 2: "市组干字", 3: "县组干字", 4: "县组干字"}.get(t.depth, "组干字")
        return f"{prefix}〔{day.year}〕{rng.randint(1, 180)}号"

    def _education(self, cid, path, rng, birth, code, work_start):
        """Full-time education row(s); returns (start, text) for the résumé's study segment."""
        if code in ("20", "14", "11", "10") and rng.random() < 0.85 or code == "20":
            school = rng.choice(UNIVERSITIES)
            college, major = rng.choice(school[1:])
            start = dt.date(work_start.year - 4, 9, 1)
            inst = f"{school[0]}{college}{major}专业"
            full_code = "20"
            self.edu.append((cid, path, 1, self.stamp, self.stamp, "full_time", full_code, "大学",
                             DEGREE_OF.get(major, "学士"), inst, inst, _iso(start), _iso(_month(work_start, 7))))
            return start, inst
        if code in ("30", "14", "11", "10", "20"):
            school, major = rng.choice(COLLEGES)
            start = dt.date(work_start.year - 3, 9, 1)
            inst = f"{school}{major}专业"
            self.edu.append((cid, path, 1, self.stamp, self.stamp, "full_time", "30", "大专", "", inst, "",
                             _iso(start), _iso(_month(work_start, 7))))
            return start, inst
        if code in ("40", "60"):
            self.edu.append((cid, path, 1, self.stamp, self.stamp, "full_time", code,
                             "中专" if code == "40" else "高中", "", "", "", None, None))
        return None

    def _on_the_job(self, cid, path, rng, code, seg):
        if code not in ("14", "11", "10") and not (code == "20" and rng.random() < 0.3):
            return
        jobs = [i for i, s in enumerate(seg) if "学习" not in s[2]]
        if not jobs:
            return
        i = rng.choice(jobs)
        start, stop = seg[i][0], seg[i][1] or self.as_of
        begin = _month(start + (stop - start) / 4, 9) if (stop - start).days > 400 else _month(start)
        finish = _month(_years(begin, 3), 7)
        if code in ("14", "11", "10"):
            if rng.random() < 0.5:
                school, major = rng.choice(PARTY_SCHOOLS)
                text, degree, inst = "中央党校研究生" if school == "中央党校" else "省委党校研究生", "", f"{school}{major}专业"
            else:
                school = rng.choice(UNIVERSITIES[:3])
                college, major = rng.choice(school[1:])
                text, degree = "研究生", DEGREE_OF.get(major, "学士").replace("学士", "硕士")
                inst = f"{school[0]}{college}{major}专业"
            edu = "14"
        else:
            school, major = rng.choice(PARTY_SCHOOLS[1:])
            text, degree, inst, edu = "大学", "", f"{school}{major}专业", "20"
        self.edu.append((cid, path, 2, self.stamp, self.stamp, "on_the_job", edu, text, degree, inst,
                         inst if degree else "", _iso(begin), _iso(finish)))
        during = f"其间：{begin.year}.{begin.month:02d}--{finish.year}.{finish.month:02d}在{inst}在职{text}学习"
        s = seg[i]
        seg[i] = (s[0], s[1], s[2], during + (f"，获{degree}学位" if degree else ""), s[4])

    def _family(self, cid, path, rng, birth, sex, t):
        t = self._county(t)
        county = t.place if t.depth >= 2 else "太原市"
        rows = []
        spouse_sex = "2" if sex == "1" else "1"
        sb = _years(birth, rng.uniform(-3, 3))
        rows.append(("妻子" if sex == "1" else "丈夫", person_name(rng, spouse_sex, generation(sb.year)), sb,
                     rng.choice(("中共党员", "中共党员", "群众")), rng.choice(FAMILY_WORK_SPOUSE).format(county=county),
                     False))
        for _ in range(rng.choice((1, 1, 2))):
            cb = _years(birth, rng.uniform(24, 33))
            if cb > self.as_of:
                continue
            csex = rng.choice("12")
            age = (self.as_of - cb).days // 365
            work = (rng.choice(FAMILY_WORK_CHILD_STUDENT) if age < 23 else rng.choice(FAMILY_WORK_CHILD_ADULT))
            pol = "群众" if age < 14 else "共青团员" if age < 28 else rng.choice(("中共党员", "群众"))
            rows.append(("儿子" if csex == "1" else "女儿", person_name(rng, csex, generation(cb.year)), cb, pol,
                         work.format(county=county), False))
        for rel, psex in (("父亲", "1"), ("母亲", "2")):
            pb = _years(birth, -rng.uniform(23, 33))
            dead = rng.random() < min(0.9, max(0.05, (self.as_of.year - pb.year - 60) / 30))
            rows.append((rel, person_name(rng, psex, generation(pb.year)), pb,
                         rng.choice(("中共党员", "群众", "群众")), "已去世" if dead else rng.choice(("退休", "务农", "居民")),
                         dead))
        for order, (rel, name, b, pol, work, dead) in enumerate(rows, 1):
            self.family.append((cid, path, order, self.stamp, self.stamp, rel, name, f"{b.year}{b.month:02d}", pol,
                                work, dead))

    @staticmethod
    def _assess_text(grades):
        if not grades:
            return "参加工作未满一个考核年度。"
        label = {"competent": "称职", "excellent": "优秀", "basic": "基本称职", "ungraded": "不定等次"}
        groups = []
        for y, g in grades:
            if groups and groups[-1][0] == g:
                groups[-1][1].append(y)
            else:
                groups.append((g, [y]))
        parts = []
        for g, ys in groups:
            years = "、".join(f"{y}年" for y in ys)
            if g == "ungraded":
                parts.append(f"{years}年度考核不定等次")
            else:
                parts.append(f"{years}年度考核{'均为' if len(ys) > 1 else '为'}{label[g]}")
        return "，".join(parts) + "。"


# ---------------------------------------------------------------- choosing people for posts

COUNTY_POSTS = (
    # (key, [(unit role or agency keyword, title, rank, main)], post_order)
    ("secretary", [("committee", "书记", "county_chief", True)], 10),
    ("head", [("committee", "副书记", "county_chief", True), ("government", "县长", "county_chief", False)], 20),
    ("congress", [("congress", "主任", "county_chief", True)], 30),
    ("cppcc", [("cppcc", "主席", "county_chief", True)], 40),
    ("deputy", [("committee", "副书记", "county_deputy", True)], 50),
    ("exec", [("committee", "常委", "county_deputy", True), ("government", "常务副县长", "county_deputy", False)], 60),
    ("org", [("committee", "常委", "county_deputy", True), ("组织部", "部长", "county_deputy", False)], 70),
    ("disc", [("committee", "常委", "county_deputy", True), ("纪律检查委员会", "书记", "county_deputy", False)], 80),
    ("prop", [("committee", "常委", "county_deputy", True), ("宣传部", "部长", "county_deputy", False)], 90),
    ("law", [("committee", "常委", "county_deputy", True), ("政法委员会", "书记", "county_deputy", False)], 100),
    ("front", [("committee", "常委", "county_deputy", True), ("统战部", "部长", "county_deputy", False)], 110),
    ("office", [("committee", "常委", "county_deputy", True), ("委办公室", "主任", "county_deputy", False)], 120),
    ("vice1", [("government", "副县长", "county_deputy", True)], 130),
    ("vice2", [("government", "副县长", "county_deputy", True)], 140),
    ("vice3", [("government", "副县长", "county_deputy", True)], 150),
    ("vice4", [("government", "副县长", "county_deputy", True)], 160),
)


# Titles filled by election (选任制): by a party congress or committee, by a people's congress (the heads of a
# government and their deputies), and the chairs of the people's congress and the CPPCC. Everything else — the
# departments, the street offices (街道办事处, an agency of the county), the offices of a committee — is
# appointed (委任制).
ELECTED_COMMITTEE_TITLES = ("书记", "副书记", "常委", "委员", "组织委员", "宣传委员", "纪委书记")
ELECTED_GOVERNMENT_TITLES = ("县长", "区长", "市长", "镇长", "乡长", "副县长", "副区长", "副市长", "副镇长", "副乡长",
                             "常务副县长", "常务副区长", "常务副市长", "省长", "副省长")


def appointment_method(unit_name: str, title: str) -> str:
    """选任制 (elected) or 委任制 (appointed) for a post title in a unit."""
    if title in ELECTED_GOVERNMENT_TITLES and unit_name.endswith("人民政府") or title == "人大主席":
        return "elected"
    if title in ("主任", "副主任") and unit_name.endswith("人民代表大会常务委员会"):
        return "elected"
    if title in ("主席", "副主席") and unit_name.startswith("政协"):
        return "elected"
    if title in ELECTED_COMMITTEE_TITLES and unit_name.startswith("中共") and (
            unit_name.endswith("纪律检查委员会") or (unit_name.endswith("委员会") and "政法" not in unit_name)):
        return "elected"
    return "appointed"


def county_word(place: str, title: str) -> str:
    """县长 → 区长 / 市长 for districts and county-level cities."""
    word = "区" if place.endswith("区") else "市" if place.endswith("市") else "县"
    return title.replace("县长", f"{word}长")


def township_posts(place: str):
    gov = "镇长" if place.endswith("镇") else "乡长" if place.endswith("乡") else "主任"
    vice = "副" + gov
    posts = (
        ("secretary", [("committee", "书记", "township_chief", True)], 0),
        ("head", [("committee", "副书记", "township_chief", True), ("government", gov, "township_chief", False)], 1),
        ("deputy", [("committee", "副书记", "township_deputy", True)], 2),
        ("congress", [("committee", "委员", "township_chief", True),
                      ("government", "人大主席" if gov != "主任" else "人大工委主任", "township_chief", False)], 3),
        ("disc", [("committee", "委员", "township_deputy", True), ("committee", "纪委书记", "township_deputy", False)], 4),
        ("org", [("committee", "组织委员", "township_deputy", True)], 5),
        ("prop", [("committee", "宣传委员", "township_deputy", True)], 6),
        ("vice1", [("government", vice, "township_deputy", True)], 7),
        ("vice2", [("government", vice, "township_deputy", True)], 8),
    )
    return tuple(p for p in posts if not (p[0] == "congress" and place.endswith("街道")))


def _leader_age_ok(birth, as_of, low, high):
    age = (as_of - birth).days / 365.25
    return low <= age <= high


LEADER_EDUCATION = ("10", "11", "14", "20")


def pick(pool, rng, as_of, low=35, high=57, male=0.82, used=None, educated=LEADER_EDUCATION):
    """A person from `pool` (list of rows) of the given age, men more often, with 本科 or more when there is
    one (第八条: 县处级 and above generally 大专+, 厅局级 本科+); None if nobody fits."""
    want_male = rng.random() < male
    fits = [p for p in pool if p[0] not in used and _leader_age_ok(_d(p[3]), as_of, low, high)]
    fits = [p for p in fits if p[4] in educated] or fits
    if not fits:
        return None
    preferred = [p for p in fits if (p[2] == "1") == want_male] or fits
    choice = rng.choice(preferred[: max(3, len(preferred) // 3)])
    used.add(choice[0])
    return choice


def grade_for(birth, as_of, level, rng):
    """A civil-service grade for staff by age and the unit's level."""
    age = (as_of - birth).days / 365.25
    if level <= 2 and age > 45 and rng.random() < 0.5:
        return rng.choice(("researcher_2", "researcher_4"))
    if age < 27:
        return "clerk_2" if age < 25 else "clerk_1"
    if age < 32:
        return rng.choice(("clerk_1", "clerk_chief_4"))
    if age < 40:
        return rng.choice(("clerk_chief_4", "clerk_chief_3", "clerk_chief_2"))
    return rng.choice(("clerk_chief_2", "clerk_chief_1", "clerk_chief_1", "researcher_4" if level <= 3 else "clerk_chief_1"))


AGENCY_TITLES = {"办公室": ("主任", "副主任"), "部": ("部长", "副部长"), "政法委员会": ("书记", "副书记"),
                 "工作委员会": ("书记", "副书记"), "委员会": ("主任", "副主任"),
                 "机关": ("主任", "副主任"), "中心": ("主任", "副主任"), "馆": ("馆长", "副馆长"),
                 "院": ("院长", "副院长"), "校": ("常务副校长", "副校长"), "联合会": ("主席", "副主席"),
                 "总工会": ("主席", "副主席"), "联合社": ("主任", "副主任")}


OFFICES_PROVINCE = ("综合处", "政策法规处", "人事处", "规划处", "财务处", "督查处")
OFFICES_CITY = ("综合科", "政策法规科", "人事科", "规划科", "财务科", "督查科")


def agency_titles(name):
    if name.endswith("人民检察院"):
        return "检察长", "副检察长"
    if name.endswith("办公厅"):
        return "主任", "副主任"
    if name.endswith("厅"):
        return "厅长", "副厅长"
    for suffix, titles in AGENCY_TITLES.items():
        if name.endswith(suffix):
            return titles
    return "局长", "副局长"


def seed_cadres(seed: int = 1, *, staff_share: float = 0.12, as_of: dt.date, log=print,
                analyze: bool = True) -> dict[str, int]:
    """Write the cadres of a seeded database (inside the caller's transaction). Refuses when cadres exist."""
    t0 = time.perf_counter()
    now = timezone.now()
    vendor = connection.vendor
    stamp = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else now.isoformat(" ")
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM cadres_cadre)")
        if cur.fetchone()[0]:
            log("  cadres: already present, skipped")
            return {}
        territories = read_territories(cur)
        n_units = ensure_units(cur, territories, stamp)
        cur.execute("SELECT id, name, org_path FROM orgs_unit WHERE sector = 'government' ORDER BY org_path, id")
        units = cur.fetchall()
        unit_terr = {}
        for uid, uname, upath in units:
            t = territory_of(upath, territories)
            if t is None:
                continue
            unit_terr[uid] = (t, uname)
            if upath != t.path and uid not in {v[0] for v in t.units.values()}:
                t.agencies.append((uid, uname))
            elif upath == t.path and t.depth == 4 and "government" not in t.units and uname not in (
                    t.units.get("committee", (0, ""))[1],):
                t.units["government"] = (uid, uname)
        low = dt.date(as_of.year - 59, as_of.month, 1)
        high = dt.date(as_of.year - 23, as_of.month, 1)
        cur.execute(
            "SELECT p.id, p.name, p.sex, p.birth_date, p.education, p.ethnicity, p.stroke_key, u.id, u.name, "
            "m.joined_on, m.status "
            "FROM people_person p JOIN orgs_organization o ON o.id = p.organization_id "
            "JOIN orgs_unit u ON u.id = o.unit_id LEFT JOIN members_membership m ON m.person_id = p.id "
            "WHERE u.sector = 'government' AND p.birth_date > %s AND p.birth_date <= %s ORDER BY u.id, p.id",
            [low, high],
        )
        people = cur.fetchall()
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cadres_cadre")
        first = cur.fetchone()[0] + 1
    log(f"  cadres: read {len(people):,} working-age people of {len(units):,} government units "
        f"({n_units} units added) in {time.perf_counter() - t0:.1f} s")
    t1 = time.perf_counter()
    by_unit = defaultdict(list)
    for p in people:
        by_unit[p[7]].append(p)
    plan = Planner(seed, as_of, staff_share, stamp)
    plan.next_id = first
    writer = Writer(log, big=len(people) > 50_000)
    planned = 0

    def flush(force=False):
        nonlocal planned
        if force or len(plan.cadres) >= FLUSH:
            planned += len(plan.cadres)
            writer.flush(plan)
    used: set[int] = set()

    def manager_of(t: Territory, level_up: bool) -> Territory:
        return t.parent if level_up and t.parent is not None else t

    for t in territories.values():
        rng = random.Random(f"{seed}:terr:{t.code}")
        pool = [p for uid, _ in t.agencies for p in by_unit.get(uid, ())]
        rng.shuffle(pool)
        pool.sort(key=lambda p: _d(p[3]))  # older first: leaders come from the older half
        if t.depth == 3 and "committee" in t.units:
            for key, spec, order in COUNTY_POSTS:
                person = pick(pool, rng, as_of, 42, 57, 0.85, used)
                if person is None:
                    continue
                posts = []
                for role, title, rank, main in spec:
                    if role == "纪律检查委员会":
                        unit = (None, f"中共{t.place}纪律检查委员会")
                    else:
                        unit = t.units.get(role) or next((a for a in t.agencies if role in a[1]), None)
                    if unit is None:
                        continue
                    posts.append((unit[0], unit[1], county_word(t.place, title), rank, main))
                if posts:
                    plan.add(person, manager_of(t, True), posts, post_order=order, home=t)
        if t.depth == 4 and ("committee" in t.units or "government" in t.units):
            town_pool = [p for p in by_unit.get(t.units.get("government", (0,))[0], ())]
            rng.shuffle(town_pool)
            town_pool.sort(key=lambda p: _d(p[3]))
            base = 1000 + 20 * len([c for c in (t.parent.children if t.parent else []) if c.path < t.path])
            for key, spec, order in township_posts(t.place):
                person = pick(town_pool, rng, as_of, 30, 55, 0.78, used) or pick(pool, rng, as_of, 30, 55, 0.78, used)
                if person is None:
                    continue
                posts = []
                for role, title, rank, main in spec:
                    unit = t.units.get(role) or t.units.get("government") or t.units.get("committee")
                    posts.append((unit[0], unit[1], title, rank, main))
                plan.add(person, manager_of(t, True), posts, post_order=base + order, home=t)
        # agencies: head and deputies
        level = {1: ("bureau_chief", "bureau_deputy"), 2: ("county_chief", "county_deputy"),
                 3: ("township_chief", "township_deputy"), 4: ("township_chief", "township_deputy")}[t.depth]
        for idx, (uid, uname) in enumerate(t.agencies):
            staff = by_unit.get(uid, [])
            if not staff:
                continue
            r = random.Random(f"{seed}:agency:{uid}")
            ordered = sorted(staff, key=lambda p: _d(p[3]))
            chief, deputy = agency_titles(uname)
            deputies = 1 if len(staff) < 12 else 2 if len(staff) < 40 else 3
            mgr = t if t.depth != 4 else manager_of(t, True)
            p = pick(ordered, r, as_of, 38, 57, 0.8, used)
            if p:
                plan.add(p, mgr, [(uid, uname, chief, level[0], True)], post_order=2000 + idx * 10, home=t)
            for k in range(deputies):
                p = pick(ordered, r, as_of, 32, 56, 0.7, used)
                if p:
                    plan.add(p, mgr, [(uid, uname, deputy, level[1], True)], post_order=2000 + idx * 10 + k + 1,
                             home=t)
        flush()
    t2 = time.perf_counter()
    # staff with grades
    for uid, rows in by_unit.items():
        if uid not in unit_terr:
            continue
        t, uname = unit_terr[uid]
        mgr = t if t.depth != 4 else (t.parent or t)
        for p in rows:
            if p[0] in used:
                continue
            r = random.Random(f"{seed}:staff:{p[0]}")
            if r.random() >= staff_share:
                continue
            used.add(p[0])
            g = grade_for(_d(p[3]), as_of, t.depth, r)
            plan.add(p, mgr, [], grade_rank=g, post_order=9000 + ranks.ORDER[g], home=t)
        flush()
    flush(force=True)
    log(f"  cadres: planned and wrote {planned:,} cadres in {time.perf_counter() - t1:.1f} s "
        f"(leaders {t2 - t1:.1f} s)")
    counts = writer.finish()
    if analyze:
        with connection.cursor() as cur:
            for m in TABLE_MODELS:
                cur.execute(f'ANALYZE "{apps.get_model("cadres", m)._meta.db_table}"')
    log(f"  cadres total: {time.perf_counter() - t0:.1f} s")
    return counts


TABLE_MODELS = ("Cadre", "CadrePost", "RankRecord", "ResumeEntry", "Education", "FamilyMember",
                "AnnualAssessment", "RewardPunishment", "TrainingRecord")


class Writer:
    """Writes the planned rows in batches (the plan is flushed every FLUSH cadres, so memory stays flat at
    province scale); for a big load the cadre tables' indexes are dropped first and rebuilt at the end."""

    SPECS = (
        ("Cadre", CADRE_COLUMNS, "cadres"), ("CadrePost", POST_COLUMNS, "posts"),
        ("RankRecord", RANK_COLUMNS, "ranks"), ("ResumeEntry", RESUME_COLUMNS, "resume"),
        ("Education", EDU_COLUMNS, "edu"), ("FamilyMember", FAMILY_COLUMNS, "family"),
        ("AnnualAssessment", ASSESS_COLUMNS, "assess"), ("RewardPunishment", REWARD_COLUMNS, "rewards"),
        ("TrainingRecord", TRAINING_COLUMNS, "trainings"),
    )

    def __init__(self, log, big: bool):
        self.log = log
        self.loader = Loader(log=log)
        self.tables = []
        self.next_id = {}
        for m, cols, attr in self.SPECS:
            model = apps.get_model("cadres", m)
            if cols[0] != "id":  # sub-records: ids numbered here
                cols = ("id",) + cols
                with connection.cursor() as cur:
                    cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
                    self.next_id[attr] = cur.fetchone()[0] + 1
            self.tables.append((Table.of(model, cols), attr))
        self.counts = {table.name: 0 for table, _ in self.tables}
        self.recreate = {table.name: self.loader.drop_indexes(table) for table, _ in self.tables} if big else {}
        self.seconds = 0.0

    def flush(self, plan: Planner) -> None:
        t = time.perf_counter()
        for table, attr in self.tables:
            rows = getattr(plan, attr)
            if attr in self.next_id:
                start = self.next_id[attr]
                self.next_id[attr] = start + len(rows)
                rows = [(start + i,) + row for i, row in enumerate(rows)]
            self.counts[table.name] += self.loader.insert(table, rows)
            getattr(plan, attr).clear()
        self.seconds += time.perf_counter() - t

    def finish(self) -> dict[str, int]:
        self.log(f"  cadre rows written in {self.seconds:.1f} s: "
                 + ", ".join(f"{k} {v:,}" for k, v in self.counts.items()))
        t = time.perf_counter()
        for statements in self.recreate.values():
            self.loader.recreate(statements)
        if self.recreate:
            self.loader.phase("rebuild cadre indexes", t)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t, _ in self.tables]):
                    cur.execute(sql)
        return self.counts


def seed_if_missing(seed: int = 1, staff_share: float = 0.12, log=print, *, as_of: dt.date) -> dict[str, int]:
    """The idempotent step: seed cadres unless there are some (one transaction)."""
    disabled = connection.disable_constraint_checking() if connection.vendor == "sqlite" else False
    try:
        with transaction.atomic():
            counts = seed_cadres(seed, staff_share=staff_share, as_of=as_of, log=log)
    finally:
        if disabled:
            connection.enable_constraint_checking()
    if counts and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The visibility map lets the roster's counts run as index-only scans from the start.
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE) " + ", ".join(
                f'"{apps.get_model("cadres", m)._meta.db_table}"' for m in TABLE_MODELS))
    return counts
