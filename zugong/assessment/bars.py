"""The bars a person's records put on an annual grade (practice.md §3.2, the sanctions → grade table), judged
set-based for a year: the interface the annual assessment (individual area) reads; the sanctions area fills it.

`bars_for(year, person_ids)` → {person_id: [Bar, …]} for the people with at least one bar in that year, heaviest
first. A Bar's `effect` is one of EFFECTS (lightest to heaviest):
- NOT_EXCELLENT: may not be 优秀 (诫勉, 调整职务, 警告…)
- COMMENTS_ONLY: comments only, no grade (党内严重警告, 政务记过…; also probationers — decided by the annual area)
- NO_GRADE: no grade (记大过/降级/撤职, later-year effects, 责令辞职/免职/降职)
- PENDING: under investigation: takes part, the grade waits until the case closes
- FORCED_FAIL: the grade is 不称职 (不合格 for 事业单位): 撤销党内职务, 留党察看, 开除党籍
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

NOT_EXCELLENT = "not_excellent"
COMMENTS_ONLY = "comments_only"
NO_GRADE = "no_grade"
PENDING = "pending"
FORCED_FAIL = "forced_fail"
EFFECTS = (NOT_EXCELLENT, COMMENTS_ONLY, NO_GRADE, PENDING, FORCED_FAIL)
EFFECT_LABELS = {NOT_EXCELLENT: "不得评为优秀", COMMENTS_ONLY: "只写评语、不定等次", NO_GRADE: "不参加年度考核定等次",
                 PENDING: "参加考核、暂不定等次", FORCED_FAIL: "定为不称职（不合格）"}


@dataclass(frozen=True)
class Bar:
    person_id: int
    effect: str          # one of EFFECTS
    reason: str          # Chinese, e.g. “2026年3月5日受党内警告处分（当年不得评为优秀）”
    citation: str        # regulation + article, or rules.UNVERIFIED_ARTICLE
    evidence: str        # the record's label ("assessment.sanction")
    evidence_pk: int     # and primary key: the result page links to it
    year: int = 0        # the assessment year the bar is on (0: not said)


def bars_for(year: int, person_ids: Iterable[int] | None = None) -> dict[int, list[Bar]]:
    """The bars on `year`'s annual grade of the given people (all people when None), heaviest first.

    Three queries whatever the number of people: the table's rows in force (`SanctionEffect`), the sanctions
    whose decision or period of effect can reach `year`, the investigations open at the end of `year` (or
    closed since). A long list of ids is matched in Python against the year's sanctions (a province's year
    holds a few thousand), a short one in SQL."""
    from django.db.models import Q

    from .models import Investigation, Sanction

    wanted = None if person_ids is None else set(person_ids)
    if wanted is not None and not wanted:
        return {}
    table = effect_table()
    reach = max((max(r.later_years, -(-r.period_months // 12)) for rows in table.values() for r in rows),
                default=0)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sanctions = (Sanction.objects.unrestricted()
                 .filter(decided_on__lte=last)
                 .filter(Q(decided_on__gte=dt.date(year - reach, 1, 1)) | Q(effective_until__gte=first)))
    investigations = (Investigation.objects.unrestricted().filter(opened_on__lte=last)
                      .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=last)))
    if wanted is not None and len(wanted) <= IN_SQL:
        sanctions = sanctions.filter(person_id__in=wanted)
        investigations = investigations.filter(person_id__in=wanted)
    out: dict[int, list[Bar]] = {}
    for s in sanctions.values("pk", "person_id", "kind", "decided_on", "effective_until", "person__org_path"):
        if wanted is not None and s["person_id"] not in wanted:
            continue
        row = effect_for(table, s["kind"], s["person__org_path"])
        for bar in sanction_bars(s, row, year):
            out.setdefault(bar.person_id, []).append(bar)
    for i in investigations.values("pk", "person_id", "opened_on", "closed_on", "outcome", "sanction__kind",
                                   "sanction__decided_on", "person__org_path"):
        if wanted is not None and i["person_id"] not in wanted:
            continue
        bar = investigation_bar(i, table, year)
        if bar is not None:
            out.setdefault(bar.person_id, []).append(bar)
    for bars in out.values():
        bars.sort(key=lambda b: -EFFECTS.index(b.effect))
    return {pid: bars for pid, bars in out.items() if bars}


def heaviest(bars: Iterable[Bar]) -> Bar | None:
    """The bar that rules when several coincide (practice.md §3.2: apply the heaviest)."""
    return max(bars, key=lambda b: EFFECTS.index(b.effect), default=None)


# ---------------------------------------------------------------- the pieces (also used by the person's page)

IN_SQL = 1000  # up to this many ids filter in SQL; more are matched in Python
INVESTIGATION_CITATION = "《公务员考核规定》（2020年）条款号待核"
EVIDENCE_SANCTION, EVIDENCE_INVESTIGATION = "assessment.sanction", "assessment.investigation"
ORDINALS = "一二三四五六七八九十"


def effect_table() -> dict[str, list]:
    """The active rows of the sanctions → grade table by kind, nearest issuer first (longest path)."""
    from .models import SanctionEffect

    table: dict[str, list] = {}
    for row in SanctionEffect.objects.unrestricted().filter(active=True).order_by("-org_path", "pk"):
        table.setdefault(row.kind, []).append(row)
    for rows in table.values():
        rows.sort(key=lambda r: -len(r.org_path))
    return table


def effect_for(table: dict[str, list], kind: str, path: str):
    """The row for a kind that applies at `path`: the nearest issuer's (a national row has the empty path)."""
    for row in table.get(kind, ()):
        if path.startswith(row.org_path):
            return row
    return None


