"""AdFormData ↔ Person + Cadre + sub-records + AdForm.

- `form_of(cadre)`: the form of a cadre, as exported and printed (到龄年月 computed by the reform's rule).
- `values_of(form)`: what a form says in the models' terms (codes, dates), with the problems found.
- `plan(form, user, organization)`: whom the form is about (matched by ID number, else by name and birth
  month among the people the user may change) and what would change — the preview; writes nothing.
- `apply(plan, form, user, note)`: write it (the caller holds the transaction).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from zugong.cadres import services as cadre_services
from zugong.cadres.models import AnnualAssessment, Cadre, Education, FamilyMember, ResumeEntry
from zugong.core import audit, pii, scope
from zugong.people import idnumber
from zugong.people import services as people_services
from zugong.people.models import Person
from zugong.core.refdata import EDUCATION, ETHNICITIES, POLITICAL_STATUS, lookup

from . import resume as resume_text
from .formdata import AdFormData, FamilyItem, FormError, date_text, month_date, normalize_date
from .models import AdForm
from .retirement import base_age_for, pre_reform_text, retirement_age

SEX_LABEL = {"1": "男", "2": "女"}
SEX_CODE = {"男": "1", "女": "2"}
EDUCATION_RANK = {"11": 0, "14": 1, "10": 2, "20": 3, "30": 4, "40": 5, "60": 6, "70": 7, "80": 8, "90": 9}
GRADES = {label: value for value, label in AnnualAssessment.Grade.choices}
_ASSESSMENT = re.compile(r"((?:\d{4}\s*年?\s*[、，,和及至\-—~]*\s*)+)年度考核(?:结果)?(?:均|都)?(?:为|是|评为|确定为)?"
                         r"(优秀|基本称职|不称职|称职|基本合格|不合格|合格|不定等次)")
LIMITS = {  # model field lengths: longer text is refused with the reason, never cut
    "native_place": ("籍贯", 50), "birthplace": ("出生地", 50), "health": ("健康状况", 20),
    "professional_title": ("专业技术职务", 60), "specialty": ("熟悉专业有何专长", 200),
    "submitting_unit": ("呈报单位", 200), "filled_by": ("填表人", 50), "version": ("版本", 20),
    "pre_reform_age_limit": ("改革前任职年龄界限", 60),
}


class Status:
    NEW = "new"
    MATCHED_ID = "matched_id"
    MATCHED_NAME = "matched_name"
    OUT_OF_SCOPE = "out_of_scope"
    ERROR = "error"

    LABELS = {NEW: "新增人员", MATCHED_ID: "按身份证号匹配", MATCHED_NAME: "按姓名和出生年月匹配，需确认",
              OUT_OF_SCOPE: "不在管辖范围，未导入", ERROR: "无法导入"}


@dataclass
class Plan:
    status: str
    person_id: int | None = None
    cadre_id: int | None = None
    who: str = ""  # the matched person, as shown (name, organization)
    changes: list[dict] = field(default_factory=list)  # {"label", "old", "new"}
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]

    def as_dict(self) -> dict:
        return {"status": self.status, "label": self.label, "person_id": self.person_id, "cadre_id": self.cadre_id,
                "who": self.who, "changes": self.changes, "warnings": self.warnings, "error": self.error}


# ---------------------------------------------------------------- form → values


@dataclass
class Values:
    person: dict
    cadre: dict
    adform: dict
    resume: list[resume_text.Entry]
    educations: list[dict]
    family: list[dict]
    assessments: dict[int, str]
    current_post: str
    photo: bytes | None
    warnings: list[str]


def _party(text: str) -> tuple[str, dt.date | None, str]:
    """(政治面貌 code, 入党时间, text) from the form's 入党时间 field."""
    if not text:
        return "13", None, ""
    date, sep, name = text.partition("；")
    if re.fullmatch(r"\d{6}(\d{2})?", date):
        return ("01" if not name else _party_code(name)), month_date(date), name
    return _party_code(text), None, text


