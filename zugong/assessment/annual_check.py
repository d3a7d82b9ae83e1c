"""The annual check (年度考核等次的检查): proposals against the bars, the probation, the 平时 → 年度 prerequisite and
the 优秀 quota of each pool, set-based.

`judge(qs)` reads the proposals once, asks `bars.bars_for` once per year (every person in one call), counts each
pool in SQL (its n, the 优秀 already confirmed), reads the probationers and the routine grades in one grouped query
each, and returns a `Verdict` per proposal. `annual_services.confirm` writes them (confirmed, refused with the
reasons, or pending). Every reason names its citation; a bar names its evidence record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Subquery

from zugong.core import dates, rules

from . import bars, quotas
from .models import FAILING, SCALES, AnnualGrade, AnnualProposal, QuotaRule, RoutineGrade, RoutineGradeValue

CIVIL_SERVICE = "《公务员考核规定》"
CIVIL_SERVICE_EDITION = "2020年"
ANNUAL_CITATION = f"{CIVIL_SERVICE}（{CIVIL_SERVICE_EDITION}）{rules.UNVERIFIED_ARTICLE}"
GRADE_LABELS = dict(AnnualGrade.choices)
ROUTINE_LABELS = dict(RoutineGradeValue.choices)


@dataclass
class Verdict:
    pk: int
    status: str  # AnnualProposal.Status
    grade: str
    reasons: list[dict] = field(default_factory=list)
    waived: bool = False  # refused reasons set aside by a recorded exception
    probation: bool = False


def reason(code: str, text: str, citation: str, evidence: str = "", evidence_pk: int | None = None,
           blocking: bool = True) -> dict:
    return {"code": code, "text": text, "citation": citation, "evidence": evidence, "evidence_pk": evidence_pk,
            "blocking": blocking}


def probation_cutoff(year: int, months: int) -> dt.date:
    """People who started work after this day are still on probation at the end of `year`."""
    return dates.add_months(dt.date(year, 12, 31), -months)


def _policy_cache():
    cache: dict[str, object] = {}

    def policy(path: str):
        if path not in cache:
            cache[path] = quotas.policy_for(path)
        return cache[path]

    return policy


def judge(qs) -> tuple[list[Verdict], dict]:
    """The verdict of every proposal in `qs` (AnnualProposal rows of one or more rounds), and the quota of each
    (round, pool) touched: {(round id, pool id): quotas.Quota}."""
    from zugong.cadres.models import Cadre

    rows = list(qs.order_by().values_list("pk", "round_id", "round__org_path", "pool_id", "person_id", "year",
                                          "category", "proposed", "exception_reason", "status"))
    if not rows:
        return [], {}
    excepted = {r[0] for r in rows if r[8]}
    rounds = {r[1] for r in rows}
    years = {r[5] for r in rows}
    policy = _policy_cache()
    round_paths = {r[1]: r[2] for r in rows}

    # 1. n and the 优秀 confirmed outside this check, per (round, pool): one GROUP BY over the rounds.
    everyone = AnnualProposal.objects.unrestricted().filter(round_id__in=rounds)
    stats = everyone.order_by().values("round_id", "pool_id").annotate(
        n=Count("pk"),
        confirmed=Count("pk", filter=Q(status=AnnualProposal.Status.CONFIRMED, grade=AnnualGrade.EXCELLENT)
                        & ~Q(pk__in=Subquery(qs.order_by().values("pk")))),
    )
    counts: dict[tuple[int, int], tuple[int, int]] = {(s["round_id"], s["pool_id"]): (s["n"], s["confirmed"])
                                                      for s in stats}
    round_year = {r[1]: r[5] for r in rows}
    rounds_year = dict(AnnualProposal.objects.unrestricted().filter(round_id__in=rounds).order_by()
                       .values_list("round_id", "year").distinct())
    round_year |= rounds_year
    pool_quota: dict[tuple[int, int], quotas.Quota] = {}
    for year in years:
        keys = [k for k in counts if round_year.get(k[0]) == year]
        found = quotas.quotas(QuotaRule.Kind.ANNUAL, AnnualGrade.EXCELLENT, year,
                              {pool: counts[(rnd, pool)][0] for rnd, pool in keys})
        for rnd, pool in keys:
            if pool in found:
                pool_quota[(rnd, pool)] = found[pool]

    # 2. The bars: one call per year with every person.
    bars_of: dict[int, list[bars.Bar]] = {}
    for year in years:
        people = [r[4] for r in rows if r[5] == year]
        bars_of.update(bars.bars_for(year, people))

    # 3. Probationers: started work after the cutoff of their year (the cadre record's 参加工作时间).
    months = {policy(p).probation_months if policy(p) else 12 for p in round_paths.values()}
    earliest = min(probation_cutoff(y, max(months)) for y in years)
    started = dict(Cadre.objects.unrestricted().filter(
        person_id__in=Subquery(qs.order_by().values("person_id")), work_started_on__gt=earliest,
    ).values_list("person_id", "work_started_on"))

    # 4. The routine grades of the 优秀 candidates, grouped per person and year.
    candidates = qs.filter(proposed=AnnualGrade.EXCELLENT).order_by().values("person_id")
    routine: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for r in (RoutineGrade.objects.unrestricted().filter(person_id__in=Subquery(candidates), year__in=years,
                                                          status=AnnualProposal.Status.CONFIRMED)
              .order_by().values("person_id", "year", "grade").annotate(c=Count("pk"))):
        routine[(r["person_id"], r["year"])][r["grade"]] = r["c"]

    # 5. Each proposal.
    verdicts: list[Verdict] = []
    excellent_by_pool: dict[tuple[int, int], list[Verdict]] = defaultdict(list)
    for pk, rnd, path, pool, person, year, category, proposed, exception, _status in rows:
        pol = policy(path)
        found: list[dict] = []
        pending = False
        scale = SCALES.get(category, ())
        if proposed != AnnualGrade.UNGRADED and proposed not in scale:
            found.append(reason("scale", f"拟定等次“{GRADE_LABELS.get(proposed, proposed)}”不属于该人员类别的等次"
                                         f"（{'、'.join(GRADE_LABELS[g] for g in scale)}）", ANNUAL_CITATION))
        months_ = pol.probation_months if pol else 12
        start = started.get(person)
        probation = bool(start and start > probation_cutoff(year, months_))
        if probation and proposed != AnnualGrade.UNGRADED:
            found.append(reason(
                "probation", f"试用期人员（{start:%Y年%m月}参加工作，试用期{months_}个月）只写评语，不定等次",
                ANNUAL_CITATION))
        for bar in bars_of.get(person, ()):
            effect = bar.effect
            if effect == bars.PENDING:
                pending = True
                found.append(reason("bar_pending", f"{bar.reason}：参加考核，暂不确定等次，结案后再定",
                                    bar.citation, bar.evidence, bar.evidence_pk, blocking=False))
            elif effect == bars.NOT_EXCELLENT and proposed == AnnualGrade.EXCELLENT:
                found.append(reason("bar", f"{bar.reason}：{bars.EFFECT_LABELS[effect]}", bar.citation,
                                    bar.evidence, bar.evidence_pk))
            elif effect in (bars.COMMENTS_ONLY, bars.NO_GRADE) and proposed != AnnualGrade.UNGRADED:
                found.append(reason("bar", f"{bar.reason}：{bars.EFFECT_LABELS[effect]}", bar.citation,
                                    bar.evidence, bar.evidence_pk))
            elif effect == bars.FORCED_FAIL and proposed not in FAILING:
                found.append(reason("bar", f"{bar.reason}：{bars.EFFECT_LABELS[effect]}", bar.citation,
                                    bar.evidence, bar.evidence_pk))
        if proposed == AnnualGrade.EXCELLENT and pol is not None and pol.prerequisite:
            got = routine.get((person, year), {})
            good = got.get(RoutineGradeValue.GOOD, 0)
            bad = sum(got.get(g, 0) for g in pol.forbidden or ())
            if not (Decimal(good) > Decimal(pol.routine_periods) * pol.good_share and bad == 0):
                bad_text = f"，{pol.forbidden_labels} {bad} 期" if pol.forbidden else ""
                found.append(reason(
                    "prerequisite", f"不符合评优秀的平时考核条件（{pol.prerequisite_text}）：全年“好” {good} 期{bad_text}",
                    pol.document or rules.UNVERIFIED_ARTICLE))
        blocking = [f for f in found if f["blocking"]]
        if blocking and not exception:
            verdict = Verdict(pk, AnnualProposal.Status.REFUSED, "", found)
        elif pending:  # under investigation: the grade waits for the case, whatever else
            verdict = Verdict(pk, AnnualProposal.Status.PENDING, "", found, waived=bool(blocking))
        else:
            verdict = Verdict(pk, AnnualProposal.Status.CONFIRMED, proposed, found, waived=bool(blocking))
        verdict.probation = probation
        verdicts.append(verdict)
        if proposed == AnnualGrade.EXCELLENT and verdict.status == AnnualProposal.Status.CONFIRMED:
            excellent_by_pool[(rnd, pool)].append(verdict)

    # 6. The 优秀 quota of each pool: the confirmed ones and the candidates together.
    for key, group in excellent_by_pool.items():
        quota = pool_quota.get(key)
        if quota is None:
            continue
        taken = counts.get(key, (0, 0))[1] + len(group)
        if taken <= quota.allowed:
            continue
        text = quotas.refusal(quota, "优秀", taken)
        for v in group:
            v.reasons.append(reason("quota", text, quota.citation))
            if v.pk in excepted:
                v.waived = True
            else:
                v.status, v.grade = AnnualProposal.Status.REFUSED, ""
    return verdicts, pool_quota
