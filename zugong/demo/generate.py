"""The seed's plan: a Shanxi party-organization tree, its units, and a stream of people for each organization.

Pure Python (no database, no Django models), deterministic for a given seed:

- Every organization, unit and person is drawn from a `random.Random` seeded with the master seed and a
  stable key (an organization's code), so the same seed gives the same data, and a county seeded at
  demo scale looks the same as that county at province scale.
- The tree is built in memory (about 130,000 small objects at province scale); paths, depth and numchild
  are computed the way treebeard would (steplen 4, alphabet 0-9A-Z, first child 0001).
- People are not kept: `people_rows()` yields one tuple per person, organization by organization in path
  order, ready for `executemany` or `COPY`; only each one's birth day and sex stay behind (`births`, 4 bytes
  a person), for the memberships and dues that `membership.py` builds next (everyone in a branch is a member).

ID numbers are unique without a global table. Each "context" (a county's subtree, a city's own
organizations, the province's own organizations) owns disjoint sequence numbers: people born in the
context's own county get sequence 000-499, everyone else gets one of the context's reserved pairs in
500-999 (odd for men). A context keeps only its own small counters, dropped when the stream leaves it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
import itertools
import math
import random
from dataclasses import dataclass, field
from functools import cache

from zugong.core.dates import add_months, add_years
from zugong.orgs.divisions import Division, children_of, get_division
from zugong.people import idnumber, names
from zugong.people.models import stored_pii

from . import data

# The data describes the organizations as of a day (`Plan(as_of=…)`, `zugong seed --as-of`, default today):
# ages, terms, dues, meetings and cases run up to it. The same seed and the same day give the same data.
# The benchmark data's day (bench/seed_bench.py passes it as --as-of; the benches judge their data as of it).
BENCH_AS_OF = dt.date(2026, 6, 30)

PROVINCE = "140000"


def _years_before(day: dt.date, years: int) -> dt.date:
    return add_months(day, -12 * years)


def _round_day(as_of: dt.date, month: int, day: int) -> dt.date:
    """The first day of the latest five-yearly election round (2021, 2026, …) begun by `as_of`."""
    year = as_of.year - (as_of.year - 2021) % 5
    if dt.date(year, month, day) > as_of:
        year -= 5
    return dt.date(year, month, day)


CN_NUMERALS = "一二三四五六七八九十"


def cn_ordinal(i: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (for 第N支部)."""
    if i <= 10:
        return CN_NUMERALS[i - 1]
    if i < 20:
        return "十" + CN_NUMERALS[i - 11]
    tens, ones = divmod(i, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


# ---------------------------------------------------------------- scales


@dataclass(frozen=True)
class Scale:
    """Which part of the province to build and how densely."""

    counties: dict[str, tuple[str, ...] | None]  # city code → county codes (None: all of them)
    city_blocks: frozenset[str] = frozenset()  # cities whose own organizations are built
    province_block: bool = False  # the province's own organs (省直机关工委)
    universities: int | None = None  # at most this many universities and big SOEs per city (None: all)
    max_townships: int | None = None
    density: float = 1.0  # share of agencies, schools, enterprises … built in each block
    dues_months: int = 12  # months of dues payments stored, ending with the as-of month (membership.py)


ALL_CITIES = tuple(d.code for d in children_of(PROVINCE))

SCALES = {
    # For tests: one small county, two townships, a fifth of each block.
    "tiny": Scale(counties={"140100": ("140123",)}, max_townships=2, density=0.2),
    "demo": Scale(
        counties={"140100": ("140106", "140123"), "140400": ("140406", "140425")},
        city_blocks=frozenset({"140100", "140400"}),
        province_block=True,
        universities=1,
        density=0.25,
    ),
    "county": Scale(counties={"140100": ("140105",)}),
    "province": Scale(
        counties={c: None for c in ALL_CITIES},
        city_blocks=frozenset(ALL_CITIES),
        province_block=True,
    ),
}


# ---------------------------------------------------------------- tree nodes


class Unit:
    __slots__ = ("id", "name", "sector", "division_code", "credit_code", "org")

    def __init__(self, name, sector, division_code, credit_code):
        self.id = 0
        self.name = name
        self.sector = sector
        self.division_code = division_code
        self.credit_code = credit_code
        self.org = None  # the organization the unit's org_path points at


class Org:
    __slots__ = (
        "id",
        "parent",
        "children",
        "path",
        "name",
        "short_name",
        "code",
        "kind",
        "sector",
        "is_joint",
        "is_temporary",
        "unit",
        "division_code",
        "founded_on",
        "term_started_on",
        "term_years",
        "term_ends_on",
        "status",
        "dissolved_on",
        "people",
        "profile",
        "ctx",
        "home",
    )

    def __init__(self, parent, name, short_name, kind, sector, code):
        self.id = 0
        self.parent = parent
        self.children = []
        self.path = ""
        self.name = name
        self.short_name = short_name
        self.code = code
        self.kind = kind
        self.sector = sector
        self.is_joint = False
        self.is_temporary = False
        self.unit = None
        self.division_code = ""
        self.founded_on = None
        self.term_started_on = None
        self.term_years = None
        self.term_ends_on = None
        self.status = "active"
        self.dissolved_on = None
        self.people = 0  # direct people
        self.profile = ""
        self.ctx = None  # the Context generating this organization's people
        self.home = ""  # county code people are mostly born in

    @property
    def depth(self):
        return len(self.path) // 4


def default_term_years(kind: str, sector: str) -> int | None:
    """Organization.default_term_years, for rows inserted without save()."""
    if kind == "party_group":
        return None
    if kind == "committee" or sector in ("rural", "community"):
        return 5
    return 3


# ---------------------------------------------------------------- unified social credit codes

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(prefix: str, division: str, rng: random.Random) -> str:
    """A well-formed 统一社会信用代码 (GB 32100): prefix (11 organs, 12 institutions, 91 enterprises,
    51/52 social organizations), 6-digit division, 9-character organization code (GB 11714), check char."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    c9 = 11 - sum(int(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org_code = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    head = prefix + division[:6].ljust(6, "0") + org_code
    check = (31 - sum(_USCC_CHARS.index(ch) * w for ch, w in zip(head, _USCC_WEIGHTS, strict=True)) % 31) % 31
    return head + _USCC_CHARS[check]


# ---------------------------------------------------------------- place names


def county_short(d: Division) -> str:
    """清徐县 → 清徐, 古交市 → 古交, 盂县 → 盂县 (two-character names keep their suffix)."""
    name = d.name
    if len(name) > 2 and name[-1] in "县市区":
        return name[:-1]
    return name


def is_district(d: Division) -> bool:
    return d.name.endswith("区") and not d.code.endswith("71")


def county_full(d: Division) -> str:
    """The county's name as organizations spell it: districts carry the city (太原市小店区)."""
    if is_district(d) or d.code.endswith("71"):
        city = get_division(d.parent_code)
        if d.code.endswith("71") and d.name.startswith("山西"):
            return d.name
        if d.code.endswith("71"):
            return d.name if d.name.startswith(city.name[:2]) else city.name + d.name
        return city.name + d.name
    return d.name


@cache
def place_text(code: str) -> str:
    """籍贯/出生地 as written on forms: 山西清徐, 山西太原 (urban districts give the city)."""
    d = get_division(code)
    if d is None:
        return _OTHER_PLACES.get(code, "")
    city = get_division(d.parent_code)
    if is_district(d) or d.code.endswith("71"):
        return "山西" + city.name[:-1]
    return "山西" + county_short(d)


def township_short(name: str) -> str:
    """东于镇 → 东于, 坞城街道 → 坞城 (for 派出所, 司法所 …)."""
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


_OTHER_PLACES = {code: text for code, text, _ in data.OTHER_PROVINCES}


def shanxi_counties() -> list[Division]:
    return [c for city in children_of(PROVINCE) for c in children_of(city.code)]


# ---------------------------------------------------------------- weighted choice


class Choice:
    """Fast weighted choice with a given Random."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, weighted):
        items = [(v, w) for v, w in (weighted.items() if isinstance(weighted, dict) else weighted) if w > 0]
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# ---------------------------------------------------------------- people profiles

EDU = {
    # generation → {code: weight}; codes from GB/T 4658 (refdata.EDUCATION)
    "rural": {
        "old": {"80": 45, "70": 40, "60": 10, "90": 5},
        "mid": {"70": 55, "60": 25, "80": 12, "40": 6, "30": 2},
        "young": {"60": 28, "70": 20, "30": 27, "20": 17, "40": 8},
    },
    "urban": {
        "old": {"70": 35, "60": 30, "80": 15, "40": 10, "30": 7, "20": 3},
        "mid": {"60": 30, "40": 15, "30": 25, "20": 20, "70": 10},
        "young": {"20": 45, "30": 35, "60": 10, "14": 10},
    },
    "cadre": {
        "old": {"20": 40, "30": 35, "40": 15, "60": 10},
        "mid": {"20": 60, "30": 20, "14": 14, "40": 4, "11": 2},
        "young": {"20": 65, "14": 28, "30": 6, "11": 1},
    },
    "local_cadre": {
        "old": {"30": 40, "20": 25, "40": 20, "60": 15},
        "mid": {"20": 50, "30": 38, "14": 4, "40": 8},
        "young": {"20": 70, "30": 18, "14": 12},
    },
    "teacher": {
        "old": {"30": 40, "40": 30, "20": 30},
        "mid": {"20": 65, "30": 25, "14": 10},
        "young": {"20": 62, "14": 35, "30": 3},
    },
    "faculty": {
        "old": {"20": 40, "14": 30, "11": 30},
        "mid": {"11": 50, "14": 38, "20": 12},
        "young": {"11": 70, "14": 30},
    },
    "student": {"old": {"20": 1}, "mid": {"20": 1}, "young": {"60": 72, "20": 26, "14": 2}},
    "medical": {
        "old": {"30": 35, "40": 35, "20": 30},
        "mid": {"20": 55, "30": 25, "14": 15, "40": 3, "11": 2},
        "young": {"20": 55, "14": 25, "30": 17, "11": 3},
    },
    "worker": {
        "old": {"60": 35, "40": 30, "70": 25, "30": 10},
        "mid": {"40": 25, "60": 25, "30": 30, "20": 15, "70": 5},
        "young": {"30": 35, "20": 45, "40": 10, "14": 10},
    },
    "miner": {
        "old": {"70": 35, "60": 35, "40": 25, "30": 5},
        "mid": {"40": 30, "60": 30, "30": 25, "20": 10, "70": 5},
        "young": {"30": 45, "20": 30, "40": 20, "14": 5},
    },
    "private": {
        "old": {"60": 40, "70": 30, "40": 20, "30": 10},
        "mid": {"60": 25, "30": 30, "20": 25, "40": 12, "70": 8},
        "young": {"30": 35, "20": 45, "60": 10, "14": 10},
    },
    "social": {
        "old": {"20": 40, "30": 40, "60": 20},
        "mid": {"20": 50, "30": 25, "14": 20, "60": 5},
        "young": {"20": 55, "14": 30, "30": 15},
    },
}


@dataclass
class Profile:
    male: float
    ages: tuple  # ((weight, youngest, oldest), …)
    edu: str
    native: float  # share born in the home county (or, for city/province contexts, the home city)
    outside: float = 0.08  # of the rest, share born outside Shanxi
    choose_edu: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        self.choose_edu = {gen: Choice(w) for gen, w in EDU[self.edu].items()}

    def choose_age(self, as_of: dt.date) -> Choice:
        """Birth dates (ordinals) as of a day: after the day one turns `oldest + 1`, up to the day one turns
        `youngest`."""
        return Choice(
            [
                ((_years_before(as_of, hi + 1).toordinal() + 1, _years_before(as_of, lo).toordinal()), w)
                for w, lo, hi in self.ages
            ]
        )


PROFILES = {
    "village": Profile(
        0.76, ((5, 20, 35), (17, 36, 50), (36, 51, 65), (30, 66, 80), (12, 81, 94)), "rural", 0.97
    ),
    "community": Profile(0.52, ((8, 22, 35), (18, 36, 55), (36, 56, 70), (30, 71, 92)), "urban", 0.80),
    "government": Profile(0.64, ((18, 23, 35), (42, 36, 50), (40, 51, 60)), "cadre", 0.85),
    "township": Profile(0.66, ((26, 22, 35), (44, 36, 50), (30, 51, 60)), "local_cadre", 0.93),
    "police": Profile(0.86, ((25, 22, 35), (45, 36, 50), (30, 51, 60)), "cadre", 0.85),
    "retired": Profile(0.62, ((30, 60, 70), (42, 71, 82), (28, 83, 95)), "cadre", 0.80),
    "retired_worker": Profile(0.72, ((30, 60, 70), (45, 71, 82), (25, 83, 95)), "worker", 0.80),
    "teacher": Profile(0.38, ((30, 23, 35), (42, 36, 50), (28, 51, 60)), "teacher", 0.85),
    "faculty": Profile(0.56, ((22, 27, 35), (48, 36, 50), (30, 51, 65)), "faculty", 0.55, 0.30),
    "student": Profile(0.45, ((85, 18, 22), (15, 23, 27)), "student", 0.35, 0.25),
    "medical": Profile(0.36, ((32, 23, 35), (43, 36, 50), (25, 51, 60)), "medical", 0.80),
    "soe": Profile(0.74, ((25, 22, 35), (45, 36, 50), (30, 51, 59)), "worker", 0.80),
    "miner": Profile(0.93, ((25, 21, 35), (50, 36, 50), (25, 51, 59)), "miner", 0.85),
    "private": Profile(0.66, ((30, 22, 35), (48, 36, 50), (22, 51, 65)), "private", 0.85),
    "social": Profile(0.50, ((30, 24, 35), (45, 36, 50), (25, 51, 70)), "social", 0.80),
}


def _surname_choice() -> Choice:
    from faker.providers.person.zh_CN import Provider

    weights = {s: w * data.SHANXI_SURNAME_BOOST.get(s, 1.0) for s, w in Provider.last_names.items()}
    weights.update(data.EXTRA_SURNAMES)
    return Choice(weights)


SURNAMES = _surname_choice()
ETHNICITY = Choice(data.ETHNICITY_PERMILLE)
PHONE = Choice(data.PHONE_PREFIXES)
OUTSIDE = Choice([(code, w) for code, _, w in data.OTHER_PROVINCES])
GIVEN = {key: (chars, whole.split()) for key, (chars, whole) in data.GIVEN.items()}
SINGLE_SHARE = {"old": 0.18, "mid": 0.35, "young": 0.15}


def generation(birth_year: int) -> str:
    return "old" if birth_year < 1958 else "mid" if birth_year < 1985 else "young"


def person_name(rng: random.Random, sex: str, gen: str) -> str:
    chars, whole = GIVEN[(gen, sex)]
    r = rng.random()
    if r < SINGLE_SHARE[gen]:
        given = rng.choice(chars)
    elif r < 0.6:
        given = rng.choice(whole)
    else:
        given = rng.choice(chars) + rng.choice(chars)
    return SURNAMES(rng) + given


# ---------------------------------------------------------------- ID number contexts


class Context:
    """Sequence-number bookkeeping for one county, one city's own organizations, or the province's own."""

    def __init__(self, key: str, county: str, city: str, slot: int, slots: int):
        self.key = key
        self.county = county  # "" for city and province contexts
        self.city = city  # "" for the province context
        self.slot, self.slots = slot, slots
        self.natives: dict[tuple[int, int], int] = {}
        self.others: dict[tuple[str, int, int], int] = {}

    def seq(self, area: str, birth_ord: int, male: int) -> int | None:
        """A free sequence number for this area and birth date, or None when the day is full."""
        if area == self.county:
            key = (birth_ord, male)
            n = self.natives.get(key, 0)
            base = (birth_ord * 7) % 200
            if base + n > 249:
                return None
            self.natives[key] = n + 1
            return 2 * (base + n) + male
        key = (area, birth_ord, male)
        n = self.others.get(key, 0)
        if n >= self.slots:
            return None
        self.others[key] = n + 1
        return 500 + 2 * (self.slot + n) + male

    def reset(self):
        self.natives.clear()
        self.others.clear()


def make_contexts() -> dict[str, Context]:
    """All contexts and their reserved pairs: 1 per county, 8 per city, 41 for the province (250 in all)."""
    contexts = {}
    counties = sorted(c.code for c in shanxi_counties())
    for i, code in enumerate(counties):
        contexts[code] = Context(code, code, code[:4] + "00", i, 1)
    base = len(counties)
    for i, city in enumerate(ALL_CITIES):
        contexts[city] = Context(city, "", city, base + 8 * i, 8)
    contexts[PROVINCE] = Context(
        PROVINCE, "", "", base + 8 * len(ALL_CITIES), 250 - base - 8 * len(ALL_CITIES)
    )
    assert 500 + 2 * (contexts[PROVINCE].slot + contexts[PROVINCE].slots) <= 1000
    return contexts


# ---------------------------------------------------------------- the builder


class Plan:
    """Builds the tree for a scale; then `people_rows()` streams the people."""

    def __init__(self, scale: str | Scale, seed: int = 1, *, as_of: dt.date):
        self.scale = SCALES[scale] if isinstance(scale, str) else scale
        self.seed = seed
        self.as_of = as_of
        self._ages: dict[str, Choice] = {}  # profile → birth-date choice as of `as_of`
        self.orgs: list[Org] = []  # DFS order once finished
        self.units: list[Unit] = []
        self.contexts = make_contexts()
        self.root: Org | None = None
        self._counties_of_city = {
            c: [k.code for k in children_of(c) if not k.code.endswith("71")] for c in ALL_CITIES
        }
        self._all_counties = [c.code for c in shanxi_counties() if not c.code.endswith("71")]
        self._faker = None
        # Each streamed person's birth day and sex (ordinal * 2 + male), in id order: what the memberships
        # (membership.py) need of the people, 4 bytes a person.
        self.births = array("i")

    # ------------------------------------------------------------ helpers

    def rng(self, key: str) -> random.Random:
        return random.Random(f"{self.seed}:{key}")

    def faker(self, key: str):
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("zh_CN")
        self._faker.seed_instance(f"{self.seed}:{key}")
        return self._faker

    def n(self, count: int) -> int:
        """How many of `count` items a block builds at this scale's density."""
        return max(1, math.ceil(count * self.scale.density)) if count else 0

    def add(
        self,
        parent: Org | None,
        name: str,
        short: str,
        kind: str,
        sector: str,
        code: str | None = None,
        people: int = 0,
        profile: str = "",
        rng: random.Random | None = None,
        **extra,
    ) -> Org:
        if code is None:
            own = sum(1 for c in parent.children if "." in c.code[len(parent.code) :])  # not division-coded
            code = f"{parent.code}.{own + 1:02d}"
        org = Org(parent, name[:100], short[:50], kind, sector, code)
        if parent is not None:
            parent.children.append(org)
            org.ctx = parent.ctx
            org.home = parent.home
            org.division_code = parent.division_code
            org.unit = parent.unit
        for k, v in extra.items():
            setattr(org, k, v)
        org.people, org.profile = people, profile
        self._dates(org, rng or self.rng(code))
        return org

    def unit(self, org: Org, name: str, sector: str, prefix: str | None, rng: random.Random) -> Unit:
        division = org.division_code or PROVINCE
        u = Unit(name[:100], sector, division, credit_code(prefix, division, rng) if prefix else "")
        u.org = org
        self.units.append(u)
        set_unit(org, u)
        return u

    def _dates(self, org: Org, rng: random.Random) -> None:
        """Founding date and the current term (some already past due)."""
        kind, sector = org.kind, org.sector
        years = default_term_years(kind, sector)
        org.term_years = years
        parent_founded = org.parent.founded_on if org.parent is not None else None
        as_of = self.as_of
        if "." not in org.code and len(org.code) <= 9:
            # Territorial committees: province, city, county, township, elected in the five-yearly rounds
            # (2021, 2026, …; townships in spring, counties in July, cities in August, the province in
            # October). A round under way on the as-of day: those not yet elected keep the previous term.
            founded = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(8 * 365))
            month, day = {2: (10, 20), 4: (8, 25), 6: (7, 10)}.get(len(org.code), (4, 1))
            late = dt.timedelta(days=rng.randrange(60))
            start = _round_day(as_of, month, day) + late
            if start > as_of:
                start = add_years(start, -5)
        elif sector in ("rural", "community") and kind != "party_group":
            if sector == "rural":
                founded = dt.date(1938, 1, 1) + dt.timedelta(days=rng.randrange(38 * 365))
            else:
                founded = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(35 * 365))
            # Village and community elections come in five-yearly rounds (2021, 2026, …) from January to
            # April; nearly all vote in the round, a few are past due, a few were re-formed in between.
            r = rng.random()
            round_start = _round_day(as_of, 1, 5)
            if r < 0.95:
                start = round_start + dt.timedelta(days=rng.randrange(120))
                if start > as_of:  # the round is under way: not voted yet
                    start = add_years(start, -5)
            elif r < 0.98:
                start = add_years(round_start, -5) + dt.timedelta(days=rng.randrange(150))  # past due
            else:
                start = add_years(round_start, -4) + dt.timedelta(days=rng.randrange(900))
                start = min(start, as_of)
        else:
            floor = _FOUNDED_FLOOR.get(sector, dt.date(1950, 1, 1))
            low = max(parent_founded or floor, floor)
            span = max(1, (add_years(as_of, -1) - low).days)
            founded = low + dt.timedelta(days=int(span * rng.random() ** 1.8))
            if years:
                # Elections are staggered; a few are past due (about one in twenty), a few long overdue.
                r = rng.random()
                back = years * 365 * (1.03 * rng.random() if r < 0.98 else 1.2 + rng.random())
                start = as_of - dt.timedelta(days=int(back) + 1)
                start = max(start, founded)
            else:
                start = None
        if parent_founded and founded < parent_founded:
            founded = parent_founded
        org.founded_on = founded
        if years and kind != "party_group":
            start = max(start, founded)
            org.term_started_on = start
            org.term_ends_on = add_years(start, years)

    # ------------------------------------------------------------ generic shapes

    def groups(self, branch: Org, rng: random.Random, rate: float = 0.15) -> None:
        """Party groups inside a larger branch. Members stay on the branch (a membership's organization is its
        branch; the group is a detail of the membership), so groups have no direct people."""
        total = branch.people
        if total < 25 or rng.random() >= (max(rate, 0.7) if total >= 50 else rate):
            return
        count = min(4, max(2, total // 16))
        base = branch.name.removeprefix("中共")
        for suffix in ("支部委员会", "党支部"):
            if base.endswith(suffix):
                base = base[: -len(suffix)] + "党支部"
                break
        for i in range(1, count + 1):
            self.add(
                branch,
                f"{base}第{cn_ordinal(i)}党小组",
                f"第{cn_ordinal(i)}党小组",
                "party_group",
                branch.sector,
                rng=rng,
            )

    def org_for(
        self,
        parent: Org,
        base: str,
        total: int,
        sector: str,
        profile: str,
        rng: random.Random,
        subs: tuple[str, ...] | None = None,
        tag: str = "",
        townships: list[str] | None = None,
        retired_profile: str = "retired",
        groups: float = 0.15,
    ) -> Org:
        """A unit's organization sized by its members: branch (<50), general branch (50-99) or committee.

        `base` is the unit's name without 中共; `tag` is inserted before the kind (机关 for organs)."""
        base = base.removeprefix("中共")
        if tag and base.endswith(tag):
            tag = ""
        if total < 50:
            kind, suffix, short = "branch", "支部委员会" if total >= 7 else "党支部", "党支部"
        elif total < 100:
            kind, suffix, short = "general_branch", "总支部委员会", "党总支"
        else:
            kind, suffix, short = "committee", "委员会", "党委"
        org = self.add(
            parent,
            f"中共{base}{tag}{suffix}",
            f"{base}{tag}{short}",
            kind,
            sector,
            people=total if kind == "branch" else 0,
            profile=profile,
            rng=rng,
        )
        if kind == "branch":
            self.groups(org, rng, groups)
            return org
        self.fill(org, base + tag, total, sector, profile, rng, subs, townships, retired_profile, groups)
        return org

    def fill(
        self,
        org: Org,
        base: str,
        total: int,
        sector: str,
        profile: str,
        rng: random.Random,
        subs: tuple[str, ...] | None = None,
        townships: list[str] | None = None,
        retired_profile: str = "retired",
        groups: float = 0.15,
    ) -> None:
        """Sub-branches (general branches for big departments) of a committee or general branch, named after
        departments where we know them."""
        kind = org.kind
        count = max(2, round(total / rng.uniform(30, 45)))
        names = self._sub_names(subs, count, townships or [], rng)
        shares = split(total, len(names), rng, minimum=5)
        for sub, n in zip(names, shares, strict=False):  # `split` may give fewer shares
            p = retired_profile if "离退休" in sub else profile
            if n >= 50 and kind == "committee":
                self.org_for(org, f"{base}{sub}", n, sector, p, rng, None, "", None, retired_profile, groups)
                continue
            suffix = "支部委员会" if n >= 7 else "党支部"
            b = self.add(
                org,
                f"中共{base}{sub}{suffix}",
                f"{sub}党支部",
                "branch",
                sector,
                people=n,
                profile=p,
                rng=rng,
            )
            self.groups(b, rng, groups)

    def _sub_names(self, subs, count, townships, rng) -> list[str]:
        """Names of `count` sub-branches: numbered (第一, 第二 …) without a department list; otherwise the
        departments (each at most once; with fewer names than `count` each department gets more members, and
        the big ones become general branches of their own)."""
        if not subs:
            names = [f"第{cn_ordinal(i)}" for i in range(1, count + 1)]
            if count >= 4 and rng.random() < 0.5:
                names[-1] = "离退休干部"
            return names
        towns = list(townships)
        rng.shuffle(towns)
        out = []
        for template in subs:
            if len(out) >= count:
                break
            if "{t}" in template:
                if not towns:
                    continue
                template = template.replace("{t}", towns.pop())
            if template not in out:
                out.append(template)
        return out if len(out) >= 2 else [f"第{cn_ordinal(i)}" for i in range(1, count + 1)]

    # ------------------------------------------------------------ the tree

    def build(self) -> Org:
        rng = self.rng("root")
        root = self.add(None, "中共山西省委员会", "山西省委", "committee", "", code="14", rng=rng)
        root.ctx, root.home, root.division_code = self.contexts[PROVINCE], "", PROVINCE
        self.root = root
        for city in children_of(PROVINCE):
            self.city(root, city)
        if self.scale.province_block:
            self.province_organs(root)
        self._finish()
        return root

    def city(self, root: Org, city: Division) -> None:
        rng = self.rng(city.code)
        org = self.add(
            root,
            f"中共{city.name}委员会",
            f"{city.name}委",
            "committee",
            "",
            code=city.code[:4],
            rng=rng,
            division_code=city.code,
        )
        org.ctx, org.home = self.contexts[city.code], ""
        if city.code in self.scale.counties:
            wanted = self.scale.counties[city.code]
            for county in children_of(city.code):
                if wanted is None or county.code in wanted:
                    self.county(org, county)
        if city.code in self.scale.city_blocks:
            self.city_organs(org, city)

    # ------------------------------------------------------------ county

    def county(self, city_org: Org, county: Division) -> None:
        rng = self.rng(county.code)
        c = county_full(county)
        zone = county.code.endswith("71")
        name = f"中共{c}工作委员会" if zone else f"中共{c}委员会"
        short = f"{county.name}党工委" if zone else f"{county.name}委"
        org = self.add(
            city_org, name, short, "committee", "", code=county.code, rng=rng, division_code=county.code
        )
        org.ctx = self.contexts[county.code]
        org.home = data.ZONE_HOME.get(county.code, county.code)
        townships = list(children_of(county.code))
        if self.scale.max_townships is not None:
            townships = townships[: self.scale.max_townships]
        communities = sum(1 for t in townships for v in children_of(t.code) if v.kind == "community")
        villages = sum(1 for t in townships for v in children_of(t.code) if v.kind == "village")
        town_names = [township_short(t.name) for t in townships if t.code[6] in "0123"]
        ctx = dict(
            c=c,
            cs=county_short(county),
            city=get_division(county.parent_code).name,
            county=county,
            towns=town_names,
            townships=townships,
            urban=communities / max(1, communities + villages),
            size=villages + 2.5 * communities,
        )
        for t in townships:
            self.township(org, county, t, ctx)
        self.county_organs(org, ctx)
        self.county_education(org, ctx)
        self.county_health(org, ctx)
        self.county_soes(org, ctx)
        self.county_nonpublic(org, ctx)
        self.county_social(org, ctx)

    def township(self, county_org: Org, county: Division, t: Division, ctx: dict) -> None:
        rng = self.rng(t.code)
        c = ctx["c"]
        band = t.code[6]
        if t.name.endswith("街道"):
            name, short, sector = f"中共{c}{t.name}工作委员会", f"{t.name}党工委", "community"
        elif t.name.endswith(("镇", "乡")):
            name, short, sector = f"中共{c}{t.name}委员会", f"{t.name}党委", "rural"
        else:
            label = t.name if t.name.startswith(("山西", ctx["city"][:2], ctx["cs"])) else c + t.name
            word = (
                "委员会"
                if t.name.endswith(("监狱", "戒毒所", "铝厂", "煤矿", "工矿区", "农场", "林场", "牧场"))
                else "工作委员会"
            )
            name, short, sector = (
                f"中共{label}{word}",
                f"{t.name}党{'委' if word == '委员会' else '工委'}",
                "other",
            )
        org = self.add(
            county_org, name, short, "committee", sector, code=t.code, rng=rng, division_code=t.code
        )
        kids = [
            v
            for v in children_of(t.code)
            if v.kind in ("village", "community") and not any(w in v.name for w in ("虚拟", "类似"))
        ]
        # Prisons, mines and plants listed as townships: the committee's branches are their departments.
        special = next(
            (
                k
                for w, k in (
                    ("监狱", "prison"),
                    ("戒毒所", "prison"),
                    ("铝厂", "plant"),
                    ("煤矿", "mine"),
                    ("工矿区", "mine"),
                )
                if w in t.name
            ),
            None,
        )
        if special:
            label = t.name if t.name.startswith(("山西", ctx["cs"])) else c + t.name
            sector = "government" if special == "prison" else "soe"
            org.sector = sector
            self.unit(org, label, sector, "11" if special == "prison" else "91", rng)
            self.fill(
                org,
                label,
                int(rng.uniform(120, 400)),
                sector,
                "police" if special == "prison" else "miner",
                rng,
                data.SUB_UNITS[special],
                retired_profile="retired_worker",
            )
            return
        # The township's own organs (党政机关 staff).
        if t.name.endswith("街道"):
            seat = f"{c}{t.name}办事处"
        elif t.name.endswith(("镇", "乡")):
            seat = f"{c}{t.name}人民政府"
        elif t.name.endswith(("区", "园区", "中心", "处")):
            label = t.name if t.name.startswith(("山西", ctx["city"][:2], ctx["cs"])) else c + t.name
            seat = label if label.endswith(("中心", "处", "委员会")) else label + "管理委员会"
        else:
            seat = t.name if t.name.startswith(("山西", ctx["city"][:2], ctx["cs"])) else c + t.name
        self.unit(org, seat, "government", "11", rng)
        staff = (
            int(rng.uniform(18, 45) * (1.3 if band in "12" else 1.0))
            if kids or band in "0123"
            else int(rng.uniform(8, 25))
        )
        self.org_for(org, f"{c}{t.name}", staff, "government", "township", rng, None, "机关")
        for v in kids:
            self.village(org, t, v, ctx)

    def village(self, town_org: Org, t: Division, v: Division, ctx: dict) -> None:
        rng = self.rng(v.code)
        community = v.kind == "community"
        sector = "community" if community else "rural"
        short = v.short_name
        if community:
            total = int(rng.lognormvariate(math.log(48), 0.55)) + 4
        else:
            total = int(rng.lognormvariate(math.log(42), 0.55)) + 6
        full = f"{ctx['c']}{t.name}{short}"
        profile = "community" if community else "village"
        if total < 50 or (total < 80 and rng.random() < 0.5):
            kind, name, sname = (
                "branch",
                f"中共{full}支部委员会" if total >= 7 else f"中共{full}党支部",
                f"{short}党支部",
            )
        elif total < 100:
            kind, name, sname = "general_branch", f"中共{full}总支部委员会", f"{short}党总支"
        else:
            kind, name, sname = "committee", f"中共{full}委员会", f"{short}党委"
        org = self.add(
            town_org,
            name,
            sname,
            kind,
            sector,
            code=v.code,
            rng=rng,
            division_code=v.code,
            people=total if kind == "branch" else 0,
            profile=profile,
        )
        self.unit(org, f"{short}{'居民委员会' if community else '村民委员会'}", sector, None, rng)
        if kind == "branch":
            self.groups(org, rng, 0.15)
            return
        count = max(2, round(total / rng.uniform(28, 42)))
        shares = split(total, count, rng, minimum=8)
        for i, n in enumerate(shares, 1):
            label = "老党员" if i == count and count >= 3 and rng.random() < 0.4 else f"第{cn_ordinal(i)}"
            b = self.add(
                org,
                f"中共{full}{label}支部委员会",
                f"{label}党支部",
                "branch",
                sector,
                people=n,
                profile=profile,
                rng=rng,
            )
            self.groups(b, rng, 0.15)

    def _size(self, base: int, ctx: dict, rng: random.Random, spread=0.25) -> int:
        """An agency's members: the template's size scaled by the county's size."""
        factor = 1.1 + min(1.8, ctx["size"] / 170)
        return max(3, int(base * factor * rng.uniform(1 - spread, 1 + spread)))

    def _fmt(self, template: str, ctx: dict) -> str:
        cs = ctx["cs"]
        if "{cs}中学校" in template and ctx["county"].name.endswith("区"):
            return template.replace("{cs}中学校", "{c}第一中学校").format(c=ctx["c"], cs=cs, city=ctx["city"])
        return template.format(c=ctx["c"], cs=cs, city=ctx["city"])

    def county_organs(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.organs")
        org = self.add(
            county_org, f"中共{c}直属机关工作委员会", "县直机关工委", "committee", "government", rng=rng
        )
        agencies = data.COUNTY_AGENCIES[: self.n(len(data.COUNTY_AGENCIES))]
        for template, size, sub in agencies:
            unit_name = self._fmt(template, ctx)
            r = self.rng(f"{county_org.code}:{template}")
            total = self._size(size, ctx, r)
            profile = "police" if sub == "police" else "government"
            o = self.org_for(
                org, unit_name, total, "government", profile, r, data.SUB_UNITS.get(sub), "机关", ctx["towns"]
            )
            self.unit(o, unit_name, "government", "11", r)
        # Retired cadres' branches and village work teams (temporary branches).
        for i in range(1, self.n(4 + int(ctx["size"] > 250) * 2) + 1):
            r = self.rng(f"{county_org.code}:retired{i}")
            self.add(
                org,
                f"中共{c}直属机关离退休干部第{cn_ordinal(i)}支部委员会",
                f"离退休干部第{cn_ordinal(i)}党支部",
                "branch",
                "government",
                people=int(r.uniform(25, 48)),
                profile="retired",
                rng=r,
            )
            self.groups(org.children[-1], r, 0.7)
        r = self.rng(f"{county_org.code}:teams")
        villages = [v for t in ctx["townships"] for v in children_of(t.code) if v.kind == "village"]
        for v in r.sample(villages, min(len(villages), self.n(3))):
            t = get_division(v.parent_code)
            self.add(
                org,
                f"中共{c}驻{t.name}{v.short_name}工作队临时支部委员会",
                f"驻{v.short_name}工作队临时党支部",
                "branch",
                "government",
                people=r.randint(3, 5),
                profile="government",
                rng=r,
                is_temporary=True,
            )

    def county_education(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.edu")
        org = self.add(county_org, f"中共{c}教育局委员会", "县教育局党委", "committee", "school", rng=rng)
        o = self.org_for(
            org, f"{c}教育局", self._size(22, ctx, rng), "government", "government", rng, None, "机关"
        )
        self.unit(o, f"{c}教育局", "government", "11", rng)
        schools = list(data.COUNTY_SCHOOLS)
        if ctx["urban"] > 0.4:
            schools += data.URBAN_EXTRA_SCHOOLS
        for template, size, sub in schools[: self.n(len(schools))]:
            name = self._fmt(template, ctx)
            r = self.rng(f"{county_org.code}:{template}")
            o = self.org_for(
                org,
                name,
                self._size(size * 1.2, ctx, r, 0.3),
                "school",
                "teacher",
                r,
                data.SUB_UNITS.get(sub),
                retired_profile="retired",
            )
            self.unit(o, name, "school", "12", r)
        towns = [t for t in ctx["townships"] if t.name.endswith(("镇", "乡"))]
        for t in towns[: self.n(len(towns))]:
            for kind, size in (("初级中学", 22), ("中心学校", 20)):
                name = f"{c}{t.name}{kind}"
                r = self.rng(f"{t.code}:{kind}")
                o = self.org_for(org, name, max(3, int(size * r.uniform(0.5, 1.5))), "school", "teacher", r)
                self.unit(o, name, "school", "12", r)
        r = self.rng(f"{county_org.code}:edu-retired")
        for i in range(1, self.n(3) + 1):
            self.add(
                org,
                f"中共{c}教育系统离退休教师第{cn_ordinal(i)}支部委员会",
                f"离退休教师第{cn_ordinal(i)}党支部",
                "branch",
                "school",
                people=int(r.uniform(35, 49)),
                profile="retired",
                rng=r,
            )
            self.groups(org.children[-1], r, 0.6)

    def county_health(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.health")
        org = self.add(
            county_org, f"中共{c}卫生健康系统委员会", "县卫健系统党委", "committee", "institution", rng=rng
        )
        for template, size, sub in data.COUNTY_HEALTH[: self.n(len(data.COUNTY_HEALTH))]:
            name = self._fmt(template, ctx)
            r = self.rng(f"{county_org.code}:{template}")
            sector = "government" if name.endswith("局机关") else "institution"
            o = self.org_for(
                org,
                name.removesuffix("机关"),
                self._size(size * 1.3, ctx, r),
                sector,
                "government" if sector == "government" else "medical",
                r,
                data.SUB_UNITS.get(sub),
                "机关" if sector == "government" else "",
            )
            self.unit(o, name.removesuffix("机关"), sector, "11" if sector == "government" else "12", r)
        towns = ctx["townships"]
        for t in towns[: self.n(len(towns))]:
            kind = (
                "社区卫生服务中心"
                if t.name.endswith("街道")
                else "卫生院"
                if t.name.endswith(("镇", "乡"))
                else None
            )
            if kind is None:
                continue
            name = f"{c}{t.name}{kind}"
            r = self.rng(f"{t.code}:{kind}")
            o = self.org_for(org, name, r.randint(4, 22), "institution", "medical", r)
            self.unit(o, name, "institution", "12", r)

    def county_soes(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.soe")
        org = self.add(county_org, f"中共{c}国有企业委员会", "县国有企业党委", "committee", "soe", rng=rng)
        for template, size, sub in data.COUNTY_SOES[: self.n(len(data.COUNTY_SOES))]:
            name = self._fmt(template, ctx)
            r = self.rng(f"{county_org.code}:{template}")
            o = self.org_for(
                org,
                name,
                self._size(size * 1.5, ctx, r, 0.4),
                "soe",
                "soe",
                r,
                data.SUB_UNITS.get(sub),
                retired_profile="retired_worker",
            )
            self.unit(o, name, "soe", "91", r)

    def _company(self, r: random.Random, ctx: dict, key: str) -> tuple[str, str | None]:
        """A plausible private company name and its sub-unit kind."""
        fake = self.faker(key)
        brand = fake.company_prefix() if r.random() < 0.25 else ""
        if len(brand) != 2 or not brand.isalpha():
            brand = "".join(r.sample(data.BRAND_CHARS, 2))
        local = data.SPECIALITIES.get(ctx["county"].code)
        if local and r.random() < 0.25:
            industry, sub = r.choice(local), None
        else:
            industry, _, sub = _INDUSTRY(r)
        form = _FORM(r)
        local_name = ctx["cs"] if len(ctx["cs"]) > 2 or not ctx["county"].name.endswith("区") else ctx["city"]
        where = r.choice(("山西", ctx["city"], local_name, local_name))
        return f"{where}{brand}{industry}{form}", sub

    def county_nonpublic(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.private")
        org = self.add(
            county_org,
            f"中共{c}非公有制经济组织委员会",
            "县非公经济组织党委",
            "committee",
            "private",
            rng=rng,
        )
        count = self.n(int(30 + ctx["size"] * 0.32 + 90 * ctx["urban"]))
        seen = set()
        for i in range(count):
            r = self.rng(f"{county_org.code}:company{i}")
            name, sub = self._company(r, ctx, f"{county_org.code}:company{i}")
            if name in seen:
                continue
            seen.add(name)
            total = max(3, int(r.lognormvariate(math.log(12), 0.8)))
            if sub is None:
                total = min(total, 49)
            o = self.org_for(
                org,
                name,
                total,
                "private",
                "private",
                r,
                data.SUB_UNITS.get(sub) if sub else None,
                retired_profile="retired_worker",
                groups=0.3,
            )
            self.unit(o, name, "private", "91", r)
            if r.random() < 0.015:  # a closed company whose branch was dissolved
                o.status, o.dissolved_on = "dissolved", self.as_of - dt.timedelta(days=r.randrange(30, 2000))
                clear_people(o)
        # Joint branches for the small firms of each township.
        towns = [t for t in ctx["townships"] if t.code[6] in "0123"]
        for t in towns[: self.n(len(towns))]:
            r = self.rng(f"{t.code}:joint")
            if r.random() < 0.6:
                self.add(
                    org,
                    f"中共{c}{t.name}非公有制企业联合支部委员会",
                    f"{t.name}非公企业联合党支部",
                    "branch",
                    "private",
                    people=r.randint(5, 18),
                    profile="private",
                    rng=r,
                    is_joint=True,
                )

    def county_social(self, county_org: Org, ctx: dict) -> None:
        c = ctx["c"]
        rng = self.rng(f"{county_org.code}.social")
        org = self.add(county_org, f"中共{c}社会组织委员会", "县社会组织党委", "committee", "social", rng=rng)
        kinds = Choice([(t, w) for t, w in data.SOCIAL_KINDS])
        seen = set()
        for i in range(self.n(int(6 + ctx["size"] * 0.06 + 12 * ctx["urban"]))):
            r = self.rng(f"{county_org.code}:social{i}")
            brand = "".join(r.sample(data.BRAND_CHARS, 2))
            template = kinds(r)
            name = template.format(c=c, b=brand)
            if name in seen:
                continue
            seen.add(name)
            o = self.org_for(org, name, r.randint(3, 16), "social", "social", r)
            prefix = (
                "52" if ("学校" in name or "中心" in name or "幼儿园" in name or "医院" in name) else "51"
            )
            if "事务所" in name:
                prefix = "31" if "律师" in name else "91"
            self.unit(o, name, "social", prefix, r)
        r = self.rng(f"{county_org.code}:social-joint")
        self.add(
            org,
            f"中共{c}社会组织联合支部委员会",
            "社会组织联合党支部",
            "branch",
            "social",
            people=r.randint(6, 15),
            profile="social",
            rng=r,
            is_joint=True,
        )

    # ------------------------------------------------------------ city

    def city_organs(self, city_org: Org, city: Division) -> None:
        name = city.name
        ctx = dict(c=name, cs=name[:-1], city=name, county=city, towns=[], townships=[], urban=1.0, size=230)
        rng = self.rng(f"{city_org.code}.organs")
        org = self.add(
            city_org, f"中共{name}直属机关工作委员会", "市直机关工委", "committee", "government", rng=rng
        )
        for template, size in data.CITY_AGENCIES[: self.n(len(data.CITY_AGENCIES))]:
            unit_name = template.format(city=name)
            r = self.rng(f"{city_org.code}:{template}")
            profile = "police" if "公安" in template else "government"
            total = max(5, int(size * 1.3 * r.uniform(0.75, 1.25)))
            o = self.org_for(org, unit_name, total, "government", profile, r, None, "机关")
            self.unit(o, unit_name, "government", "11", r)
        for i in range(1, self.n(4) + 1):
            r = self.rng(f"{city_org.code}:retired{i}")
            self.add(
                org,
                f"中共{name}直属机关离退休干部第{cn_ordinal(i)}支部委员会",
                f"离退休干部第{cn_ordinal(i)}党支部",
                "branch",
                "government",
                people=int(r.uniform(30, 49)),
                profile="retired",
                rng=r,
            )
            self.groups(org.children[-1], r, 0.8)

        rng = self.rng(f"{city_org.code}.edu")
        org = self.add(city_org, f"中共{name}教育局委员会", "市教育局党委", "committee", "school", rng=rng)
        for template, size, sub in data.CITY_SCHOOLS[: self.n(len(data.CITY_SCHOOLS))]:
            unit_name = template.format(city=name)
            r = self.rng(f"{city_org.code}:{template}")
            o = self.org_for(
                org,
                unit_name,
                max(5, int(size * r.uniform(0.7, 1.3))),
                "school",
                "teacher",
                r,
                data.SUB_UNITS.get(sub),
            )
            self.unit(o, unit_name, "school", "12", r)

        rng = self.rng(f"{city_org.code}.health")
        org = self.add(
            city_org, f"中共{name}卫生健康系统委员会", "市卫健系统党委", "committee", "institution", rng=rng
        )
        for template, size, sub in data.CITY_HEALTH[: self.n(len(data.CITY_HEALTH))]:
            unit_name = template.format(city=name)
            r = self.rng(f"{city_org.code}:{template}")
            o = self.org_for(
                org,
                unit_name,
                max(5, int(size * 1.4 * r.uniform(0.7, 1.3))),
                "institution",
                "medical",
                r,
                data.SUB_UNITS.get(sub),
            )
            self.unit(o, unit_name, "institution", "12", r)

        rng = self.rng(f"{city_org.code}.soe")
        org = self.add(city_org, f"中共{name}国资委委员会", "市国资委党委", "committee", "soe", rng=rng)
        for template, size, sub in data.CITY_SOES[: self.n(len(data.CITY_SOES))]:
            unit_name = template.format(city=name)
            r = self.rng(f"{city_org.code}:{template}")
            profile = "soe"
            o = self.org_for(
                org,
                unit_name,
                max(5, int(size * 1.6 * r.uniform(0.7, 1.3))),
                "soe",
                profile,
                r,
                data.SUB_UNITS.get(sub),
                retired_profile="retired_worker",
            )
            self.unit(o, unit_name, "soe", "91", r)

        rng = self.rng(f"{city_org.code}.private")
        org = self.add(
            city_org,
            f"中共{name}非公有制经济组织委员会",
            "市非公经济组织党委",
            "committee",
            "private",
            rng=rng,
        )
        seen = set()
        for i in range(self.n(70)):
            r = self.rng(f"{city_org.code}:company{i}")
            cname, sub = self._company(r, ctx, f"{city_org.code}:company{i}")
            if cname in seen:
                continue
            seen.add(cname)
            total = max(3, int(r.lognormvariate(math.log(14), 0.9)))
            if sub is None:
                total = min(total, 49)
            o = self.org_for(
                org,
                cname,
                total,
                "private",
                "private",
                r,
                data.SUB_UNITS.get(sub) if sub else None,
                retired_profile="retired_worker",
                groups=0.3,
            )
            self.unit(o, cname, "private", "91", r)

        rng = self.rng(f"{city_org.code}.social")
        org = self.add(
            city_org, f"中共{name}社会组织委员会", "市社会组织党委", "committee", "social", rng=rng
        )
        kinds = Choice([(t, w) for t, w in data.SOCIAL_KINDS])
        seen = set()
        for i in range(self.n(24)):
            r = self.rng(f"{city_org.code}:social{i}")
            brand = "".join(r.sample(data.BRAND_CHARS, 2))
            sname = kinds(r).format(c=name, b=brand)
            if sname in seen:
                continue
            seen.add(sname)
            o = self.org_for(org, sname, r.randint(3, 30), "social", "social", r)
            self.unit(o, sname, "social", "31" if "事务所" in sname else "51", r)

        limit = self.scale.universities
        for uname, colleges in data.UNIVERSITIES.get(city.code, ())[:limit]:
            self.university(city_org, uname, colleges)
        for sname, subs in data.BIG_SOES.get(city.code, ())[:limit]:
            self.big_soe(city_org, sname, subs)

    def university(self, city_org: Org, uname: str, colleges: tuple[str, ...]) -> None:
        rng = self.rng(f"{city_org.code}:{uname}")
        uni = self.add(city_org, f"中共{uname}委员会", f"{uname}党委", "committee", "school", rng=rng)
        self.unit(uni, uname, "school", "12", rng)
        big = len(colleges) >= 10
        self.org_for(
            uni,
            f"{uname}机关",
            int(rng.uniform(150, 260) if big else rng.uniform(60, 120)),
            "school",
            "government",
            rng,
            (
                "党委办公室",
                "校长办公室",
                "组织部",
                "宣传部",
                "学生工作部",
                "教务处",
                "科学技术处",
                "人事处",
                "财务处",
                "后勤管理处",
                "图书馆",
                "国际交流与合作处",
            ),
            "",
        )
        for college in colleges[: self.n(len(colleges))]:
            r = self.rng(f"{city_org.code}:{uname}:{college}")
            faculty = int((r.uniform(50, 130) if big else r.uniform(20, 60)) * self.scale.density)
            students = int((r.uniform(400, 900) if big else r.uniform(120, 320)) * self.scale.density)
            total = faculty + students
            kind, suffix, short = (
                ("committee", "委员会", "党委")
                if total >= 100
                else ("general_branch", "总支部委员会", "党总支")
            )
            col = self.add(uni, f"中共{uname}{college}{suffix}", f"{college}{short}", kind, "school", rng=r)
            for label, n, profile in (
                ("教工", faculty, "faculty"),
                ("本科生", int(students * 0.7), "student"),
                ("研究生", students - int(students * 0.7), "student"),
            ):
                if n < 3:
                    continue
                parts = split(n, max(1, round(n / r.uniform(20, 35))), r, minimum=3)
                for i, m in enumerate(parts, 1):
                    b = self.add(
                        col,
                        f"中共{uname}{college}{label}第{cn_ordinal(i)}支部委员会",
                        f"{label}第{cn_ordinal(i)}党支部",
                        "branch",
                        "school",
                        people=m,
                        profile=profile,
                        rng=r,
                    )
                    if profile == "faculty":
                        self.groups(b, r, 0.3)
        r = self.rng(f"{city_org.code}:{uname}:retired")
        self.org_for(
            uni,
            f"{uname}离退休",
            int(r.uniform(60, 180) if big else r.uniform(20, 60)),
            "school",
            "retired",
            r,
            None,
            "",
        )

    def big_soe(self, city_org: Org, sname: str, subs) -> None:
        rng = self.rng(f"{city_org.code}:{sname}")
        group = self.add(city_org, f"中共{sname}委员会", f"{sname}党委", "committee", "soe", rng=rng)
        self.unit(group, sname, "soe", "91", rng)
        self.org_for(group, f"{sname}机关", int(rng.uniform(80, 160)), "soe", "soe", rng, None, "")
        for sub_name, kind in subs[: self.n(len(subs))]:
            r = self.rng(f"{city_org.code}:{sname}:{sub_name}")
            profile = "miner" if kind == "mine" else "soe"
            total = int(r.uniform(3000, 6000) * self.scale.density)
            o = self.org_for(
                group,
                sub_name,
                total,
                "soe",
                profile,
                r,
                data.SUB_UNITS[kind],
                retired_profile="retired_worker",
                groups=0.7,
            )
            self.unit(o, sub_name, "soe", "91", r)

    # ------------------------------------------------------------ province

    def province_organs(self, root: Org) -> None:
        rng = self.rng("14.organs")
        org = self.add(
            root, "中共山西省直属机关工作委员会", "省直机关工委", "committee", "government", rng=rng
        )
        for agency, size in data.PROVINCE_AGENCIES[: self.n(len(data.PROVINCE_AGENCIES))]:
            r = self.rng(f"14:{agency}")
            profile = "police" if "公安" in agency else "government"
            o = self.org_for(
                org,
                agency,
                max(10, int(size * r.uniform(0.8, 1.2))),
                "government",
                profile,
                r,
                data.PROVINCE_OFFICES,
                "机关",
            )
            self.unit(o, agency, "government", "11", r)

    # ------------------------------------------------------------ finishing

    def _finish(self) -> None:
        """Paths in DFS order (treebeard's layout), ids in the same order, unit ids."""
        orgs = self.orgs
        orgs.clear()
        stack = [(self.root, "0001")]
        while stack:
            org, path = stack.pop()
            org.path = path
            org.id = len(orgs) + 1
            orgs.append(org)
            for i in range(len(org.children), 0, -1):
                stack.append((org.children[i - 1], path + _step(i)))
        for i, u in enumerate(self.units, 1):
            u.id = i

    # ------------------------------------------------------------ people

    def totals(self) -> tuple[int, int, int]:
        return len(self.orgs), len(self.units), sum(o.people for o in self.orgs)

    def people_rows(self, now: str, first_id: int = 1):
        """One tuple per person (columns: PERSON_COLUMNS), organization by organization in path order."""
        pid = first_id
        current: Context | None = None
        finished = set()
        self.births = array("i")
        for org in self.orgs:
            if not org.people:
                continue
            ctx = org.ctx
            if ctx is not current:
                if current is not None:
                    current.reset()
                    finished.add(current.key)
                if ctx.key in finished:
                    raise RuntimeError(f"context {ctx.key} revisited: people are not contiguous")
                current = ctx
            yield from self._people_of(org, ctx, pid, now)
            pid += org.people
        if current is not None:
            current.reset()

    def _people_of(self, org: Org, ctx: Context, pid: int, now: str):
        rng = self.rng(f"p:{org.code}")
        profile = PROFILES[org.profile]
        choose_age = self._ages.get(org.profile)
        if choose_age is None:
            choose_age = self._ages[org.profile] = profile.choose_age(self.as_of)
        home = org.home
        city = ctx.city
        path, org_id = org.path, org.id
        as_of_ord = self.as_of.toordinal()
        births = self.births
        for i in range(org.people):
            male = 1 if rng.random() < profile.male else 0
            oldest, newest = choose_age(rng)
            birth_ord = rng.randint(oldest, newest)
            area = self._birth_area(rng, profile, home, city)
            seq = ctx.seq(area, birth_ord, male)
            while seq is None:  # that day's numbers are used up here: be born a day earlier
                birth_ord -= 1
                seq = ctx.seq(area, birth_ord, male)
            birth = dt.date.fromordinal(birth_ord)
            births.append(birth_ord * 2 + male)
            number = idnumber.make_id_number(area, birth, seq)
            gen = generation(birth.year)
            sex = "1" if male else "2"
            name = person_name(rng, sex, gen)
            born = place_text(area)
            native = born if rng.random() < 0.85 else place_text(self._birth_area(rng, profile, home, city))
            edu = profile.choose_edu[gen](rng)
            age = (as_of_ord - birth_ord) // 365
            phone = (
                "" if age > 78 and rng.random() < 0.25 else f"{PHONE(rng)}{rng.randrange(100_000_000):08d}"
            )
            keys = names.name_keys(name)
            sealed_id, sealed_phone, id_hash, tail4, tail6 = stored_pii(number, phone)
            yield (
                pid + i,
                path,
                name,
                sex,
                ETHNICITY(rng),
                birth.isoformat(),
                sealed_id,
                native,
                born,
                edu,
                sealed_phone,
                "",
                id_hash,
                tail4,
                tail6,
                keys[0],
                keys[1],
                keys[2],
                keys[3],
                now,
                now,
                org_id,
            )

    def _birth_area(self, rng: random.Random, profile: Profile, home: str, city: str) -> str:
        r = rng.random()
        if home:
            if r < profile.native:
                return home
            r = (r - profile.native) / (1 - profile.native)
            if r < profile.outside:
                return OUTSIDE(rng)
            return rng.choice(self._counties_of_city[home[:4] + "00"] if r < 0.6 else self._all_counties)
        if city:
            if r < profile.native:
                return rng.choice(self._counties_of_city[city])
            r = (r - profile.native) / (1 - profile.native)
            return OUTSIDE(rng) if r < profile.outside else rng.choice(self._all_counties)
        return OUTSIDE(rng) if r < profile.outside / 2 else rng.choice(self._all_counties)


PERSON_COLUMNS = (
    "id",
    "org_path",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "native_place",
    "birthplace",
    "education",
    "phone",
    "photo",
    "id_hash",
    "id_tail4",
    "id_tail6",
    "name_pinyin",
    "name_initials",
    "pinyin_key",
    "stroke_key",
    "created_at",
    "updated_at",
    "organization_id",
)

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Party organizations in private firms and social organizations are recent.
_FOUNDED_FLOOR = {"private": dt.date(2000, 1, 1), "social": dt.date(2005, 1, 1)}


def _step(i: int) -> str:
    """Treebeard's 4-character step for the i-th child (1 → 0001, 36 → 0010)."""
    out = ""
    while i:
        i, r = divmod(i, 36)
        out = _ALPHABET[r] + out
    if len(out) > 4:
        raise OverflowError("more than 1,679,615 children")
    return out.rjust(4, "0")


_INDUSTRY = Choice([((name, w, sub), w) for name, w, sub in data.INDUSTRIES])
_FORM = Choice(data.COMPANY_FORMS)


def split(total: int, parts: int, rng: random.Random, minimum: int = 3) -> list[int]:
    """Split `total` into `parts` positive shares of at least `minimum` (fewer parts if total is small)."""
    parts = max(1, min(parts, total // max(1, minimum)))
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    rest = total - minimum * parts
    s = sum(weights)
    shares = [minimum + int(rest * w / s) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def set_unit(org: Org, unit: Unit) -> None:
    """Attach an organization and the sub-organizations that inherited its unit to `unit`."""
    previous = org.unit
    stack = [org]
    while stack:
        o = stack.pop()
        if o is org or o.unit is previous:
            o.unit = unit
            stack.extend(o.children)


def clear_people(org: Org) -> None:
    """A dissolved organization keeps no people (they moved on with their transfers)."""
    stack = [org]
    while stack:
        o = stack.pop()
        o.people = 0
        if o is not org:
            o.status, o.dissolved_on = "dissolved", org.dissolved_on
        stack.extend(o.children)
