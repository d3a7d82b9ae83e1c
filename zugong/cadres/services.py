"""Cadre operations: create and edit records, appoint to and remove from posts, change ranks, edit the
sub-records. Each is authorized ("change" on the cadre's organization), transactional and audited (the
models are AuditedModel: every save and delete writes the field diff to the audit log).

Other apps change posts and ranks only through `appoint`, `end_post` and `set_rank`.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from zugong.core import audit, rules, scope
from zugong.orgs.models import Organization, Unit
from zugong.people.models import Person

from . import ranks
from .models import (
    AnnualAssessment,
    Cadre,
    CadreChild,
    CadrePost,
    Education,
    FamilyMember,
    RankRecord,
    ResumeEntry,
    RewardPunishment,
    TrainingRecord,
)

CADRE_FIELDS = (
    "unit", "unit_name", "work_started_on", "party_status", "party_joined_on", "party_joined_text", "health",
    "professional_title", "specialty", "rewards_text", "assessment_text", "post_order", "status", "note",
)
# The sub-records edited on the cadre page, by URL key.
CHILD_MODELS: dict[str, type[CadreChild]] = {
    "post": CadrePost,
    "rank": RankRecord,
    "resume": ResumeEntry,
    "education": Education,
    "reward": RewardPunishment,
    "assessment": AnnualAssessment,
    "family": FamilyMember,
    "training": TrainingRecord,
}
TITLE_SEPARATOR = "，"


def _require(user, cadre_or_path, message: str = "您无权修改该干部的信息") -> None:
    path = cadre_or_path if isinstance(cadre_or_path, str) else cadre_or_path.org_path
    if user is not None and not scope.can(user, "change", path):
        raise PermissionDenied(message)


def _clean(obj, exclude=("org_path", "cadre")) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=False)


# ---------------------------------------------------------------- the record


@transaction.atomic
def create_cadre(user, person: Person, organization: Organization, **fields) -> Cadre:
    """Open a cadre record for a person, managed by `organization` (干部管理权限所在的党委)."""
    _require(user, organization.path, f"您无权在“{organization.name}”建立干部信息")
    _require(user, person.org_path, f"您无权修改“{person.name}”的信息")
    unknown = set(fields) - set(CADRE_FIELDS) - {"rank", "rank_since"}
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    if Cadre.objects.unrestricted().filter(person=person).exists():
        raise ValidationError(f"“{person.name}”已有干部信息")
    cadre = Cadre(person=person, organization=organization, **fields)
    cadre.refresh_derived()
    _clean(cadre, exclude=("org_path", "person", "organization"))
    with scope.bypass():
        cadre.save()
        if cadre.rank:
            RankRecord.objects.create(cadre=cadre, rank=cadre.rank, start_on=cadre.rank_since or dt.date.today())
    return cadre


@transaction.atomic
def update_cadre(user, cadre: Cadre, **fields) -> Cadre:
    """Edit the basic data of the record (rank and posts change through set_rank / appoint / end_post)."""
    _require(user, cadre)
    unknown = set(fields) - set(CADRE_FIELDS) - {"organization"}
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    if "organization" in fields:
        _require(user, fields["organization"].path, f"您无权把干部交由“{fields['organization'].name}”管理")
    for k, v in fields.items():
        setattr(cadre, k, v)
    cadre.refresh_derived()
    _clean(cadre, exclude=("org_path", "person", "organization"))
    with scope.bypass():
        cadre.save()
        if "organization" in fields:
            for model in CHILD_MODELS.values():
                model.objects.unrestricted().filter(cadre=cadre).update(org_path=cadre.org_path)
    return cadre


# ---------------------------------------------------------------- posts and ranks


def current_posts(cadre: Cadre):
    return CadrePost.objects.unrestricted().filter(cadre=cadre, end_on__isnull=True).order_by(
        "-is_main", "order", "start_on", "pk"
    )


def refresh_current(cadre: Cadre) -> None:
    """Recompute 现任职务, 任现职时间 and the work unit from the current posts (no save)."""
    posts = list(current_posts(cadre).select_related("unit"))
    cadre.current_title = TITLE_SEPARATOR.join(p.full_title for p in posts)[:200]
    main = next((p for p in posts if p.is_main), posts[0] if posts else None)
    cadre.post_started_on = main.start_on if main else None
    if main and main.unit_id:
        cadre.unit = main.unit
        cadre.unit_name = ""
    elif main and main.unit_name:
        cadre.unit = None
        cadre.unit_name = main.unit_name


def _change_rank(cadre: Cadre, rank: str, start_on: dt.date, document_no: str = "") -> RankRecord | None:
    if not rank or rank == cadre.rank:
        return None
    if ranks.rank(rank) is None:
        raise ValidationError({"rank": f"未知的职级：{rank}"})
    RankRecord.objects.unrestricted().filter(cadre=cadre, end_on__isnull=True).update(end_on=start_on)
    record = RankRecord(cadre=cadre, rank=rank, start_on=start_on, document_no=document_no)
    record.save()
    cadre.rank = rank
    cadre.rank_since = start_on
    return record


def _add_resume(cadre: Cadre, start_on: dt.date, text: str) -> None:
    month = start_on.replace(day=1)
    open_rows = ResumeEntry.objects.unrestricted().filter(cadre=cadre, end_on__isnull=True)
    for row in open_rows:
        row.end_on = max(month, row.start_on)
        row.save()
    last = ResumeEntry.objects.unrestricted().filter(cadre=cadre).aggregate(m=Max("order"))["m"] or 0
    ResumeEntry(cadre=cadre, start_on=month, text=text, order=last + 1).save()


@transaction.atomic
def appoint(
    cadre: Cadre,
    *,
    user,
    title: str,
    start_on: dt.date,
    unit: Unit | None = None,
    unit_name: str = "",
    rank: str = "",
    appointment_method: str = CadrePost.Method.APPOINTED,
    document_no: str = "",
    is_main: bool = True,
    replaces: CadrePost | Iterable[CadrePost] | None = None,
    end_current: bool = False,
    update_rank: bool = True,
    add_resume: bool = True,
    rule_codes: Iterable[str] = (),
    exception_reason: str = "",
) -> CadrePost:
    """Appoint a cadre to a post (任职).

    Adds a CadrePost; ends the post(s) it `replaces` (or, with `end_current`, every current post) on
    `start_on`; when the post carries a rank different from the cadre's (and is the main post), the rank
    changes from `start_on` with a RankRecord; 现任职务 and the work unit follow the current posts; a main
    post opens a new résumé segment. `rule_codes` are enforced after the change (refusal rolls it back).
    """
    _require(user, cadre)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写职务名称"})
    if start_on is None:
        raise ValidationError({"start_on": "请填写任职时间"})
    if rank and ranks.rank(rank) is None:
        raise ValidationError({"rank": f"未知的职级：{rank}"})
    if unit is not None and not scope.can(user, "view", unit.org_path) and user is not None:
        raise PermissionDenied(f"您无权选择单位“{unit.name}”")
    with scope.bypass():
        to_end: list[CadrePost] = []
        if end_current:
            to_end = list(current_posts(cadre))
        elif replaces is not None:
            to_end = [replaces] if isinstance(replaces, CadrePost) else list(replaces)
        for old in to_end:
            if old.cadre_id != cadre.pk:
                raise ValidationError("被替换的职务不属于该干部")
            if old.end_on is None:
                if start_on < old.start_on:
                    raise ValidationError({"start_on": f"任职时间早于原职务“{old.full_title}”的任职时间"})
                old.end_on = start_on
                old.end_document_no = old.end_document_no or document_no
                old.save()
        last = CadrePost.objects.unrestricted().filter(cadre=cadre).aggregate(m=Max("order"))["m"] or 0
        post = CadrePost(
            cadre=cadre, title=title, unit=unit, unit_name="" if unit else unit_name, rank=rank,
            start_on=start_on, appointment_method=appointment_method, document_no=document_no,
            is_main=is_main, order=last + 1,
        )
        _clean(post)
        post.save()
        if is_main and rank and update_rank:
            _change_rank(cadre, rank, start_on, document_no)
        refresh_current(cadre)
        cadre.save()
        if is_main and add_resume:
            _add_resume(cadre, start_on, post.full_title)
        if rule_codes:
            rules.enforce(rule_codes, post, user=user, exception_reason=exception_reason)
    return post


@transaction.atomic
def end_post(post: CadrePost, on: dt.date, user, document_no: str = "", note: str = "") -> CadrePost:
    """Remove a cadre from a post (免职) on `on`; 现任职务 follows. The rank stays (it changes only by
    appointment or set_rank)."""
    cadre = post.cadre
    _require(user, cadre)
    if post.end_on is not None:
        raise ValidationError(f"“{post.full_title}”已于 {post.end_on:%Y-%m-%d} 免去")
    if on is None or on < post.start_on:
        raise ValidationError({"end_on": "免职时间不能早于任职时间"})
    with scope.bypass():
        post.end_on = on
        post.end_document_no = document_no
        post.save()
        refresh_current(cadre)
        cadre.save()
    return post


@transaction.atomic
def set_rank(cadre: Cadre, rank: str, start_on: dt.date, user, document_no: str = "") -> RankRecord | None:
    """Change the cadre's rank (职级晋升/调整) from `start_on`, keeping the history."""
    _require(user, cadre)
    if ranks.rank(rank) is None:
        raise ValidationError({"rank": f"未知的职级：{rank}"})
    with scope.bypass():
        record = _change_rank(cadre, rank, start_on, document_no)
        cadre.save()
    return record


