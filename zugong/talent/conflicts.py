"""Conflicts of interest between experts and applications, found from zugong's own records before a round is
assigned (set-based: a fixed number of queries for any number of applications and experts).

The kinds and how each is found:

- 同一单位 (SAME_UNIT): the expert works in the applicant's unit — the expert's unit is the application's unit
  (the same `orgs.Unit` row), or the two units' names are equal once normalised (spaces and brackets' width
  ignored: an expert outside the system has only a unit name), or the expert is a cadre of zugong whose cadre
  record's unit is the application's unit. A unit's subordinate units are not the same unit.
- 亲属关系 (FAMILY): the applicant's cadre record (`cadres.FamilyMember`) names the expert — the same name, and
  the same birth year-month where both are known — or the expert's own cadre record names the applicant
  (same name and birth year-month, or the same name where the record gives no birth).
- 导师或上下级 (SUPERVISOR): the application names the expert as supervisor (the person, or the name when the
  supervisor is outside the system), or the expert holds a current post (`cadres.CadrePost` without an end)
  in the applicant's unit above the applicant (a higher rank in the cadre records, or any such post when the
  applicant is not a cadre).
- 合作申报人 (CO_APPLICANT): the expert is a co-applicant of the application — the same person, or the same
  name and unit (or the same name where the co-applicant's unit is not given).
- 本人申报 (APPLICANT): the expert applies in the same edition: a conflict with every application of the same
  tier.
- 本人申明回避 (DECLARED): the rows an expert or the staff entered (`Conflict.declared`), read as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .models import Application, CoApplicant, Conflict, ConflictKind

__all__ = ["ConflictFound", "detect", "normalise"]

_SPACES = re.compile(r"\s+")
_WIDE = str.maketrans({"（": "(", "）": ")", "　": ""})


def normalise(name: str | None) -> str:
    """A unit's or a person's name for comparison: no spaces, brackets of one width."""
    return _SPACES.sub("", (name or "").translate(_WIDE))


@dataclass(frozen=True)
class ConflictFound:
    expert_id: int
    application_id: int
    kind: str
    evidence: str
    declared: bool = False


def _ym(date) -> str:
    return date.strftime("%Y%m") if date else ""


def _unit_name(obj) -> str:
    return normalise(obj.unit_name or (obj.unit.name if obj.unit_id and obj.unit else ""))


def detect(round_or_applications, experts) -> list[ConflictFound]:
    """Every conflict between `experts` (Expert rows) and the applications (a ReviewRound: its applications;
    or a list of Application rows), each with its evidence in Chinese; the declared rows of these pairs too.
    One entry per (expert, application, kind)."""
    from zugong.cadres.models import Cadre, CadrePost, FamilyMember

    applications = _applications(round_or_applications)
    experts = list(experts)
    if not applications or not experts:
        return []
    app_ids = [a.pk for a in applications]
    found: dict[tuple, ConflictFound] = {}

    def add(expert, app, kind, evidence, declared=False):
        key = (expert.pk, app.pk, kind)
        if key not in found:
            found[key] = ConflictFound(expert.pk, app.pk, kind, evidence[:300], declared)

    # The cadre records of the applicants and of the experts who are people of zugong.
    applicant_ids = {a.person_id for a in applications}
    expert_person_ids = {e.person_id for e in experts if e.person_id}
    cadres = {c.person_id: c for c in Cadre.objects.unrestricted()
              .filter(person_id__in=applicant_ids | expert_person_ids)
              .only("id", "person_id", "unit_id", "rank_order")}
    cadre_person = {c.pk: pid for pid, c in cadres.items()}
    family_by_person: dict[int, list] = defaultdict(list)
    for fm in (FamilyMember.objects.unrestricted().filter(cadre_id__in=list(cadre_person))
               .only("cadre_id", "name", "relation", "birth_text")):
        family_by_person[cadre_person[fm.cadre_id]].append(fm)
    expert_cadre_ids = [cadres[p].pk for p in expert_person_ids if p in cadres]
    posts_by_unit: dict[int, list] = defaultdict(list)
    for post in (CadrePost.objects.unrestricted().filter(cadre_id__in=expert_cadre_ids, end_on=None)
                 .exclude(unit=None).only("cadre_id", "unit_id", "title", "unit_name")):
        posts_by_unit[post.unit_id].append((cadre_person[post.cadre_id], post))

    # The experts' unit names in one query (an expert's unit row is not loaded with it).
    from zugong.orgs.models import Unit

    unit_names = dict(Unit.objects.unrestricted().filter(pk__in={e.unit_id for e in experts if e.unit_id})
                      .values_list("pk", "name"))
    for e in experts:
        e.unit_label = e.unit_name or unit_names.get(e.unit_id, "")

    # Indexes of the experts.
    by_unit: dict[int, list] = defaultdict(list)
    by_unit_name: dict[str, list] = defaultdict(list)
    by_person: dict[int, object] = {}
    by_name: dict[str, list] = defaultdict(list)
    for e in experts:
        if e.unit_id:
            by_unit[e.unit_id].append((e, "专家工作单位"))
        if e.person_id and e.person_id in cadres and cadres[e.person_id].unit_id \
                and cadres[e.person_id].unit_id != e.unit_id:
            by_unit[cadres[e.person_id].unit_id].append((e, "专家干部档案所在单位"))
        name = normalise(e.unit_label)
        if name:
            by_unit_name[name].append(e)
        if e.person_id:
            by_person[e.person_id] = e
        by_name[normalise(e.name)].append(e)
    expert_family: dict[str, list] = defaultdict(list)
    for pid, e in by_person.items():
        for fm in family_by_person.get(pid, ()):
            expert_family[normalise(fm.name)].append((e, fm))
    person_birth = dict(_people_births(applicant_ids | expert_person_ids))

    co_by_app: dict[int, list] = defaultdict(list)
    for co in CoApplicant.objects.unrestricted().filter(application_id__in=app_ids):
        co_by_app[co.application_id].append(co)

    # The experts who apply in these editions themselves.
    editions = {a.edition_id for a in applications}
    own = list(Application.objects.unrestricted().filter(edition_id__in=editions,
                                                         person_id__in=list(expert_person_ids))
               .values_list("person_id", "edition_id", "tier_id", "tier__name"))

    for app in applications:
        # Same unit.
        for e, what in by_unit.get(app.unit_id, ()) if app.unit_id else ():
            add(e, app, ConflictKind.SAME_UNIT, f"{what}与申报人工作单位同为“{_unit_label(app)}”")
        name = _unit_name(app)
        for e in by_unit_name.get(name, ()) if name else ():
            add(e, app, ConflictKind.SAME_UNIT, f"专家工作单位“{e.unit_label}”与申报人工作单位名称相同")
        # Family: the applicant's cadre record names the expert.
        for fm in family_by_person.get(app.person_id, ()):
            for e in by_name.get(normalise(fm.name), ()):
                known = person_birth.get(e.person_id, "")
                if fm.birth_text and known and fm.birth_text[:6] != known:
                    continue
                born = f"（出生年月{fm.birth_text[:6]}）" if fm.birth_text else ""
                add(e, app, ConflictKind.FAMILY,
                    f"申报人干部档案“家庭成员及重要社会关系”载明其{fm.relation}{fm.name}{born}，与专家同名")
        # Family: an expert's cadre record names the applicant.
        applicant_birth = person_birth.get(app.person_id, "")
        applicant_name = getattr(app, "person_name", None) or app.person.name
        for e, fm in expert_family.get(normalise(applicant_name), ()):
            if not fm.birth_text or fm.birth_text[:6] == applicant_birth:
                add(e, app, ConflictKind.FAMILY,
                    f"专家干部档案“家庭成员及重要社会关系”载明其{fm.relation}{fm.name}，即申报人")
        # Supervisor named on the application.
        if app.supervisor_id and app.supervisor_id in by_person:
            add(by_person[app.supervisor_id], app, ConflictKind.SUPERVISOR, "申报书载明专家为申报人的导师或直接上级")
        elif app.supervisor_name:
            for e in by_name.get(normalise(app.supervisor_name), ()):
                add(e, app, ConflictKind.SUPERVISOR,
                    f"申报书载明导师或直接上级“{app.supervisor_name}”，与专家同名")
        # A leader above the applicant in the applicant's unit.
        if app.unit_id:
            applicant_cadre = cadres.get(app.person_id)
            for pid, post in posts_by_unit.get(app.unit_id, ()):
                if pid == app.person_id or pid not in by_person:
                    continue
                if applicant_cadre and cadres[pid].rank_order >= applicant_cadre.rank_order:
                    continue
                add(by_person[pid], app, ConflictKind.SUPERVISOR,
                    f"专家现任申报人所在单位“{_unit_label(app)}”{post.title}，为申报人的上级")
        # Co-applicants.
        for co in co_by_app.get(app.pk, ()):
            if co.person_id and co.person_id in by_person:
                add(by_person[co.person_id], app, ConflictKind.CO_APPLICANT, f"专家为本申报的合作申报人（{co.name}）")
                continue
            for e in by_name.get(normalise(co.name), ()):
                if co.unit_name and normalise(co.unit_name) != normalise(e.unit_label):
                    continue
                where = f"（{co.unit_name}）" if co.unit_name else ""
                add(e, app, ConflictKind.CO_APPLICANT, f"合作申报人“{co.name}”{where}与专家同名同单位")
        # The expert applies in the same edition and tier.
        for pid, edition_id, tier_id, tier_name in own:
            if edition_id == app.edition_id and tier_id == app.tier_id and pid in by_person \
                    and pid != app.person_id:
                add(by_person[pid], app, ConflictKind.APPLICANT, f"专家本人申报本批次“{tier_name}”层次，与同层次申报回避")
        if app.person_id in by_person:
            add(by_person[app.person_id], app, ConflictKind.APPLICANT, "专家即申报人本人")

    # Declared conflicts, as entered.
    expert_ids = [e.pk for e in experts]
    for c in Conflict.objects.unrestricted().filter(declared=True, application_id__in=app_ids,
                                                     expert_id__in=expert_ids):
        found.setdefault((c.expert_id, c.application_id, c.kind),
                         ConflictFound(c.expert_id, c.application_id, c.kind, c.evidence or "本人申明回避", True))
    return list(found.values())


def _unit_label(obj) -> str:
    return obj.unit_name or (obj.unit.name if obj.unit_id and obj.unit else "")


def _people_births(person_ids) -> list[tuple[int, str]]:
    from zugong.people.models import Person

    return [(pid, _ym(born)) for pid, born in
            Person.objects.unrestricted().filter(pk__in=list(person_ids)).values_list("pk", "birth_date")]


def _applications(source) -> list:
    from .models import ReviewRound

    if isinstance(source, ReviewRound):
        return list(round_applications(source))
    return list(source)


def round_applications(rnd):
    """The applications a round reviews: the edition's applications (of the round's tier, if any) that passed
    资格审查, and those the round already assigned or reviewed."""
    from django.db.models import F, Q

    qs = Application.objects.unrestricted().filter(edition_id=rnd.edition_id)
    if rnd.tier_id:
        qs = qs.filter(tier_id=rnd.tier_id)
    q = Q(status=Application.Status.QUALIFIED)
    if rnd.pk:
        from .models import Assignment

        q |= Q(pk__in=Assignment.objects.unrestricted().filter(round=rnd).values("application_id"))
    return (qs.filter(q).select_related("unit", "tier").annotate(person_name=F("person__name"))
            .only(*APPLICATION_FIELDS).order_by("pk"))


# What detection, assignment and the round page read of an application (not the person's sealed fields).
APPLICATION_FIELDS = ("id", "org_path", "edition_id", "tier_id", "tier__name", "tier__order", "person_id",
                      "organization_id", "unit_id", "unit__name", "unit_name", "field", "supervisor_id",
                      "supervisor_name", "status")