def _party_code(name: str) -> str:
    code = lookup(POLITICAL_STATUS, name)
    if code:
        return code
    for code, label in POLITICAL_STATUS:
        if len(name) >= 2 and (label.startswith(name[:2]) or name.startswith(label[:2])):
            return code
    return "12" if "无党派" in name else "13"


def highest_education(*texts: str) -> str:
    codes = [c for c in (lookup(EDUCATION, t) for t in texts if t) if c]
    return min(codes, key=lambda c: EDUCATION_RANK.get(c, 99)) if codes else ""


def assessments_of(text: str) -> dict[int, str]:
    """年度考核结果 text → {year: grade}: `2022年、2023年年度考核均为称职，2024年年度考核为优秀。`"""
    out: dict[int, str] = {}
    for m in _ASSESSMENT.finditer(text or ""):
        for year in re.findall(r"\d{4}", m.group(1)):
            out[int(year)] = GRADES[m.group(2)]
    return out


def values_of(form: AdFormData) -> Values:
    """What a form says, in the models' terms; raises FormError for what cannot be stored."""
    warnings = list(form.notes)
    if form.unknown:
        warnings.append("未识别的字段（未导入）：" + "、".join(form.unknown))
    for attr, (label, limit) in LIMITS.items():
        if len(getattr(form, attr) or "") > limit:
            raise FormError(f"{label}超过 {limit} 个字（{len(getattr(form, attr))} 个），请在任免表编辑器中改短")
    id_number = ""
    id_info = None
    if form.id_number:
        try:
            id_info = idnumber.parse_id_number(form.id_number)
        except idnumber.IdNumberError as exc:
            raise FormError(f"公民身份号码“{form.id_number}”不正确：{exc}") from None
        id_number = id_info.number
    sex = SEX_CODE.get(form.sex.strip(), "")
    if id_info:
        id_sex = SEX_CODE[id_info.sex]
        if sex and sex != id_sex:
            warnings.append(f"性别“{form.sex}”与公民身份号码不一致，以公民身份号码为准")
        sex = id_sex
    if form.sex and form.sex.strip() not in SEX_CODE:
        warnings.append(f"性别“{form.sex}”无法识别")
    birth = month_date(form.birth)
    if id_info:
        if birth and (birth.year, birth.month) != (id_info.birth_date.year, id_info.birth_date.month):
            warnings.append(f"出生年月 {form.birth} 与公民身份号码不一致，以公民身份号码为准")
        birth = id_info.birth_date
    ethnicity = lookup(ETHNICITIES, form.ethnicity) if form.ethnicity else None
    if form.ethnicity and not ethnicity:
        warnings.append(f"民族“{form.ethnicity}”不在 GB 3304 代码表中，记为“其他”")
        ethnicity = "97"
    party_status, party_on, party_text = _party(form.party_joined)
    if len(party_text) > 60:
        raise FormError("入党时间栏的文字超过 60 个字")
    person = {"name": form.name.strip()[:50], "sex": sex, "birth_date": birth, "id_number": id_number,
              "ethnicity": ethnicity or "01", "native_place": form.native_place, "birthplace": form.birthplace,
              "education": highest_education(form.fulltime_education, form.onjob_education)}
    cadre = {"party_status": party_status, "party_joined_on": party_on, "party_joined_text": party_text,
             "work_started_on": month_date(form.work_started), "health": form.health,
             "professional_title": form.professional_title, "specialty": form.specialty,
             "rewards_text": form.rewards, "assessment_text": form.assessment}
    adform = {"current_post": form.current_post, "proposed_post": form.proposed_post,
              "proposed_removal": form.proposed_removal, "reasons": form.reasons,
              "submitting_unit": form.submitting_unit, "age_as_of": form.age_as_of, "filled_on": form.filled_on,
              "filled_by": form.filled_by, "version": form.version, "retirement_month": form.retirement_month,
              "pre_reform_age_limit": form.pre_reform_age_limit, "resume_text": form.resume,
              "source": form.source_format}
    entries = resume_text.parse_resume(form.resume)
    for e in entries:
        if len(e.text) > 300 or len(e.during) > 300:
            raise FormError(f"简历“{e.text[:20]}…”一段超过 300 个字")
    educations = []
    for mode, prefix in ((Education.Mode.FULL_TIME, "fulltime"), (Education.Mode.ON_THE_JOB, "onjob")):
        e = {"education_text": getattr(form, f"{prefix}_education"), "degree_text": getattr(form, f"{prefix}_degree"),
             "institution": getattr(form, f"{prefix}_education_school"),
             "degree_institution": getattr(form, f"{prefix}_degree_school")}
        if any(e.values()):
            for k, limit in (("education_text", 60), ("degree_text", 60), ("institution", 200),
                             ("degree_institution", 200)):
                if len(e[k]) > limit:
                    raise FormError(f"学历学位“{e[k][:20]}…”超过 {limit} 个字")
            e["mode"] = mode
            e["education"] = lookup(EDUCATION, e["education_text"]) or ""
            educations.append(e)
    family = []
    for item in form.family:
        birth_text = item.birth
        try:
            birth_text = normalize_date(item.birth)[:6]
        except FormError:
            if item.birth:
                warnings.append(f"家庭成员{item.name}的出生日期“{item.birth}”不是日期，未导入该项")
            birth_text = ""
        deceased = bool(re.search("去世|已故|病故|逝世", item.work))
        row = {"relation": item.relation[:20], "name": item.name[:50], "birth_text": birth_text,
               "political_status": item.political_status[:20], "work": item.work[:200], "is_deceased": deceased}
        family.append(row)
    return Values(person, cadre, adform, entries, educations, family, assessments_of(form.assessment),
                  form.current_post, form.photo, warnings)


