"""The seed's dated dues bases and the records the members' rules of 教育管理条例 read (after the bulk load).

Set-based, deterministic by member id (no per-member Python): every member's base opens as a span from the month
its dues began (`dues.open_base_spans`, the same statement as the migration); then a few planted facts, each a
fraction of a per-mille of the members, so the demo's findings of the new rules are realistic, not a flood:

- one salary member in 200 had a raise four months ago (the months before judged by the lower base: no finding);
- one member in 1,500 paid 1,000 元 more for the last month (一次性自愿多交: to be handed up, a reminder);
- one member in 400 paid one month seven months late (补交超过 6 个月);
- lost members: half searched for in their seventh month without news; those stopped long ago
  (none in the seed: lost members are active) are left to the rule;
- three members in 1,200 studying abroad (a third not contacted in six months, a third abroad over five
  years), one in 5,000 settled abroad;
- one member in 1,500 under 限期改正 (some past the deadline without an outcome).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import Mod, Round

from zugong.core.dates import add_months
from zugong.members import dues
from zugong.members.models import CorrectionPeriod, DuesBaseSpan, DuesPayment, MemberContact, Membership

BATCH = 5000


def _every(qs, n: int, r: int, field: str = "pk"):
    return qs.annotate(_k=Mod(F(field), Value(n))).filter(_k=r)


def _bulk(model, rows) -> int:
    rows = list(rows)
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH])
    return len(rows)


def seed_member_history(as_of: dt.date, log=print) -> dict[str, int]:
    counts = {"dues_base_spans": dues.open_base_spans()}
    this_month = dues.first_of_month(as_of)
    last_due = dues.last_due_month(as_of)
    raised = add_months(this_month, -4)

    # Raises: the open span ends four months ago with 80 % of the base; the current base from then on.
    spans = _every(
        DuesBaseSpan.objects.unrestricted().filter(
            ended_on__isnull=True, kind="salary", base__isnull=False, started_on__lt=raised
        ),
        200,
        7,
        "membership_id",
    )
    bases = list(spans.values_list("membership_id", "membership__dues_base"))
    DuesBaseSpan.objects.unrestricted().filter(pk__in=spans.values("pk")).update(
        ended_on=raised, base=Round(F("base") * Value(Decimal("0.8")), 2)
    )
    counts["dues_base_raises"] = _bulk(
        DuesBaseSpan, (DuesBaseSpan(membership_id=pk, base=b, kind="salary", started_on=raised) for pk, b in bases)
    )

    active = Membership.objects.unrestricted().active()
    payments = DuesPayment.objects.unrestricted()
    # A large voluntary payment for the last month owed.
    voluntary = payments.filter(month=last_due, membership__in=_every(active, 1500, 11))
    counts["dues_voluntary"] = voluntary.update(amount=F("amount") + Value(Decimal("1000")), note="自愿多交党费")
    # A month paid seven months late.
    late_month = add_months(last_due, -7)
    late = payments.filter(month=late_month, membership__in=_every(active, 400, 13))
    counts["dues_late"] = late.update(paid_on=add_months(late_month, 7) + dt.timedelta(days=9), note="补交")

    # Searches for lost members, half of those out of contact at least seven months.
    lost = _every(active.filter(lost_contact_since__lte=add_months(as_of, -7)), 2, 0)
    counts["member_searches"] = _bulk(
        MemberContact,
        (
            MemberContact(membership_id=pk, kind="search", contacted_on=add_months(since, 7), reached=False,
                          note="经多方查找仍无音讯")
            for pk, since in lost.values_list("pk", "lost_contact_since")
        ),
    )

    # Abroad, studying: for 8 months and contacted a month ago; for 20 months, last contacted 7 months ago;
    # for 70 months (over five years), contacted two months ago.
    home = active.filter(lost_contact_since__isnull=True, away_since__isnull=True, abroad="")
    counts["abroad_study"] = 0
    for residue, months_abroad, days_since_contact in ((17, 8, 30), (41, 20, 215), (71, 70, 60)):
        group = _every(home, 1200, residue)
        ids = list(group.values_list("pk", flat=True))
        contacted = as_of - dt.timedelta(days=days_since_contact)
        counts["abroad_study"] += group.update(abroad="study", abroad_since=add_months(this_month, -months_abroad))
        _bulk(
            MemberContact,
            (
                MemberContact(membership_id=pk, kind="contact", contacted_on=contacted, reached=True,
                              note="微信视频联系本人")
                for pk in ids
            ),
        )
    settled = _every(active.filter(abroad=""), 5000, 19)
    counts["abroad_settled"] = settled.update(abroad="settled", abroad_since=add_months(as_of, -3))

    # 限期改正: a third finished and recorded, a third past the deadline without an outcome, a third running.
    corrected = list(_every(active, 1500, 23).values_list("pk", flat=True))
    periods = []
    for n, pk in enumerate(corrected):
        started = add_months(as_of, -(4 + 3 * (n % 3)))
        deadline = add_months(started, 6)
        done = n % 3 == 2
        periods.append(
            CorrectionPeriod(
                membership_id=pk, started_on=started, deadline=deadline, reason="无正当理由不参加党的组织生活",
                outcome="corrected" if done else "", outcome_on=deadline if done else None,
            )
        )
    counts["corrections"] = _bulk(CorrectionPeriod, periods)
    log("  member history: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return counts