# ---------------------------------------------------------------- sub-records


@transaction.atomic
def save_child(user, cadre: Cadre, obj: CadreChild) -> CadreChild:
    """Add or edit a sub-record (résumé segment, education, family member …)."""
    _require(user, cadre)
    if obj.pk and obj.cadre_id != cadre.pk:
        raise PermissionDenied("该记录不属于此干部")
    obj.cadre = cadre
    _clean(obj)
    if isinstance(obj, AnnualAssessment) and AnnualAssessment.objects.unrestricted().filter(
            cadre=cadre, year=obj.year).exclude(pk=obj.pk).exists():
        raise ValidationError({"year": f"{obj.year}年的年度考核已登记，请修改原记录"})
    with scope.bypass():
        if not obj.pk and not obj.order:
            last = type(obj).objects.unrestricted().filter(cadre=cadre).aggregate(m=Max("order"))["m"] or 0
            obj.order = last + 1
        obj.save()
        if isinstance(obj, (CadrePost, RankRecord)):
            _resync(cadre)
    return obj


@transaction.atomic
def delete_child(user, obj: CadreChild) -> None:
    cadre = obj.cadre
    _require(user, cadre)
    with scope.bypass():
        obj.delete()
        if isinstance(obj, (CadrePost, RankRecord)):
            _resync(cadre)