# ---------------------------------------------------------------- matching and preview


def _who(person: Person) -> str:
    return f"{person.name}（{person.organization.name}）"


def plan(form: AdFormData, user, organization) -> tuple[Plan, Values | None]:
    """Match the form to a person and list what would change; writes nothing."""
    try:
        values = values_of(form)
    except FormError as exc:
        return Plan(Status.ERROR, error=str(exc)), None
    p = values.person
    person = None
    status = Status.NEW
    if p["id_number"]:
        person = Person.objects.unrestricted().select_related("organization").filter(id_number=p["id_number"]).first()
        if person is not None:
            status = Status.MATCHED_ID
    else:
        if p["birth_date"] is None:
            return Plan(Status.ERROR, error="缺少公民身份号码和出生年月，无法确定是哪一位干部"), None
        candidates = list(
            Person.objects.visible_to(user, "change").select_related("organization")
            .filter(name=p["name"], birth_date__year=p["birth_date"].year, birth_date__month=p["birth_date"].month)[:3]
        )
        if len(candidates) > 1:
            names = "、".join(_who(c) for c in candidates)
            return Plan(Status.ERROR, error=f"缺少公民身份号码，且有多位同名同出生年月的人员（{names}），"
                                            "请在文件中补上公民身份号码"), None
        if not candidates:
            return Plan(Status.ERROR, error="缺少公民身份号码，管辖范围内也没有同名同出生年月的人员，无法新建"
                                            "（新建人员需要公民身份号码）"), None
        person = candidates[0]
        status = Status.MATCHED_NAME
    if person is not None:
        cadre = Cadre.objects.unrestricted().filter(person=person).first()
        if not scope.can(user, "view", person.org_path):  # not where, and rate-limited (issue 12, finding 6)
            return Plan(Status.OUT_OF_SCOPE, error=f"{people_services.registered_elsewhere(user)}，未导入"), None
        if not scope.can(user, "change", person.org_path) or (cadre and not scope.can(user, "change", cadre.org_path)):
            return Plan(Status.OUT_OF_SCOPE, error=f"{_who(person)}不在您可以修改的范围内，未导入"), None
        result = Plan(status, person.pk, cadre.pk if cadre else None, _who(person), warnings=values.warnings)
        result.changes = _changes(person, cadre, values)
        return result, values
    if not p["sex"]:
        return Plan(Status.ERROR, error="性别无法识别"), None
    if not scope.can(user, "change", organization.path):
        return Plan(Status.ERROR, error=f"您无权在“{organization.name}”登记人员"), None
    result = Plan(Status.NEW, who=f"{p['name']}（新建于{organization.name}）", warnings=values.warnings)
    result.changes = _changes(None, None, values)
    return result, values


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _changes(person: Person | None, cadre: Cadre | None, v: Values) -> list[dict]:
    """What importing the form would change, shown before the user confirms (a preview, not an audit entry)."""
    out = []

    def add(label, old, new):
        if _show(old) != _show(new):
            out.append({"label": label, "old": _show(old), "new": _show(new)})

    labels = {"name": "姓名", "sex": "性别", "birth_date": "出生日期", "ethnicity": "民族", "native_place": "籍贯",
              "birthplace": "出生地", "education": "学历"}
    displays = {"sex": dict((("1", "男"), ("2", "女"))), "ethnicity": dict(ETHNICITIES), "education": dict(EDUCATION)}
    for key, label in labels.items():
        new = v.person[key]
        if key == "birth_date" and person is not None and new and not v.person["id_number"]:
            continue  # matched by name and birth month: the day stays as recorded
        old = getattr(person, key) if person else None
        d = displays.get(key)
        add(label, d.get(old, old) if d and old else old, d.get(new, new) if d and new else new)
    cadre_labels = {"party_joined_on": "入党时间", "party_joined_text": "入党时间（文字）",
                    "work_started_on": "参加工作时间", "health": "健康状况", "professional_title": "专业技术职务",
                    "specialty": "熟悉专业有何专长", "rewards_text": "奖惩情况", "assessment_text": "年度考核结果"}
    for key, label in cadre_labels.items():
        add(label, getattr(cadre, key) if cadre else None, v.cadre[key])
    if person is None or not person.photo:
        if v.photo:
            out.append({"label": "照片", "old": "", "new": "有"})
    elif v.photo and _photo_bytes(person) != v.photo:
        out.append({"label": "照片", "old": "有", "new": "更换"})
    old_resume = list(ResumeEntry.objects.unrestricted().filter(cadre=cadre)) if cadre else []
    if [(e.start_on, e.end_on, e.text, e.during) for e in old_resume] != [
        (e.start, e.end, e.text, e.during) for e in v.resume
    ]:
        out.append({"label": "简历", "old": f"{len(old_resume)} 段", "new": f"{len(v.resume)} 段"})
    old_family = list(FamilyMember.objects.unrestricted().filter(cadre=cadre)) if cadre else []
    if [(f.relation, f.name, f.birth_text, f.political_status, f.work) for f in old_family] != [
        (f["relation"], f["name"], f["birth_text"], f["political_status"], f["work"]) for f in v.family
    ]:
        out.append({"label": "家庭成员", "old": f"{len(old_family)} 人", "new": f"{len(v.family)} 人"})
    old_edu = list(Education.objects.unrestricted().filter(cadre=cadre)) if cadre else []
    if sorted((e.mode, e.education_text, e.degree_text, e.institution, e.degree_institution) for e in old_edu) != sorted(
        (e["mode"], e["education_text"], e["degree_text"], e["institution"], e["degree_institution"])
        for e in v.educations
    ):
        out.append({"label": "学历学位", "old": f"{len(old_edu)} 条", "new": f"{len(v.educations)} 条"})
    return out


