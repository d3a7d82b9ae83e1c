"""Reminders: build each user's notifications from the deadlines coming and the new findings of their subtree,
then deliver them by the channels the user chose.

- Deadlines are read only through `zugong.core.deadlines.upcoming(user, until)` (the domains register the
  providers). A deadline is reminded at each lead time of its `LeadTime` row (30、7、1 days before, and once
  overdue): a reminder is stored per (user, deadline key, due date, lead), unique, so a rerun adds none
  twice and a changed due date is reminded again.
- New findings: the open findings of the user's scope opened since the last run (`Subscriber.findings_seen_at`;
  the first run counts every open one), one digest per user and run: the counts by severity, and each rule's
  count with a link to the findings list filtered by that rule (`Notification.items`).
- Channels: in the app (the bell and the list), e-mail where `EMAIL_HOST` is set and the user has an address,
  SMS through `sms.backend()` where the user gave a number. The user's `Preference` rows say which kinds
  reach them by which channel (no row: in the app only).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core import audit, deadlines, pii, rules, scope
from zugong.core.models import Finding

from . import sms
from .models import CHANNELS, FINDINGS, FINDINGS_LABEL, OVERDUE, LeadTime, Notification, Preference, Subscriber

log = logging.getLogger(__name__)

DEFAULT_DAYS, DEFAULT_OVERDUE = [30, 7, 1], True  # when no LeadTime row applies
DEFAULTS = {"in_app": True, "email": False, "sms": False}


# ---------------------------------------------------------------- choices


def kinds() -> dict[str, str]:
    """Every kind a user may choose: the registered deadline kinds and the new-findings summary."""
    return deadlines.kinds() | {FINDINGS: FINDINGS_LABEL}


def email_configured() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def preferences(user) -> dict[str, dict[str, bool]]:
    """{kind: {channel: on}} for every kind, the defaults where the user chose nothing."""
    rows = {p.kind: p for p in Preference.objects.filter(user=user)}
    out = {}
    for kind in kinds():
        row = rows.get(kind)
        out[kind] = {c: getattr(row, c) for c, _label in CHANNELS} if row else dict(DEFAULTS)
    return out


def subscriber(user) -> Subscriber:
    return Subscriber.objects.get_or_create(user=user)[0]


def save_preferences(user, chosen: dict[str, set[str]], sms_number: str) -> int:
    """Store the user's choice of channels per kind and their SMS number, as one audited operation; the number
    of changes made."""
    sms_number = (sms_number or "").strip().replace(" ", "").replace("-", "")
    if sms_number and not (sms_number.isdigit() and 7 <= len(sms_number) <= 15):
        raise ValidationError({"sms_number": f"手机号“{sms_number}”应为 7 到 15 位数字"})
    wanted_sms = any("sms" in chosen.get(k, set()) for k in kinds())
    if wanted_sms and not sms_number:
        raise ValidationError({"sms_number": "选择了短信提醒，请填写接收短信的手机号"})
    labels = kinds()
    current = preferences(user)
    changed = {kind: {c: c in chosen.get(kind, set()) for c, _l in CHANNELS} for kind in labels}
    changed = {kind: new for kind, new in changed.items() if new != current[kind]}
    sub = subscriber(user)
    new_number = sub.sms_number != sms_number
    if not changed and not new_number:
        return 0
    # placed at the user's own subtree, so the department that granted it sees the change in its log
    place = (scope.scope_paths(user) or [""])[0]
    with audit.operation(sub, "update", note="修改提醒设置", org_path=place) as op:
        if new_number:
            op.fact("接收短信的手机号", pii.mask_phone(sms_number), old=pii.mask_phone(sub.sms_number),
                    field="sms_number")  # masked: the log keeps no phone number
            sub.sms_number = sms_number
            sub.save(update_fields=["sms_number"])
        for kind, new in changed.items():
            old_text = "、".join(lbl for c, lbl in CHANNELS if current[kind][c]) or "不接收"
            new_text = "、".join(lbl for c, lbl in CHANNELS if new[c]) or "不接收"
            Preference.objects.update_or_create(user=user, kind=kind, defaults=new)
            op.fact(f"提醒方式：{labels[kind]}", new_text, old=old_text, field=f"preference.{kind}")
    return len(changed) + new_number


# ---------------------------------------------------------------- lead times


def lead_rows() -> list[LeadTime]:
    """Every active lead-time row (a small table), read once per run: each deadline picks its own."""
    return list(LeadTime.objects.unrestricted().filter(active=True))


def plan_for(rows: list[LeadTime], kind: str, path: str) -> tuple[list[int], bool]:
    """The lead days and the overdue reminder for a deadline of `kind` at `path`: the row of the nearest issuer
    (its path a prefix of `path`; national rows have the empty path), one for the kind before one for all."""
    fitting = [r for r in rows if path.startswith(r.org_path) and r.kind in ("", kind)]
    if not fitting:
        return DEFAULT_DAYS, DEFAULT_OVERDUE
    best = max(fitting, key=lambda r: (len(r.org_path), r.kind == kind))
    try:
        return best.day_list, best.overdue
    except ValidationError:
        log.warning("lead time %s has unreadable days %r", best.code, best.days)
        return DEFAULT_DAYS, best.overdue


def stage(days_left: int, days: list[int], overdue: bool) -> int | None:
    """Which reminder is due for a deadline `days_left` away: the smallest lead time not yet passed (a deadline
    5 days away with 30、7、1 → the 7-day reminder), OVERDUE once it has passed, None when none is due."""
    if days_left < 0:
        return OVERDUE if overdue else None
    reached = [d for d in days if d >= days_left]
    return min(reached) if reached else None


def _deadline_text(d: deadlines.Deadline) -> str:
    if d.days_left < 0:
        return f"{d.kind_label} · {d.due:%Y-%m-%d} 到期，已逾期 {-d.days_left} 天"
    if d.days_left == 0:
        return f"{d.kind_label} · 今天（{d.due:%Y-%m-%d}）到期"
    return f"{d.kind_label} · {d.due:%Y-%m-%d} 到期，还有 {d.days_left} 天"


# ---------------------------------------------------------------- one user


@dataclass
class Delivered:
    created: list[Notification] = field(default_factory=list)
    emailed: int = 0
    sms: int = 0


def remind(user, *, now: dt.datetime | None = None, leads: list[LeadTime] | None = None,
           rule_titles: dict[str, str] | None = None) -> Delivered:
    """Build and deliver one user's new reminders."""
    now = now or timezone.now()
    leads = lead_rows() if leads is None else leads
    if rule_titles is None:
        rule_titles = {r.code: r.title for r in rules.all_rules()}
    prefs = preferences(user)
    wanted = {k for k, p in prefs.items() if any(p.values())}

    candidates: dict[tuple, Notification] = {}
    if wanted - {FINDINGS}:
        horizon = max([max(r.day_list, default=0) for r in leads if _readable(r)] + DEFAULT_DAYS)
        for d in deadlines.upcoming(user, timezone.localdate() + dt.timedelta(days=horizon),
                                    kinds=wanted - {FINDINGS}):
            days, overdue = plan_for(leads, d.kind, d.org_path)
            lead = stage(d.days_left, days, overdue)
            if lead is None:
                continue
            candidates[(d.key, d.due, lead)] = Notification(
                user=user, kind=d.kind, title=d.title[:200], body=_deadline_text(d)[:500], url=d.url[:300],
                org_path=d.org_path, deadline_key=d.key[:120], due=d.due, lead=lead,
                in_app=prefs[d.kind]["in_app"])
    sent: set[tuple] = set()
    keys = sorted({k for k, _d, _l in candidates})
    for i in range(0, len(keys), 500):
        sent.update(Notification.objects.filter(user=user, deadline_key__in=keys[i:i + 500], due__isnull=False)
                    .values_list("deadline_key", "due", "lead"))
    new = [n for key, n in candidates.items() if key not in sent]
    shown, summaries = _summarize(user, new, prefs)

    sub = subscriber(user)
    if FINDINGS in wanted:
        summaries.extend(_finding_digest(user, sub.findings_seen_at, now, prefs[FINDINGS]["in_app"], rule_titles))

    out = Delivered(created=shown + summaries)
    _deliver(user, sub, shown + summaries, prefs, now, out)  # sets emailed_at / sms_at on what left
    with transaction.atomic():
        # a concurrent run's row wins; the rows folded into a summary are kept (in_app off) so none comes twice
        Notification.objects.bulk_create(new + summaries, ignore_conflicts=True, batch_size=1000)
        Subscriber.objects.filter(pk=sub.pk).update(findings_seen_at=now)
    return out


