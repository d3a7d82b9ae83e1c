"""Operations of leadership-team grades and online 民主测评: each authorized, transactional and audited (the
models are AuditedModel; several rows at once go through `audit.operation`). The count itself is
`ballots_tally` (plain Python).

Codes: 10 characters of an alphabet without look-alikes (shown as ABCDE-FGHJK). `issue_codes` stores their keyed
hashes (`core.pii.digest`, purpose "ballot-code") and the plain codes of the batch sealed (`pii.seal`) until
`confirm_printed` (or the close) erases them. Voters are anonymous: `cast` marks the code used (no time) and
writes a ballot with its class and day only; it writes no audit entry per ballot. A client that enters
`GUESS_LIMIT` wrong or used codes within `GUESS_MINUTES` is refused until the window passes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zugong.core import audit, guesses, pii, rules, scope
from zugong.teams import queries as team_queries

from . import ballots_tally as tally
from .models import (
    Ballot,
    BallotMark,
    BallotRound,
    BallotRules,
    BallotSubject,
    CodeBatch,
    ExcellenceBar,
    LeaderAssessment,
    LeaderGrade,
    TeamAssessment,
    TeamGrade,
    VoterClass,
    VoterCode,
)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_PURPOSE = "ballot-code"
SLIPS_PURPOSE = "ballot-slips"
MAX_BATCH = 2000
GUESS_LIMIT = getattr(settings, "ZUGONG_BALLOT_GUESSES", 10)
GUESS_MINUTES = getattr(settings, "ZUGONG_BALLOT_GUESS_MINUTES", 15)
TEAM_BAR_RULE = "assessment.ballots_team_barred_top"
LEADER_BAR_RULE = "assessment.ballots_leader_barred_top"
DEFAULT_CLASSES = [{"name": "班子成员", "weight": 30}, {"name": "中层干部", "weight": 30},
                   {"name": "其他干部群众", "weight": 40}]


def _require(user, action: str, path: str, message: str) -> None:
    if not scope.can(user, action, path):
        raise PermissionDenied(message)


# ---------------------------------------------------------------- grades of teams and leaders


def bars_applying(path: str, kind: str):
    """The active barring situations that apply to an organization (`kind`: "team" or "leader")."""
    return (ExcellenceBar.objects.unrestricted().applying_to(path).filter(active=True)
            .filter(applies_to__in=[ExcellenceBar.AppliesTo.BOTH, kind]).order_by("order", "pk"))


def _ticked(path: str, kind: str, codes) -> list[dict]:
    codes = list(codes or [])
    found = {b.code: b for b in bars_applying(path, kind).filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"bars": f"所选情形不存在或不适用：{'、'.join(unknown)}"})
    return [{"code": c, "text": found[c].text} for c in codes]


def _save_grade(user, row, *, kind, bars, exception_reason, rule_code):
    row.bars = _ticked(row.team.org_path, kind, bars)
    try:
        row.full_clean(exclude=["org_path"])
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "__all__" in exc.error_dict:
            raise ValidationError({"year": "该班子（干部）此期间已有考核等次，请修改原记录"}) from None
        raise
    row.save()
    try:
        rules.enforce([rule_code], row, user=user, exception_reason=exception_reason or "")
    except rules.RuleViolation as exc:
        raise ValidationError({"grade": exc.messages}) from None
    return row


@transaction.atomic
def record_team_grade(user, team, *, year: int, mode: str, grade: str, assessed_on: dt.date, period: str = "",
                      bars=(), note: str = "", exception_reason: str = "", row: TeamAssessment | None = None,
                      round=None) -> TeamAssessment:
    """Record (or change) a team's grade. A ticked barring situation refuses 好 with its text and citation,
    unless an authorized user records an exception with a reason."""
    _require(user, "change", team.org_path, f"您无权评定“{team.name}”的考核等次")
    row = row or TeamAssessment(team=team)
    row.team, row.year, row.mode, row.grade, row.assessed_on = team, year, mode, grade, assessed_on
    row.period, row.note, row.round = period or "", note or "", round
    return _save_grade(user, row, kind="team", bars=bars, exception_reason=exception_reason,
                       rule_code=TEAM_BAR_RULE)


@transaction.atomic
def record_leader_grade(user, team, cadre, *, year: int, mode: str, grade: str, assessed_on: dt.date,
                        post_title: str = "", period: str = "", bars=(), note: str = "", exception_reason: str = "",
                        row: LeaderAssessment | None = None, round=None) -> LeaderAssessment:
    """Record (or change) a leader's grade; a ticked barring situation refuses 优秀."""
    _require(user, "change", team.org_path, f"您无权评定“{team.name}”成员的考核等次")
    row = row or LeaderAssessment(team=team, cadre=cadre)
    row.team, row.cadre, row.year, row.mode, row.grade = team, cadre, year, mode, grade
    row.assessed_on, row.post_title, row.period, row.note, row.round = (assessed_on, post_title or "", period or "",
                                                                        note or "", round)
    return _save_grade(user, row, kind="leader", bars=bars, exception_reason=exception_reason,
                       rule_code=LEADER_BAR_RULE)