# ---------------------------------------------------------------- writing


def _photo_bytes(person: Person) -> bytes | None:
    if not person.photo:
        return None
    try:
        with person.photo.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def _photo_ext(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:4] == b"\x89PNG":
        return "png"
    if data[:2] == b"BM":
        return "bmp"
    if data[:3] == b"GIF":
        return "gif"
    return "jpg"


def apply(plan_: Plan, values: Values, user, organization, note: str) -> Cadre:
    """Write a planned form (the caller holds the transaction and has the user's confirmation).

    Every write is audited: one file is one operation (`audit.operation`), its entries appended together.
    """
    if plan_.status not in (Status.NEW, Status.MATCHED_ID, Status.MATCHED_NAME):
        raise ValidationError(plan_.error or "该文件不能导入")
    p = values.person
    with scope.bypass(), audit.operation(None, "import", note=note, fold=False) as op:
        if plan_.person_id:
            person = Person.objects.unrestricted().select_related("organization").get(pk=plan_.person_id)
            if not scope.can(user, "change", person.org_path):
                raise ValidationError("该人员不在您的管辖范围内")
            fields = dict(p)
            if not p["id_number"]:
                fields.pop("id_number")
                fields.pop("birth_date")  # matched by name and birth month: keep the recorded day
            if not fields.get("sex"):
                fields.pop("sex", None)
            for key, value in fields.items():
                if value not in (None, "") or key in ("native_place", "birthplace"):
                    setattr(person, key, value)
        else:
            person = Person(organization=organization, **p)
        person.full_clean(exclude=["org_path", "name_pinyin", "name_initials", "pinyin_key", "stroke_key",
                                   "organization", "photo"], validate_unique=False)
        if values.photo and (person.pk is None or _photo_bytes(person) != values.photo):
            name = f"{uuid.uuid4().hex}.{_photo_ext(values.photo)}"  # never the ID number in a file name
            person.photo.save(name, ContentFile(values.photo), save=False)
        person.save()
        cadre = Cadre.objects.unrestricted().filter(person=person).first() if plan_.person_id else None
        is_new = cadre is None
        if is_new:
            cadre = Cadre(person=person, organization=organization)
        for key, value in values.cadre.items():
            setattr(cadre, key, value)
        if is_new or not cadre_services.current_posts(cadre).exists():
            cadre.current_title = values.current_post[:200]
        cadre.refresh_derived()
        cadre.save()
        op.subject = cadre  # the import entry sits on the cadre
        _replace_children(cadre, values, op, is_new)
        form = None if is_new else AdForm.objects.unrestricted().filter(cadre=cadre).first()
        form = form or AdForm(cadre=cadre)
        for key, value in values.adform.items():
            setattr(form, key, value)
        form.source_name = note[-255:]
        form.save()
    return cadre