def summary_over() -> int:
    return int(getattr(settings, "ZUGONG_REMINDERS_SUMMARY_OVER", 10))


def _summarize(user, new: list[Notification], prefs) -> tuple[list[Notification], list[Notification]]:
    """More than `summary_over()` new reminders of one kind for a user in one run (a city's hundreds of terms)
    become one summary linking to the 工作台, which lists them; the single rows stay, out of the bell, so
    they are not reminded again. (the rows shown one by one, the summaries)"""
    by_kind: dict[str, list[Notification]] = {}
    for n in new:
        by_kind.setdefault(n.kind, []).append(n)
    shown, summaries = [], []
    labels = kinds()
    for kind, rows in by_kind.items():
        if len(rows) <= summary_over():
            shown.extend(rows)
            continue
        for n in rows:
            n.in_app = False
        late = sum(1 for n in rows if n.lead == OVERDUE)
        parts = [f"{len(rows) - late} 项即将到期" if len(rows) > late else "", f"{late} 项已逾期" if late else ""]
        summaries.append(Notification(
            user=user, kind=kind, title=f"{labels.get(kind, kind)}：{'、'.join(p for p in parts if p)}"[:200],
            body=("包括" + "、".join(n.title for n in rows[:3]) + f"等 {len(rows)} 项，请在工作台逐项办理")[:500],
            url=reverse("home"), count=len(rows), in_app=prefs[kind]["in_app"]))
    return shown, summaries