def team_members(team, as_of: dt.date):
    """The team's current members, one seat per cadre, in post order: (cadre, post title)."""
    seats = team_queries.one_seat_per_cadre(team_queries.seats(as_of).filter(team=team))
    return [(m.cadre, m.team_post.title) for m in
            seats.select_related("cadre", "team_post").order_by("team_post__order", "post__start_on", "pk")]


# ---------------------------------------------------------------- rules of a round


def parse_classes(text: str) -> list[dict]:
    """Voter classes as lines “名称 权重” (or “名称：权重”) → [{"name", "weight"}]; each wrong line named."""
    out, errors = [], []
    for i, line in enumerate((text or "").splitlines(), 1):
        line = line.strip().replace("：", " ").replace(":", " ")
        if not line:
            continue
        name, _, weight = line.rpartition(" ")
        name = name.strip()
        try:
            value = Decimal(weight.strip())
        except InvalidOperation:
            errors.append(f"第 {i} 行：权重“{weight}”不是数字")
            continue
        if not name:
            errors.append(f"第 {i} 行：请写类别名称和权重，如“中层干部 30”")
        elif value < 0:
            errors.append(f"第 {i} 行：权重不能为负数")
        elif any(c["name"] == name for c in out):
            errors.append(f"第 {i} 行：类别“{name}”重复")
        else:
            out.append({"name": name, "weight": value})
    if errors:
        raise ValidationError({"classes": errors})
    if not out:
        raise ValidationError({"classes": "请至少设置一个投票人类别"})
    if sum(c["weight"] for c in out) <= 0:
        raise ValidationError({"classes": "各类别权重之和应大于 0"})
    return out


def check_rules(row: BallotRules) -> None:
    """The numbers of a rules row are readable (each wrong one named in Chinese)."""
    errors = {}
    for name in ("top_cap", "fail_share", "pass_share"):
        value = getattr(row, name)
        if name == "top_cap" and not (value or "").strip():
            continue
        try:
            tally.parse_share(value)
        except ValueError as exc:
            errors[name] = str(exc)
    try:
        points = [float(p) for p in row.points.replace("，", ",").split(",")]
        if len(points) != 4:
            errors["points"] = f"应为四个分值，现为 {len(points)} 个"
        elif points != sorted(points, reverse=True):
            errors["points"] = "分值应从高到低排列"
    except ValueError:
        errors["points"] = f"“{row.points}”中有不是数字的分值"
    if errors:
        raise ValidationError(errors)


def params_of(row: BallotRules) -> dict:
    """The numbers of a rules row as frozen on a closed round."""
    return {"name": row.name, "top_cap": row.top_cap, "uniform_void": row.uniform_void,
            "uniform_min": row.uniform_min, "trim_over": row.trim_over, "trim_each": row.trim_each,
            "points": row.points, "fail_share": row.fail_share, "pass_share": row.pass_share,
            "follow_up_days": row.follow_up_days}


def tally_rules(params: dict) -> tally.TallyRules:
    cap = (params.get("top_cap") or "").strip()
    return tally.TallyRules(
        top_cap=tally.parse_share(cap) if cap else None, uniform_void=bool(params["uniform_void"]),
        uniform_min=int(params["uniform_min"]), trim_over=int(params["trim_over"]),
        trim_each=int(params["trim_each"]),
        points=tuple(float(p) for p in str(params["points"]).replace("，", ",").split(",")),
        fail_share=tally.parse_share(params["fail_share"]), pass_share=tally.parse_share(params["pass_share"]))


@transaction.atomic
def save_rules(user, row: BallotRules) -> BallotRules:
    _require(user, "manage", row.issuing_path(), "您无权修改该测评规则")
    check_rules(row)
    row.save()
    return row


# ---------------------------------------------------------------- setting a round up