def _replace_children(cadre: Cadre, v: Values, op: audit.Operation, is_new: bool) -> None:
    """Résumé, education and family become the form's; annual assessments named in the text are set."""
    path = cadre.org_path

    def replace(model, old, rows):
        if old:  # each deletion is a row of the operation
            model.objects.unrestricted().filter(pk__in=[o.pk for o in old]).delete()
        op.created(model.objects.bulk_create(rows))

    old_resume = [] if is_new else list(
        ResumeEntry.objects.unrestricted().filter(cadre=cadre).order_by("start_on", "order", "pk"))
    if is_new or [(e.start_on, e.end_on, e.text, e.during) for e in old_resume] != [
        (e.start, e.end, e.text, e.during) for e in v.resume
    ]:
        replace(ResumeEntry, old_resume, [
            ResumeEntry(cadre=cadre, org_path=path, order=i, start_on=e.start, end_on=e.end, text=e.text,
                        during=e.during) for i, e in enumerate(v.resume, 1)])
    old_edu = [] if is_new else list(Education.objects.unrestricted().filter(cadre=cadre))
    key = lambda e: (e["mode"], e["education_text"], e["degree_text"], e["institution"], e["degree_institution"])  # noqa: E731
    if is_new or sorted(
        (e.mode, e.education_text, e.degree_text, e.institution, e.degree_institution) for e in old_edu
    ) != sorted(key(e) for e in v.educations):
        replace(Education, old_edu,
                [Education(cadre=cadre, org_path=path, order=i, **e) for i, e in enumerate(v.educations, 1)])
    old_family = [] if is_new else list(FamilyMember.objects.unrestricted().filter(cadre=cadre).order_by("order", "pk"))
    if is_new or [(f.relation, f.name, f.birth_text, f.political_status, f.work) for f in old_family] != [
        (f["relation"], f["name"], f["birth_text"], f["political_status"], f["work"]) for f in v.family
    ]:
        replace(FamilyMember, old_family,
                [FamilyMember(cadre=cadre, org_path=path, order=i, **f) for i, f in enumerate(v.family, 1)])
    if v.assessments:
        existing = {} if is_new else {a.year: a for a in AnnualAssessment.objects.unrestricted().filter(cadre=cadre)}
        new_rows = []
        for year, grade in sorted(v.assessments.items()):
            row = existing.get(year)
            if row is None:
                new_rows.append(AnnualAssessment(cadre=cadre, org_path=path, year=year, grade=grade))
            elif row.grade != grade:
                row.grade = grade
                row.save()
        if new_rows:
            op.created(AnnualAssessment.objects.bulk_create(new_rows))