def _readable(row: LeadTime) -> bool:
    try:
        row.day_list
    except ValidationError:
        return False
    return True


def _finding_digest(user, since, now, in_app: bool, rule_titles: dict[str, str]) -> list[Notification]:
    """One reminder per user and run for the new findings (none when there are none): the total, the counts by
    severity, and in `items` the count of each rule with a link to the findings list filtered by it, the most
    severe first, then the largest. A single rule links straight to its list."""
    found = Finding.objects.visible_to(user).open().filter(opened_at__lte=now)
    if since is not None:
        found = found.filter(opened_at__gt=since)
    counts = list(found.values("rule", "severity").annotate(n=Count("id")))
    if not counts:
        return []
    rank = {Finding.Severity.ERROR: 0, Finding.Severity.WARNING: 1, Finding.Severity.REMINDER: 2}
    merged: dict[str, int] = {}
    severity: dict[str, str] = {}
    for row in sorted(counts, key=lambda r: rank.get(r["severity"], 3)):  # a rule whose severity changed: once
        merged[row["rule"]] = merged.get(row["rule"], 0) + row["n"]
        severity.setdefault(row["rule"], row["severity"])
    order = sorted(merged, key=lambda c: (rank.get(severity[c], 3), -merged[c], c))
    base = reverse("workbench:findings")
    labels = dict(Finding.Severity.choices)
    items = [{"rule": code, "title": rule_titles.get(code, "规则检查"), "count": merged[code],
              "severity": labels.get(severity[code], ""), "url": f"{base}?rule={quote(code)}"} for code in order]
    total = sum(merged.values())
    by_level: dict[str, int] = {}
    for code in order:
        by_level[labels.get(severity[code], "其他")] = by_level.get(labels.get(severity[code], "其他"), 0) + merged[code]
    levels = "、".join(f"{label} {n} 条" for label, n in by_level.items())
    body = f"自上次提醒以来新发现：{levels}" if since is not None else f"管辖范围内未消除：{levels}"
    if len(items) == 1:
        title, url, rule = f"新发现问题：{items[0]['title']}（{total} 条）", items[0]["url"], items[0]["rule"]
    else:
        title, url, rule = f"新发现问题：{len(items)} 项规则共 {total} 条", f"{base}?view=rules", ""
    return [Notification(user=user, kind=FINDINGS, title=title[:200], body=body[:500], url=url, rule=rule,
                         count=total, items=items, in_app=in_app)]