def period_end(s: dict, row) -> dt.date | None:
    """The last day of a record's period of effect: its own 影响期至, else the row's months from the decision."""
    from zugong.core.dates import add_months

    if s.get("effective_until"):
        return s["effective_until"]
    if row is not None and row.period_months:
        return add_months(s["decided_on"], row.period_months) - dt.timedelta(days=1)
    return None


def sanction_bars(s: dict, row, year: int) -> list[Bar]:
    """The bars one sanction (a dict with pk, person_id, kind, decided_on, effective_until) puts on `year`."""
    from .models.sanctions import day_text, phrase

    if row is None:
        return []
    decided: dt.date = s["decided_on"]
    told = f"{day_text(decided)}{phrase(s['kind'])}"
    bars = []

    def bar(effect, when):
        bars.append(Bar(s["person_id"], effect, f"{told}（{when}{EFFECT_LABELS[effect]}）", row.citation,
                        EVIDENCE_SANCTION, s["pk"], year))

    after = year - decided.year
    if after == 0 and row.year_effect:
        bar(row.year_effect, "当年")
    elif 1 <= after <= row.later_years and row.later_effect:
        bar(row.later_effect, f"处分第{ORDINALS[after]}年" if after < 10 else f"处分第{after + 1}年")
    end = period_end(s, row)
    if after >= 1 and row.period_effect and end is not None and end >= dt.date(year, 1, 1):
        bar(row.period_effect, f"影响期至{day_text(end)}，")
    return bars


def investigation_bar(i: dict, table: dict[str, list], year: int) -> Bar | None:
    """An investigation opened by the end of `year` and not closed by then: no grade while it is open; once
    closed, none when no sanction followed, else the sanction's year-of-decision effect (only a warning: the
    grade is fixed, not 优秀)."""
    from .models.sanctions import day_text, phrase

    opened = f"{day_text(i['opened_on'])}起被立案审查"
    if i["closed_on"] is None:
        return Bar(i["person_id"], PENDING, f"{opened}，尚未结案（{EFFECT_LABELS[PENDING]}）",
                   INVESTIGATION_CITATION, EVIDENCE_INVESTIGATION, i["pk"], year)
    kind = i.get("sanction__kind")
    if not kind or i["sanction__decided_on"].year == year:  # no sanction; or the sanction bars the year itself
        return None
    row = effect_for(table, kind, i["person__org_path"])
    if row is None or not row.year_effect:
        return None
    return Bar(i["person_id"], row.year_effect,
               f"{opened}，{day_text(i['closed_on'])}结案，{day_text(i['sanction__decided_on'])}{phrase(kind)}"
               f"（{year}年度按处分确定：{EFFECT_LABELS[row.year_effect]}）",
               row.citation, EVIDENCE_INVESTIGATION, i["pk"], year)