def _resync(cadre: Cadre) -> None:
    """After a post or rank record is edited by hand: 现任职务 and the current rank follow the records."""
    refresh_current(cadre)
    current = RankRecord.objects.unrestricted().filter(cadre=cadre, end_on__isnull=True).order_by("-start_on").first()
    if current:
        cadre.rank, cadre.rank_since = current.rank, current.start_on
    cadre.save()


def resume_text(cadre: Cadre) -> str:
    """The résumé as written on the 任免审批表: one `YYYY.MM--YYYY.MM  单位及职务` line per segment."""
    rows = ResumeEntry.objects.unrestricted().filter(cadre=cadre).order_by("start_on", "order", "pk")
    return "\n".join(r.line for r in rows)


def assessment_summary(cadre: Cadre) -> str:
    """年度考核结果 in the form's wording, from the yearly records: 2022年、2023年年度考核均为称职，2024年年度考核为优秀。"""
    rows = list(AnnualAssessment.objects.unrestricted().filter(cadre=cadre).order_by("year"))
    if not rows:
        return cadre.assessment_text
    return _summary_text(rows)


def _summary_text(rows) -> str:
    groups: list[tuple[str, list[int]]] = []
    for r in rows:
        g = r.get_grade_display()
        if groups and groups[-1][0] == g:
            groups[-1][1].append(r.year)
        else:
            groups.append((g, [r.year]))
    parts = []
    for grade, years in groups:
        ys = "、".join(f"{y}年" for y in years)
        word = "均为" if len(years) > 1 else "为"
        if grade == "不定等次":
            parts.append(f"{ys}年度考核不定等次")
        else:
            parts.append(f"{ys}年度考核{word}{grade}")
    return "，".join(parts) + "。"