def _deliver(user, sub: Subscriber, new: list[Notification], prefs, now, out: Delivered) -> None:
    by_mail = [n for n in new if prefs[n.kind]["email"]]
    if by_mail and email_configured() and user.email:
        try:
            send_mail(_mail_subject(by_mail), _mail_body(user, by_mail), None, [user.email])
        except Exception:  # an SMTP failure must not stop the other users' reminders
            log.exception("reminder mail to %s failed", user.email)
        else:
            out.emailed = 1
            for n in by_mail:
                n.emailed_at = now
    by_sms = [n for n in new if prefs[n.kind]["sms"]]
    if by_sms and sub.sms_number:
        text = _sms_text(by_sms)
        try:
            ok = sms.backend().send(sub.sms_number, text)
        except Exception:
            log.exception("reminder SMS to user %s failed", user.pk)
            ok = False
        if ok:
            out.sms = 1
            for n in by_sms:
                n.sms_at = now


def _mail_subject(rows: list[Notification]) -> str:
    return f"组工平台提醒：{len(rows)} 条新提醒"


def _mail_body(user, rows: list[Notification]) -> str:
    site = getattr(settings, "ZUGONG_SITE_URL", "")
    lines = [f"{user}，您好：", "", f"组工平台有 {len(rows)} 条新提醒：", ""]
    for n in rows:
        lines.append(f"· {n.title}")
        if n.body:
            lines.append(f"  {n.body}")
        for item in n.items:
            lines.append(f"  - {item['title']}（{item['severity']}）{item['count']} 条"
                         + (f"：{site}{item['url']}" if site else ""))
        if site and n.url:
            lines.append(f"  办理：{site}{n.url}")
    lines += ["", "登录组工平台，点击右上角的铃铛查看全部提醒；在“提醒设置”中可以选择接收哪些提醒。"]
    return "\n".join(lines)


def _sms_text(rows: list[Notification]) -> str:
    first = rows[0].title[:30]
    more = f"等 {len(rows)} 条" if len(rows) > 1 else ""
    return f"【组工平台】新提醒：{first}{more}，请登录平台查看。"


# ---------------------------------------------------------------- every user


@dataclass
class Run:
    users: int = 0
    created: int = 0
    emailed: int = 0
    sms: int = 0
    seconds: float = 0.0

    @property
    def message(self) -> str:
        return (f"已为 {self.users} 位用户生成 {self.created} 条新提醒（邮件 {self.emailed} 封，短信 {self.sms} 条），"
                f"用时 {self.seconds:.1f} 秒。")


def recipients():
    """Every active user holding a scope grant."""
    return User.objects.filter(is_active=True, grants__isnull=False).distinct().order_by("pk")


def run(users=None, progress=None) -> Run:
    """The reminders of every active user with a scope grant (or of `users`); `progress(i, n)` after each."""
    started = time.monotonic()
    now = timezone.now()
    users = list(recipients() if users is None else users)
    leads = lead_rows()
    rule_titles = {r.code: r.title for r in rules.all_rules()}
    result = Run(users=len(users))
    for i, user in enumerate(users, 1):
        try:
            done = remind(user, now=now, leads=leads, rule_titles=rule_titles)
        except Exception:  # one user's broken provider must not stop everyone else's reminders
            log.exception("reminders of user %s failed", user.pk)
            continue
        result.created += len(done.created)
        result.emailed += done.emailed
        result.sms += done.sms
        if progress:
            progress(i, len(users))
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------- reading them


def unread(user):
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True)


def unread_count(user) -> int:
    return unread(user).count()


def mark_read(user, pk: int) -> Notification | None:
    row = Notification.objects.filter(user=user, in_app=True, pk=pk).first()
    if row and row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def mark_all_read(user) -> int:
    return unread(user).update(read_at=timezone.now())