# ---------------------------------------------------------------- cadre → form


def form_of(cadre: Cadre, today: dt.date | None = None, *, full: bool = True) -> AdFormData:
    """The cadre's 任免审批表 as data (for the .lrmx export and the prints). `full`: the whole ID number (for a
    user who needs it, `people.services.exports_full`); masked otherwise."""
    today = today or dt.date.today()
    person = cadre.person
    saved = AdForm.objects.unrestricted().filter(cadre=cadre).first() or AdForm(cadre=cadre)
    f = AdFormData(source_format="lrmx")
    f.name = person.name
    f.sex = SEX_LABEL.get(person.sex, "")
    f.birth = date_text(person.birth_date)
    f.ethnicity = dict(ETHNICITIES).get(person.ethnicity, "")
    f.native_place, f.birthplace = person.native_place, person.birthplace
    party = date_text(cadre.party_joined_on) if cadre.party_joined_on else ""
    if cadre.party_joined_text:
        party = f"{party}；{cadre.party_joined_text}" if party else cadre.party_joined_text
    f.party_joined = party
    f.work_started = date_text(cadre.work_started_on)
    f.health, f.professional_title, f.specialty = cadre.health, cadre.professional_title, cadre.specialty
    edus = list(Education.objects.unrestricted().filter(cadre=cadre).order_by("order", "end_on", "pk"))
    for mode, prefix in ((Education.Mode.FULL_TIME, "fulltime"), (Education.Mode.ON_THE_JOB, "onjob")):
        rows = [e for e in edus if e.mode == mode]
        if rows:
            e = min(rows, key=lambda r: EDUCATION_RANK.get(r.education, 50))  # the highest of its kind
            setattr(f, f"{prefix}_education", e.education_text or e.get_education_display())
            setattr(f, f"{prefix}_degree", e.degree_text)
            setattr(f, f"{prefix}_education_school", e.institution)
            setattr(f, f"{prefix}_degree_school", e.degree_institution)
    has_posts = cadre_services.current_posts(cadre).exists()
    f.current_post = cadre.current_title if has_posts or not saved.current_post else saved.current_post
    f.proposed_post, f.proposed_removal, f.reasons = saved.proposed_post, saved.proposed_removal, saved.reasons
    entries = [resume_text.Entry(e.start_on, e.end_on, e.text, e.during)
               for e in ResumeEntry.objects.unrestricted().filter(cadre=cadre).order_by("start_on", "order", "pk")]
    generated = resume_text.format_resume(entries)
    if saved.resume_text and resume_text.canonical(saved.resume_text) == generated:
        f.resume = saved.resume_text  # the text as it came in, while the entries still say the same
    else:
        f.resume = generated
    f.rewards, f.assessment = cadre.rewards_text, cadre.assessment_text
    f.family = [FamilyItem(m.relation, m.name, m.birth_text, m.political_status, m.work)
                for m in FamilyMember.objects.unrestricted().filter(cadre=cadre).order_by("order", "pk")]
    f.submitting_unit = saved.submitting_unit or cadre.organization.name
    f.age_as_of = saved.age_as_of or f"{today:%Y%m%d}"
    f.filled_on = saved.filled_on or f"{today:%Y%m%d}"
    f.filled_by = saved.filled_by
    f.id_number = person.id_number if full else pii.mask_id(person.id_number)
    f.photo = _photo_bytes(person)
    f.version = saved.version
    base = base_age_for(f.sex, saved.pre_reform_age_limit)
    if person.birth_date and base:
        r = retirement_age(person.birth_date, base)
        f.retirement_month = r.yyyymm
        f.pre_reform_age_limit = saved.pre_reform_age_limit or pre_reform_text(base)
    return f