def _editable(round: BallotRound, user, what: str) -> None:
    _require(user, "change", round.org_path, f"您无权修改“{round.title}”")
    if round.closed:
        raise ValidationError(f"“{round.title}”已结束，{what}不能再修改")


@transaction.atomic
def create_round(user, *, organization, title: str, year: int, mode: str, opens_on: dt.date, closes_on: dt.date,
                 rules_row: BallotRules, team=None, classes=None, note: str = "",
                 as_of: dt.date | None = None) -> BallotRound:
    """Set up a round; with a team, its subjects are the team and its current members; `classes`: the voter
    classes with weights (default: the rules row's, else 班子成员 30 / 中层干部 30 / 其他干部群众 40)."""
    _require(user, "change", organization.path, f"您无权在“{organization.name}”组织民主测评")
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "截止日期不能早于开始日期"})
    if team is not None and not team.org_path.startswith(organization.path):
        raise ValidationError({"team": f"“{team.name}”不在“{organization.name}”的范围内"})
    round = BallotRound(organization=organization, title=title.strip(), year=year, mode=mode, opens_on=opens_on,
                        closes_on=closes_on, rules=rules_row, team=team, note=note or "")
    round.full_clean(exclude=["org_path"])
    with audit.operation(round, "create") as op:
        round.save()
        for i, c in enumerate(classes or rules_row.classes or DEFAULT_CLASSES, 1):
            VoterClass.objects.create(round=round, name=c["name"], weight=Decimal(str(c["weight"])), order=i)
        if team is not None:
            n = add_team_subjects(user, round, team, as_of=as_of or opens_on)
            op.fact("测评对象", f"{team.name}及成员 {n - 1} 人")
    return round


@transaction.atomic
def add_team_subjects(user, round: BallotRound, team, as_of: dt.date) -> int:
    """Add the team and its members on `as_of` as subjects (those already there are kept)."""
    _editable(round, user, "测评对象")
    if round.status != BallotRound.Status.SETUP:
        raise ValidationError("测评已开始，不能再增加测评对象")
    have = set(BallotSubject.objects.unrestricted().filter(round=round).values_list("kind", "team_id", "cadre_id"))
    order = BallotSubject.objects.unrestricted().filter(round=round).count()
    added = 0
    if ("team", team.pk, None) not in have:
        order += 1
        BallotSubject.objects.create(round=round, kind="team", team=team, name=team.name, title="领导班子",
                                     order=order)
        added += 1
    for cadre, title in team_members(team, as_of):
        if ("leader", team.pk, cadre.pk) in have:
            continue
        order += 1
        BallotSubject.objects.create(round=round, kind="leader", team=team, cadre=cadre, name=cadre.name,
                                     title=title, order=order)
        added += 1
    return added


@transaction.atomic
def set_classes(user, round: BallotRound, classes: list[dict]) -> None:
    """Change the voter classes' weights and add new classes (a class that has codes is never removed)."""
    _editable(round, user, "投票人类别")
    existing = {c.name: c for c in VoterClass.objects.unrestricted().filter(round=round)}
    wanted = {c["name"] for c in classes}
    with audit.operation(round, "update", note="调整投票人类别和权重"):
        for i, c in enumerate(classes, 1):
            row = existing.get(c["name"]) or VoterClass(round=round, name=c["name"])
            row.weight, row.order = c["weight"], i
            row.save()
        for name, row in existing.items():
            if name not in wanted:
                if VoterCode.objects.unrestricted().filter(voter_class=row).exists():
                    raise ValidationError({"classes": f"类别“{name}”已发放投票码，不能删除（可将权重设为 0）"})
                row.delete()


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def issue_codes(user, voter_class: VoterClass, count: int) -> CodeBatch:
    """Issue `count` one-use codes for a class. Only their keyed hashes stay; the plain codes are sealed on the
    batch until its slips are printed."""
    round = voter_class.round
    _editable(round, user, "投票码")
    if not 1 <= count <= MAX_BATCH:
        raise ValidationError({"count": f"每次发放 1 至 {MAX_BATCH} 个"})
    codes, digests = [], set()
    kid = pii.digest_kid()
    while len(codes) < count:
        code = _new_code()
        d = pii.digest(code, CODE_PURPOSE, kid)
        if d in digests or VoterCode.objects.unrestricted().filter(digest=d).exists():
            continue
        codes.append(code)
        digests.add(d)
    with audit.operation(round, "update", note=f"发放投票码：{voter_class.name} {count} 个") as op:
        batch = CodeBatch.objects.create(round=round, voter_class=voter_class, count=count,
                                         sealed=pii.seal("\n".join(codes), SLIPS_PURPOSE))
        VoterCode.objects.bulk_create([VoterCode(round=round, voter_class=voter_class, batch=batch,
                                                 digest=pii.digest(c, CODE_PURPOSE, kid), key_id=kid) for c in codes])
        op.fact("发放投票码", f"{voter_class.name} {count} 个")
    return batch


