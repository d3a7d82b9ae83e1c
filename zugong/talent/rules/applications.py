"""Talent rules: the application chain. Every number comes from the edition (data): the quotas
(`UnitQuota`, `Tier.quota`), the 公示 length (`Edition.notice_workdays`). The citation is the programme's own
document (its 实施办法 and the edition's 申报通知, named in the finding's text) with 条款号待核.

- `talent.unit_quota` (ERROR, judges 单位推荐): a recommended application beyond a quota — an organization's
  `UnitQuota` counts the recommended applications of its whole subtree (per tier, or all tiers together), the
  tier's `quota` counts the whole edition's; the applications are taken in the order recommended (date, id)
  and the ones past the quota are found. Set-based: three queries for any number of applications.
- `talent.notice_working_days` (ERROR, judges 公示): a 公示 shorter than the edition's `notice_workdays` working
  days on the calendar (start day counted; holidays and weekends not, 调休 Saturdays yes); a 公示 whose days
  the calendar does not hold is not judged (the step itself refuses it with the kernel's message).
- `talent.recognized_after_notice` (ERROR, judges 认定): recognised on or before the 公示's last day, without a
  公示, or with an objection pending (核查中) or upheld (反映属实).
- `talent.recognition_stalled` (REMINDER, scan): an application in 公示 whose 公示 ended more than
  `STALLED_WORKDAYS` working days before the scan day and is not yet recognised (a reminder threshold of the
  system, not a regulation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q

from zugong.core import rules
from zugong.core.rules import ERROR, REMINDER, Edition, Reads, Rule
from zugong.core.workdays import count_expr

from ..models.applications import Status

EDITION = Edition("人才项目实施办法及年度申报通知", rules.UNVERIFIED_ARTICLE)
GROUP = "人才工程"
STALLED_WORKDAYS = 10
NOT_COUNTED = (Status.TERMINATED,)


def _ymd(day) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day:%Y-%m-%d}" if day else ""


def _source(row) -> str:
    return row.get("program_document") or row.get("program_name") or "人才项目实施办法"


# ---------------------------------------------------------------- 单位推荐名额


def over_quota(qs, as_of):
    """The recommended applications of `qs` beyond a unit quota or the tier's total (rows as dicts)."""
    from ..models import Application, UnitQuota

    mine = list(qs.filter(recommended_on__isnull=False).exclude(status__in=NOT_COUNTED).values(
        "pk", "edition_id", "tier_id", "organization_id", "org_path", "person_id", "recommended_on",
        "edition__program__document", "edition__program__name"))
    if not mine:
        return []
    editions = {r["edition_id"] for r in mine}
    quotas = list(UnitQuota.objects.unrestricted().filter(edition_id__in=editions).values(
        "edition_id", "tier_id", "tier__name", "quota", "organization__path", "organization__name"))
    tiers = {}
    from ..models import Tier

    for t in Tier.objects.unrestricted().filter(edition_id__in=editions, quota__isnull=False).values(
            "pk", "name", "quota"):
        tiers[t["pk"]] = t
    # Every recommended application of those editions, in the order recommended (one query).
    everyone = list(Application.objects.unrestricted().filter(
        edition_id__in=editions, recommended_on__isnull=False).exclude(status__in=NOT_COUNTED).order_by(
        "recommended_on", "pk").values("pk", "edition_id", "tier_id", "org_path"))
    ranks: dict[tuple, dict[int, int]] = defaultdict(dict)  # quota key → {application pk: rank}
    for a in everyone:
        for i, q in enumerate(quotas):
            if q["edition_id"] == a["edition_id"] and a["org_path"].startswith(q["organization__path"]) \
                    and q["tier_id"] in (None, a["tier_id"]):
                group = ranks[("unit", i)]
                group[a["pk"]] = len(group) + 1
        if a["tier_id"] in tiers:
            group = ranks[("tier", a["tier_id"])]
            group[a["pk"]] = len(group) + 1
    found = []
    for r in mine:
        reasons = []
        for (kind, key), group in ranks.items():
            rank = group.get(r["pk"])
            if rank is None:
                continue
            if kind == "unit":
                q = quotas[key]
                if rank > q["quota"]:
                    what = f"{q['tier__name']}" if q["tier_id"] else "各层次合计"
                    reasons.append(f"{q['organization__name']}推荐名额（{what}）{q['quota']} 名，"
                                   f"本申报为第 {rank} 名，超出名额")
            else:
                t = tiers[key]
                if rank > t["quota"]:
                    reasons.append(f"“{t['name']}”名额 {t['quota']} 名，本申报为第 {rank} 名推荐，超出名额")
        if reasons:
            found.append({"pk": r["pk"], "organization_id": r["organization_id"], "org_path": r["org_path"],
                          "person_id": r["person_id"], "recommended_on": r["recommended_on"],
                          "program_document": r["edition__program__document"],
                          "program_name": r["edition__program__name"], "reasons": "；".join(reasons)})
    return found


def over_quota_describe(row) -> str:
    return f"{row['reasons']}（依据：{_source(row)}）"


