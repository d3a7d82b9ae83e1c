"""The count of an online 民主测评 (democratic evaluation): plain Python over plain data, no database, no HTTP.

Grades are levels 1 (top) … 4 (bottom) on either scale: a team's 好/较好/一般/较差, a leader's
优秀/称职/基本称职/不称职. The rules come from a configuration row (`BallotRules`) as a `TallyRules`:

- **Void ballots.** A ballot is void (for every subject on it) when it gives the top grade to more leaders than
  the cap allows (`top_cap`: a share of the leaders on the ballot, at least 1), or, with `uniform_void`, when it
  gives every leader the same grade and there are at least `uniform_min` leaders.
- **Per-class average.** The valid marks of a subject in one voter class, turned into points (`points`, top to
  bottom); with more than `trim_over` marks, the `trim_each` highest and lowest are dropped (trimmed mean).
- **Weighted score.** Σ weight × class average / Σ weight over the classes that have at least one valid mark:
  the weights are renormalized over the classes that voted. A class with no ballots is left out, never counted
  as zero (counting it as zero scores every subject down by that class's weight).
- **Flags.** Bottom-grade votes over `fail_share` of the subject's valid votes; top-two grades under
  `pass_share` (for 诫勉 or 调整). Shares are exact fractions (1/3 is 1/3, not 0.3333).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

TEAM, LEADER = "team", "leader"
LEVELS = (1, 2, 3, 4)
SCALES = {TEAM: ("好", "较好", "一般", "较差"), LEADER: ("优秀", "称职", "基本称职", "不称职")}
SHARE_WORDS = {Fraction(1, 2): "二分之一", Fraction(1, 3): "三分之一", Fraction(2, 3): "三分之二",
               Fraction(1, 4): "四分之一", Fraction(3, 4): "四分之三", Fraction(1, 5): "五分之一"}

FAIL, LOW = "fail", "low"


def grade_label(kind: str, level: int) -> str:
    return SCALES[kind][level - 1]


def parse_share(text) -> Fraction:
    """A share as people write it: "1/3", "0.2", "20%" (also Fraction, Decimal, int, float) → an exact fraction
    in [0, 1]. A wrong text raises ValueError with a Chinese message."""
    if isinstance(text, Fraction):
        value = text
    elif isinstance(text, (int, Decimal)):
        value = Fraction(text)
    elif isinstance(text, float):
        value = Fraction(str(text))
    else:
        raw = str(text or "").strip().replace("／", "/").replace("％", "%")
        try:
            if raw.endswith("%"):
                value = Fraction(Decimal(raw[:-1].strip())) / 100
            elif "/" in raw:
                num, _, den = raw.partition("/")
                value = Fraction(int(num.strip()), int(den.strip()))
            else:
                value = Fraction(Decimal(raw))
        except (ValueError, ArithmeticError, ZeroDivisionError):
            raise ValueError(f"“{raw}”不是比例，请写成 1/3、0.2 或 20%") from None
    if not 0 <= value <= 1:
        raise ValueError(f"比例应在 0 到 1 之间，现为 {share_text(value)}")
    return value


def share_text(share: Fraction) -> str:
    """三分之一, 二分之一 … or a percentage."""
    if share in SHARE_WORDS:
        return SHARE_WORDS[share]
    return f"{float(share) * 100:.4g}%"


def percent(num: int, den: int) -> str:
    return f"{num * 100 / den:.1f}%" if den else "—"


@dataclass(frozen=True)
class TallyRules:
    top_cap: Fraction | None = Fraction(1, 3)  # None or 0: no cap
    uniform_void: bool = True
    uniform_min: int = 3
    trim_over: int = 10                         # 0: never trimmed
    trim_each: int = 1
    points: tuple[float, float, float, float] = (100, 80, 60, 0)
    fail_share: Fraction = Fraction(1, 3)
    pass_share: Fraction = Fraction(2, 3)

    def cap(self, leaders: int) -> int | None:
        """How many leaders one ballot may give the top grade (None: no cap)."""
        if not self.top_cap or not leaders:
            return None
        return max(1, math.floor(leaders * self.top_cap))


@dataclass(frozen=True)
class Subject:
    id: int
    kind: str  # TEAM or LEADER
    name: str = ""


@dataclass(frozen=True)
class Ballot:
    voter_class: int
    marks: Mapping[int, int]  # subject id → level 1..4


@dataclass
class ClassResult:
    id: int
    name: str
    weight: Decimal
    marks: int = 0                # valid marks of the subject in this class
    average: float | None = None  # None: nobody of this class voted validly
    trimmed: int = 0              # marks dropped at each end

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "weight": str(self.weight), "marks": self.marks,
                "average": self.average, "trimmed": self.trimmed}


@dataclass
class SubjectResult:
    subject: int
    kind: str
    counted: int = 0  # valid ballots that grade the subject
    void: int = 0     # void ballots that grade it
    votes: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    classes: list[ClassResult] = field(default_factory=list)
    score: float | None = None
    flags: list[dict] = field(default_factory=list)  # {"code": FAIL|LOW, "text": …}

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "kind": self.kind, "counted": self.counted, "void": self.void,
                "votes": {str(k): v for k, v in self.votes.items()}, "score": self.score, "flags": self.flags,
                "classes": [c.as_dict() for c in self.classes]}


def void_reason(marks: Mapping[int, int], leaders: list[int], rules: TallyRules) -> str:
    """Why a ballot is void ("" when it is valid)."""
    given = [marks[s] for s in leaders if s in marks]
    cap = rules.cap(len(leaders))
    tops = sum(1 for g in given if g == 1)
    if cap is not None and tops > cap:
        return f"“优秀”{tops} 人，超过每张票限评 {cap} 人"
    if rules.uniform_void and len(given) >= max(rules.uniform_min, 2) and len(set(given)) == 1:
        return f"对 {len(given)} 名领导干部的评价完全相同（均为“{grade_label(LEADER, given[0])}”）"
    return ""


def trimmed_mean(values: list[float], over: int, each: int) -> tuple[float | None, int]:
    """The mean of `values`, dropping the `each` highest and lowest when there are more than `over` of them
    (and enough left); returns (mean, dropped at each end)."""
    if not values:
        return None, 0
    values = sorted(values)
    drop = each if over and each > 0 and len(values) > over and len(values) > 2 * each else 0
    kept = values[drop:len(values) - drop] if drop else values
    return sum(kept) / len(kept), drop


def weighted(classes: Iterable[ClassResult]) -> float | None:
    """Σ weight × average / Σ weight over the classes with an average (renormalized weights)."""
    voted = [c for c in classes if c.average is not None]
    total = sum((c.weight for c in voted), Decimal(0))
    if not voted or total <= 0:
        return None
    return sum(float(c.weight) * c.average for c in voted) / float(total)


def flags_of(result: SubjectResult, rules: TallyRules) -> list[dict]:
    n = result.counted
    if not n:
        return []
    labels = SCALES[result.kind]
    out = []
    bottom = result.votes[4]
    if Fraction(bottom, n) > rules.fail_share:
        out.append({"code": FAIL, "text": f"“{labels[3]}”票 {bottom} 张，占 {percent(bottom, n)}，"
                                          f"超过{share_text(rules.fail_share)}"})
    top_two = result.votes[1] + result.votes[2]
    if Fraction(top_two, n) < rules.pass_share:
        out.append({"code": LOW, "text": f"“{labels[0]}”“{labels[1]}”票合计 {top_two} 张，占 {percent(top_two, n)}，"
                                         f"不足{share_text(rules.pass_share)}，应予诫勉或调整"})
    return out


def tally(subjects: list[Subject], classes: Mapping[int, tuple[str, Decimal]], ballots: Iterable[Ballot],
          rules: TallyRules) -> tuple[dict[int, SubjectResult], dict]:
    """Count the ballots: per subject its result, and the round's totals {ballots, void, void_reasons,
    per_class: {class id: ballots}}."""
    leaders = [s.id for s in subjects if s.kind == LEADER]
    results = {s.id: SubjectResult(subject=s.id, kind=s.kind) for s in subjects}
    points: dict[tuple[int, int], list[float]] = {}
    totals = {"ballots": 0, "void": 0, "void_reasons": {}, "per_class": dict.fromkeys(classes, 0)}
    for ballot in ballots:
        totals["ballots"] += 1
        totals["per_class"][ballot.voter_class] = totals["per_class"].get(ballot.voter_class, 0) + 1
        reason = void_reason(ballot.marks, leaders, rules)
        if reason:
            totals["void"] += 1
            totals["void_reasons"][reason] = totals["void_reasons"].get(reason, 0) + 1
        for sid, level in ballot.marks.items():
            result = results.get(sid)
            if result is None or level not in LEVELS:
                continue
            if reason:
                result.void += 1
                continue
            result.counted += 1
            result.votes[level] += 1
            points.setdefault((sid, ballot.voter_class), []).append(float(rules.points[level - 1]))
    for sid, result in results.items():
        for cid, (name, weight) in classes.items():
            values = points.get((sid, cid), [])
            average, dropped = trimmed_mean(values, rules.trim_over, rules.trim_each)
            result.classes.append(ClassResult(cid, name, Decimal(weight), len(values), average, dropped))
        result.score = weighted(result.classes)
        result.flags = flags_of(result, rules)
    return results, totals