def slip_codes(batch: CodeBatch) -> list[str]:
    """The plain codes of a batch whose slips are not printed yet (empty after printing)."""
    if not batch.sealed:
        return []
    return [shown(c) for c in pii.unseal(batch.sealed, SLIPS_PURPOSE).split("\n") if c]


@transaction.atomic
def confirm_printed(user, batch: CodeBatch) -> None:
    """The slips are printed: erase the plain codes (only the keyed hashes remain)."""
    _require(user, "change", batch.org_path, "您无权处理该批投票码")
    if not batch.sealed:
        return
    batch.sealed = ""
    batch.printed_at = timezone.now()
    with audit.operation(batch, "update", note="投票码已打印，明文已销毁"):
        batch.save()


@transaction.atomic
def open_round(user, round: BallotRound) -> BallotRound:
    _editable(round, user, "测评")
    if round.status != BallotRound.Status.SETUP:
        raise ValidationError("测评已开始")
    if not BallotSubject.objects.unrestricted().filter(round=round).exists():
        raise ValidationError("请先设置测评对象")
    if not VoterCode.objects.unrestricted().filter(round=round).exists():
        raise ValidationError("请先发放投票码")
    round.status = BallotRound.Status.OPEN
    round.save()
    return round


# ---------------------------------------------------------------- voting (no login)


GUESSES = guesses.Guesses("ballot-client", GUESS_LIMIT, GUESS_MINUTES)


def _refuse(ip: str | None, message: str, now):
    """Count a wrong entry (in no transaction of ours: `cast` looks the code up before it opens one)."""
    GUESSES.count(ip, now)
    raise ValidationError({"code": message})


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def find_code(code: str, *, ip: str | None = None, today: dt.date | None = None) -> VoterCode:
    """The unused code of an open round, or a ValidationError in Chinese (unknown, used, round not open, too
    many tries). A wrong or used code counts towards the client's limit."""
    now = timezone.now()
    today = today or timezone.localdate()
    if GUESSES.throttled(ip, now):
        raise ValidationError({"code": GUESSES.message()})
    value = normalize(code)
    if not value:
        raise ValidationError({"code": "请输入投票码"})
    found = (VoterCode.objects.unrestricted().select_related("round", "voter_class")
             .filter(digest__in=pii.digests(value, CODE_PURPOSE)).first()) if len(value) == CODE_LENGTH else None
    if found is None:
        _refuse(ip, "投票码不存在，请核对后重新输入", now)
    if found.used:
        _refuse(ip, "该投票码已经投过票，每个投票码只能使用一次", now)
    round = found.round
    if round.status == BallotRound.Status.CLOSED or today > round.closes_on:
        raise ValidationError({"code": f"“{round.title}”已经结束，不能再投票"})
    if round.status != BallotRound.Status.OPEN or today < round.opens_on:
        raise ValidationError({"code": f"“{round.title}”尚未开始，请于 {_day(round.opens_on)}后投票"})
    return found


def ballot_subjects(round: BallotRound) -> list[BallotSubject]:
    return list(BallotSubject.objects.unrestricted().filter(round=round).order_by("order", "pk"))


def cast(code: str, marks: dict[int, int], *, ip: str | None = None, today: dt.date | None = None) -> Ballot:
    """Cast the ballot of a code: every subject graded (level 1..4). The code is used at most once, even by two
    submissions at the same moment; the ballot keeps the class and the day only."""
    today = today or timezone.localdate()
    found = find_code(code, ip=ip, today=today)
    subjects = ballot_subjects(found.round)
    missing = [s for s in subjects if marks.get(s.pk) not in tally.LEVELS]
    if missing:
        raise ValidationError({"marks": "请对每一位测评对象作出评价，尚未评价：" + "、".join(s.name for s in missing)})
    with transaction.atomic():
        if VoterCode.objects.unrestricted().filter(pk=found.pk, used=False).update(used=True) != 1:
            raise ValidationError({"code": "该投票码已经投过票，每个投票码只能使用一次"})
        ballot = Ballot.objects.create(round=found.round, voter_class_id=found.voter_class_id, cast_on=today)
        BallotMark.objects.bulk_create([BallotMark(ballot=ballot, subject=s, level=marks[s.pk]) for s in subjects])
    return ballot