rules.register(Rule(
    code="talent.unit_quota", title="单位推荐人选不得超出推荐名额", severity=ERROR, model="talent.Application",
    editions=(EDITION,), check=over_quota, describe=over_quota_describe,
    measures=("reasons", "program_document", "program_name"), event_field="recommended_on",
    reads=(Reads("talent.UnitQuota", "edition_id", key="edition_id"), Reads("talent.Tier", "edition_id", key="edition_id")), group=GROUP,
    facts=("practice §4",),
    text="推荐单位按批次分配的名额推荐人选；下级组织推荐的人选计入上级推荐单位的名额；层次设总名额的，各单位推荐合计不超过总名额。"
         "名额为各批次的配置数据。",
))


# ---------------------------------------------------------------- 公示期


def short_notice(qs, as_of):
    qs = qs.filter(notice_start__isnull=False).annotate(
        notice_days=count_expr("notice_start", "notice_end"), required_days=F("edition__notice_workdays"),
        program_document=F("edition__program__document"), program_name=F("edition__program__name"))
    return qs.filter(Q(notice_end__isnull=True) | Q(notice_days__lt=F("required_days")))


def short_notice_describe(row) -> str:
    if not row["notice_end"]:
        return f"公示自 {_ymd(row['notice_start'])} 开始，未记录结束日期"
    return (f"公示 {row['notice_days']} 个工作日（{_ymd(row['notice_start'])} 至 {_ymd(row['notice_end'])}），"
            f"不足本批次规定的 {row['required_days']} 个工作日（依据：{_source(row)}）")


rules.register(Rule(
    code="talent.notice_working_days", title="人才项目入选人选公示期不少于规定的工作日数", severity=ERROR,
    model="talent.Application", editions=(EDITION,), check=short_notice, describe=short_notice_describe,
    measures=("notice_start", "notice_end", "notice_days", "required_days", "program_document", "program_name"),
    event_field="notice_start", reads=(Reads("talent.Edition", "pk", key="edition_id"),), group=GROUP,
    facts=("practice §4",),
    text="公示期按工作日计算：公示开始之日计入，法定节假日和周末不计，调休上班日计入；工作日数为各批次的配置数据。",
))


# ---------------------------------------------------------------- 认定


def _blocking():
    from ..models import Objection

    return Objection.objects.unrestricted().filter(
        application=OuterRef("pk"), outcome__in=(Objection.Outcome.PENDING, Objection.Outcome.UPHELD))


def early_recognition(qs, as_of):
    qs = qs.filter(recognized_on__isnull=False).annotate(
        blocked=Exists(_blocking()), program_document=F("edition__program__document"),
        program_name=F("edition__program__name"))
    return qs.filter(Q(notice_end__isnull=True) | Q(recognized_on__lte=F("notice_end")) | Q(blocked=True))


def early_recognition_describe(row) -> str:
    source = f"（依据：{_source(row)}）"
    if not row["notice_end"]:
        return f"{_ymd(row['recognized_on'])} 认定，认定前未进行公示{source}"
    if row["recognized_on"] and _ymd(row["recognized_on"]) <= _ymd(row["notice_end"]):
        return f"公示至 {_ymd(row['notice_end'])} 期满，{_ymd(row['recognized_on'])} 即已认定{source}"
    return f"公示期间收到的异议尚在核查或反映属实，{_ymd(row['recognized_on'])} 即已认定{source}"


rules.register(Rule(
    code="talent.recognized_after_notice", title="公示期满且无影响认定的异议方可认定", severity=ERROR,
    model="talent.Application", editions=(EDITION,), check=early_recognition, describe=early_recognition_describe,
    measures=("notice_end", "blocked", "program_document", "program_name"), event_field="recognized_on",
    reads=(Reads("talent.Objection", "application_id"),), group=GROUP, facts=("practice §4",),
    text="公示期满、对反映的问题核查完毕且不影响入选的，方可认定；反映属实的，不予认定。",
))


# ---------------------------------------------------------------- 公示期满未认定（提醒）


def stalled(qs, as_of):
    from zugong.core.models import WorkDay

    # annotated first: even an empty answer (no calendar) names the measures the scan reads
    qs = qs.annotate(program_document=F("edition__program__document"), program_name=F("edition__program__name"))
    if not WorkDay.objects.filter(day=as_of).exists():
        return qs.none()
    days = list(WorkDay.objects.filter(day__lte=as_of, is_workday=True).order_by("-day")
                .values_list("day", flat=True)[:STALLED_WORKDAYS + 1])
    if len(days) <= STALLED_WORKDAYS:
        return qs.none()
    return qs.filter(status=Status.NOTICE, recognized_on__isnull=True, notice_end__lt=days[STALLED_WORKDAYS])


def stalled_describe(row) -> str:
    return (f"公示已于 {_ymd(row['notice_end'])} 期满，超过 {STALLED_WORKDAYS} 个工作日仍未认定或作出处理"
            f"（{_source(row)}）")


rules.register(Rule(
    code="talent.recognition_stalled", title="公示期满后应及时认定", severity=REMINDER,
    model="talent.Application", editions=(EDITION,), check=stalled, describe=stalled_describe,
    measures=("notice_end", "program_document", "program_name"), event_field="notice_end", group=GROUP,
    facts=("practice §4",),
    text=f"公示期满超过 {STALLED_WORKDAYS} 个工作日尚未认定的申报（系统提醒阈值），请及时认定、不予认定或终止。",
))