@transaction.atomic
def record_annual_grades(grades: Iterable[tuple[int, int, str, str]]) -> int:
    """Write confirmed annual grades into the cadre records: (person id, year, grade code, note) for each; people
    without a cadre record are skipped. A year's row is created or updated (`AnnualAssessment`, one per cadre and
    year) and 年度考核结果 (`assessment_text`, what the 任免审批表 and the .lrmx export print) follows the rows.
    Called by the annual assessment when it confirms results (inside its audited operation; the caller has checked
    the user's right to confirm). Returns the number of cadre records changed."""
    wanted: dict[int, dict[int, tuple[str, str]]] = {}
    for person_id, year, grade, note in grades:
        wanted.setdefault(person_id, {})[year] = (grade, note[:200])
    if not wanted:
        return 0
    cadres = {c.person_id: c for c in Cadre.objects.unrestricted().filter(person_id__in=list(wanted))}
    if not cadres:
        return 0
    years = {y for by_year in wanted.values() for y in by_year}
    existing = {(a.cadre_id, a.year): a for a in AnnualAssessment.objects.unrestricted().filter(
        cadre__in=list(cadres.values()), year__in=years)}
    changed = set()
    with audit.operation(None, "update") as op:  # joins the caller's operation
        new_rows = []
        for person_id, cadre in cadres.items():
            for year, (grade, note) in wanted[person_id].items():
                row = existing.get((cadre.pk, year))
                if row is None:
                    new_rows.append(AnnualAssessment(cadre=cadre, org_path=cadre.org_path, year=year, grade=grade,
                                                     note=note))
                    changed.add(cadre.pk)
                elif (row.grade, row.note) != (grade, note):
                    row.grade, row.note = grade, note
                    row.save(update_fields=["grade", "note", "updated_at"])
                    changed.add(cadre.pk)
        if new_rows:
            op.created(AnnualAssessment.objects.bulk_create(new_rows))
        # 年度考核结果 is derived from the rows just written (audited above): one query for them, one bulk update.
        texts = _summaries([pk for pk in changed])
        stale = [c for c in cadres.values() if c.pk in texts and texts[c.pk] != c.assessment_text]
        for c in stale:
            c.assessment_text = texts[c.pk]
        Cadre.objects.bulk_update(stale, ["assessment_text"], batch_size=500)
    return len(changed)


def _summaries(cadre_ids: list[int]) -> dict[int, str]:
    """`assessment_summary` of many cadres from their rows (one query a 2,000 ids)."""
    rows: dict[int, list] = {}
    for i in range(0, len(cadre_ids), 2000):
        for r in AnnualAssessment.objects.unrestricted().filter(cadre_id__in=cadre_ids[i:i + 2000]).order_by("year"):
            rows.setdefault(r.cadre_id, []).append(r)
    return {pk: _summary_text(found) for pk, found in rows.items()}
