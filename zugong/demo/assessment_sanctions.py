"""Demo data of sanctions (处分、问责、组织处理) and investigations in the demo city (太原), 2023 to the seed's day.

- the members under 留党察看 that `demo.history` planted in the city get their sanction record, linked to their
  `DisciplineSpan` (one year, or two when the span ran longer than a year): the same fact, typed once;
- one more member of the city under 留党察看 一年 decided 14 months ago and never restored (the rule
  `assessment.probation_rights_not_restored` finds it);
- some thirty sanctions of cadres (or other people) of the city, lighter kinds more often, a few as 问责;
- two investigations: one closed with a 党内警告, one open for about seven months (the local rule on
  investigations open longer than six months finds it).
Deterministic for a seed: Random(f"{seed}:assessment:sanctions"); every date ≤ as_of. Written in bulk (the seed is
not audited row by row).
"""

from __future__ import annotations

import datetime as dt
import random

from zugong.assessment.models import Family, Investigation, Sanction, SanctionKind
from zugong.core.dates import add_months
from zugong.members.models import DisciplineSpan, Membership
from zugong.people.models import Person

K = SanctionKind
# (kind, family, weight, months of effect or 0)
MIX = [
    (K.ADMONITION, Family.ORGANIZATIONAL, 8, 6), (K.ADMONITION, Family.ACCOUNTABILITY, 3, 6),
    (K.PARTY_WARNING, Family.PARTY, 7, 0), (K.GOV_WARNING, Family.GOVERNMENT, 3, 6),
    (K.PARTY_SERIOUS_WARNING, Family.PARTY, 4, 0), (K.GOV_DEMERIT, Family.GOVERNMENT, 2, 12),
    (K.CIRCULAR, Family.ACCOUNTABILITY, 2, 0), (K.REASSIGNMENT, Family.ACCOUNTABILITY, 2, 12),
    (K.GOV_MAJOR_DEMERIT, Family.GOVERNMENT, 1, 18), (K.GOV_DEMOTION, Family.GOVERNMENT, 1, 24),
    (K.DISMISSAL, Family.ORGANIZATIONAL, 1, 12), (K.PARTY_POST_REMOVAL, Family.PARTY, 1, 0),
]
BODIES = {Family.PARTY: "纪律检查委员会", Family.GOVERNMENT: "监察委员会", Family.ORGANIZATIONAL: "委员会组织部",
          Family.ACCOUNTABILITY: "委员会"}
REASONS = ["落实全面从严治党主体责任不力", "违反中央八项规定精神", "履职不力、工作失职", "违规收受礼品礼金",
           "形式主义、官僚主义问题", "违反组织纪律，不如实报告个人有关事项", "违规发放津贴补贴"]
COUNT = 30


def _day(rng, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    rng = random.Random(f"{seed}:assessment:sanctions")
    short = (city.short_name or city.name).removesuffix("委")
    rows: list[Sanction] = []

    # 1. the planted 留党察看 of the city's members: their sanction, linked
    spans = list(DisciplineSpan.objects.unrestricted()
                 .filter(membership__person__org_path__startswith=city.path)
                 .select_related("membership").order_by("pk"))
    for span in spans:
        long = span.ended_on is not None and (span.ended_on - span.started_on).days > 366
        kind = K.PROBATION_2 if long else K.PROBATION_1
        end = add_months(span.started_on, 24 if long else 12) - dt.timedelta(days=1)
        rows.append(Sanction(person_id=span.membership.person_id, kind=kind, family=Family.PARTY,
                             decided_on=span.started_on, effective_until=end, discipline_span=span,
                             deciding_body=f"{short}纪律检查委员会",
                             note="（演示数据）" + rng.choice(REASONS)))
    linked = {s.person_id for s in rows}

    # 2. a 留党察看 一年 whose period ended 2 months ago without 恢复党员权利 (a planted problem)
    taken = set(DisciplineSpan.objects.unrestricted().values_list("membership_id", flat=True))
    candidate = (Membership.objects.unrestricted()
                 .filter(person__org_path__startswith=city.path, status=Membership.Status.FULL, committee_post="",
                         transferred_out_on__isnull=True, converted_on__lt=as_of - dt.timedelta(days=900))
                 .exclude(pk__in=taken).order_by("pk").values_list("pk", "person_id")[:50])
    candidate = list(candidate)
    planted = 0
    if candidate:
        mid, pid = rng.choice(candidate)
        start = add_months(as_of, -14)
        span = DisciplineSpan.objects.bulk_create([DisciplineSpan(membership_id=mid, decision="（演示数据）党委处分决定",
                                                                  started_on=start)])[0]
        rows.append(Sanction(person_id=pid, kind=K.PROBATION_1, family=Family.PARTY, decided_on=start,
                             effective_until=add_months(start, 12) - dt.timedelta(days=1), discipline_span=span,
                             deciding_body=f"{short}纪律检查委员会", note="（演示数据）" + rng.choice(REASONS)))
        linked.add(pid)
        planted = 1

    # 3. sanctions of cadres (else people) of the city, 2023 to as_of
    people = list(Person.objects.unrestricted().filter(org_path__startswith=city.path, cadre__isnull=False)
                  .exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True)[:3000])
    if len(people) < COUNT * 2:
        people += list(Person.objects.unrestricted().filter(org_path__startswith=city.path)
                       .exclude(pk__in=linked | set(people)).order_by("pk").values_list("pk", flat=True)[:3000])
    chosen = rng.sample(people, min(COUNT, len(people)))
    weights = [m[2] for m in MIX]
    first = dt.date(2023, 1, 1)
    for i, pid in enumerate(chosen):
        kind, family, _w, months = rng.choices(MIX, weights)[0]
        decided = _day(rng, first, as_of)
        until = add_months(decided, months) - dt.timedelta(days=1) if months else None
        year = decided.year
        rows.append(Sanction(person_id=pid, kind=kind, family=family, decided_on=decided, effective_until=until,
                             deciding_body=f"{short}{BODIES[family]}",
                             document_no=f"并{'纪' if family == Family.PARTY else '组'}发〔{year}〕{i + 3}号",
                             note="（演示数据）" + rng.choice(REASONS)))
    Sanction.objects.bulk_create(rows)

    # 4. two investigations: one closed with a 党内警告, one open for about seven months
    spare = [p for p in people if p not in set(chosen)]
    investigations = 0
    if len(spare) >= 2:
        a, b = rng.sample(spare, 2)
        opened = add_months(as_of, -10)
        warning = Sanction.objects.bulk_create([Sanction(
            person_id=a, kind=K.PARTY_WARNING, family=Family.PARTY, decided_on=add_months(opened, 4),
            deciding_body=f"{short}纪律检查委员会", note="（演示数据）立案审查结案，给予党内警告处分")])[0]
        Investigation.objects.bulk_create([
            Investigation(person_id=a, opened_on=opened, body=f"{short}纪律检查委员会",
                          closed_on=warning.decided_on, outcome=Investigation.Outcome.SANCTIONED, sanction=warning,
                          note="（演示数据）"),
            Investigation(person_id=b, opened_on=add_months(as_of, -7), body=f"{short}纪律检查委员会",
                          note="（演示数据）审查调查中"),
        ])
        investigations = 2
    counts = {"sanctions": len(rows) + (1 if investigations else 0), "sanctions_linked_to_discipline": len(spans),
              "sanctions_probation_not_restored": planted, "investigations": investigations}
    log(f"  sanctions: {counts}")
    return counts