# ---------------------------------------------------------------- turnout, results, closing


def turnout(round: BallotRound) -> list[dict]:
    """Per class: codes issued and used, and the share (no ballot is shown)."""
    counts = {r["voter_class"]: r for r in VoterCode.objects.unrestricted().filter(round=round).order_by()
              .values("voter_class").annotate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))}
    out = []
    for c in VoterClass.objects.unrestricted().filter(round=round).order_by("order", "pk"):
        row = counts.get(c.pk, {"issued": 0, "used": 0})
        out.append({"class": c, "issued": row["issued"], "used": row["used"],
                    "share": tally.percent(row["used"], row["issued"])})
    return out


def _ballots(round: BallotRound) -> list[tally.Ballot]:
    by_ballot: dict = {}
    rows = (BallotMark.objects.unrestricted().filter(ballot__round=round).order_by()
            .values_list("ballot_id", "ballot__voter_class_id", "subject_id", "level"))
    for bid, cid, sid, level in rows:
        by_ballot.setdefault(bid, (cid, {}))[1][sid] = level
    return [tally.Ballot(cid, marks) for cid, marks in by_ballot.values()]


def compute(round: BallotRound, params: dict | None = None):
    """Count a round now (a closed round's frozen result is on its subjects: see `results`)."""
    params = params or params_of(round.rules)
    subjects = [tally.Subject(s.pk, s.kind, s.name) for s in ballot_subjects(round)]
    classes = {c.pk: (c.name, c.weight) for c in VoterClass.objects.unrestricted().filter(round=round)
               .order_by("order", "pk")}
    return tally.tally(subjects, classes, _ballots(round), tally_rules(params))


def results(round: BallotRound) -> tuple[list[tuple[BallotSubject, dict]], dict, dict]:
    """(subject, result dict) in order, the totals and the rules' numbers: frozen for a closed round, counted
    now for an open one."""
    subjects = ballot_subjects(round)
    if round.closed:
        return [(s, s.result) for s in subjects], round.results, round.params
    params = params_of(round.rules)
    found, totals = compute(round, params)
    return [(s, found[s.pk].as_dict()) for s in subjects], totals, params


@transaction.atomic
def close_round(user, round: BallotRound, today: dt.date | None = None) -> BallotRound:
    """Close a round: count it with its rules, freeze the results on the subjects and the rules on the round,
    erase the slips not yet printed. Audited; nothing changes afterwards but the follow-up of flagged subjects."""
    _editable(round, user, "测评")
    round = BallotRound.objects.unrestricted().select_for_update().get(pk=round.pk)
    if round.status != BallotRound.Status.OPEN:
        raise ValidationError("测评尚未开始，不能结束")
    params = params_of(round.rules)
    found, totals = compute(round, params)
    flagged = 0
    with audit.operation(round, "update", note="结束测评，结果已固定") as op:
        for s in ballot_subjects(round):
            r = found[s.pk]
            s.result, s.flagged = r.as_dict(), r.flagged
            flagged += r.flagged
            s.save()
        round.params = params
        round.results = {**totals, "per_class": {str(k): v for k, v in totals["per_class"].items()}}
        round.status, round.closed_on, round.closed_by = BallotRound.Status.CLOSED, today or timezone.localdate(), user
        round.follow_up_by = round.closed_on + dt.timedelta(days=int(params["follow_up_days"]))
        round.save()
        for batch in CodeBatch.objects.unrestricted().filter(round=round).exclude(sealed=""):
            batch.sealed = ""
            batch.save()
        op.fact("收回票数", totals["ballots"])
        op.fact("无效票", totals["void"])
        op.fact("需关注对象", flagged)
    return round


@transaction.atomic
def record_follow_up(user, subject: BallotSubject, *, follow_up: str, on: dt.date, note: str = "") -> BallotSubject:
    _require(user, "change", subject.org_path, "您无权登记处理情况")
    if not subject.round.closed:
        raise ValidationError({"follow_up": "测评结束后才能登记处理情况"})
    if on < subject.round.closed_on:
        raise ValidationError({"on": "处理日期不能早于测评结束日期"})
    subject.follow_up, subject.follow_up_on, subject.follow_up_note = follow_up, on, note or ""
    subject.full_clean(exclude=["org_path"])
    subject.save()
    return subject


GRADE_CHOICES = {"team": TeamGrade.choices, "leader": LeaderGrade.choices}
