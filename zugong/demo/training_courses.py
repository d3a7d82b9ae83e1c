"""Demo data of the course library (课程库): a dozen courses issued by the demo city's organization department
(太行精神、吕梁精神、右玉精神, 党史, 理论学习, 政策解读, 业务知识) with small generated materials (a Word outline, a
one-page PDF, an intranet link), and the study of some of the city's members from the start of the year to the
seed's day, each record credited to the hours ledger through `training.ledger.post`.

A few problems, as in a real library: one course was retired (停用) after some study, one has no material yet,
a few records are short (under 15 minutes: 0.25 学时). Deterministic for a seed: Random(f"{seed}:training:courses");
every date ≤ as_of. Written in bulk (the seed is not audited row by row).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zugong.core import docx
from zugong.members.models import Membership
from zugong.training import courses_services, ledger
from zugong.training.defaults.courses import install as install_categories
from zugong.training.models import Course, CourseCategory, CourseMaterial, StudyLog
from zugong.training.models.courses import material_path

# (code suffix, title, category code suffix, minutes, stated 学时 or None, has a test, lecturer, outline)
COURSES = [
    ("TH-01", "太行精神的形成与时代内涵", "revolutionary_spirit", 45, None, True, "市委党校教研室",
     ["太行精神的历史形成", "“不怕牺牲、不畏艰险，百折不挠、坚韧不拔”的内涵", "新时代传承太行精神的实践要求"]),
    ("LL-01", "吕梁精神与脱贫攻坚", "revolutionary_spirit", 40, None, True, "市委党校教研室",
     ["吕梁精神的历史渊源", "吕梁山区脱贫攻坚的经验", "在乡村振兴中弘扬吕梁精神"]),
    ("YY-01", "右玉精神：久久为功的生态答卷", "revolutionary_spirit", 50, None, False, "市委组织部",
     ["右玉七十余年植树造林的历程", "一张蓝图绘到底的启示", "功成不必在我的政绩观"]),
    ("DS-01", "党史学习：中国共产党在山西的光辉历程", "party_history", 90, Decimal("2"), True, "市委党史研究室",
     ["山西党组织的创建", "抗日战争时期的山西根据地", "新中国成立后的山西建设"]),
    ("DS-02", "党史学习：八路军太行山抗战", "party_history", 60, None, False, "市委党史研究室",
     ["八路军总部在太行", "百团大战", "太行根据地的政权建设"]),
    ("LL-T-01", "党的创新理论专题学习（一）", "theory", 30, None, True, "市委宣传部",
     ["学习的主要内容", "学习的方法和要求", "联系实际谈体会"]),
    ("LL-T-02", "党的创新理论专题学习（二）", "theory", 30, None, True, "市委宣传部",
     ["重要论述的核心要义", "在基层工作中的运用", "交流研讨题目"]),
    ("ZC-01", "《中国共产党支部工作条例（试行）》解读", "policy", 45, None, True, "市委组织部组织二科",
     ["支部的设置", "支部的职责", "“三会一课”和组织生活"]),
    ("ZC-02", "《中国共产党党员教育管理工作条例》解读", "policy", 40, None, False, "市委组织部组织二科",
     ["党员教育的内容", "党员教育的方式", "党员管理和监督"]),
    ("YW-01", "发展党员工作实务", "professional", 60, Decimal("1.5"), True, "市委组织部组织二科",
     ["发展党员的程序", "纪实材料的规范", "常见问题"]),
    ("YW-02", "党费收缴、使用和管理实务", "professional", 25, None, False, "市委组织部组织二科",
     ["交纳基数和比例", "按月交纳与补交", "党费的使用"]),
    ("QT-01", "基层党组织书记履职能力提升（旧版）", "other", 35, None, False, "市委组织部",
     ["书记的职责", "班子建设", "工作方法"]),
]
RETIRED = "QT-01"  # retired after some study
NO_MATERIAL = "YW-02"
LEARNERS = 240  # members who study in the demo year
INTRANET = "http://10.14.0.8/kejian/"  # the city's courseware server on the intranet


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF in the reader's own Song typeface (STSong-Light, no font embedded)."""

    def text(s: str) -> str:
        return "<" + s.encode("utf-16-be").hex().upper() + ">"

    rows = [f"BT /F1 18 Tf 72 760 Td {text(title)} Tj ET"]
    for i, line in enumerate(lines):
        rows.append(f"BT /F1 12 Tf 72 {720 - 24 * i} Td {text(f'{i + 1}. {line}')} Tj ET")
    stream = "\n".join(rows).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _docx(title: str, lecturer: str, lines: list[str]) -> bytes:
    doc = docx.new_document()
    docx.title(doc, title)
    docx.paragraph(doc, f"主讲：{lecturer}", align=docx.RIGHT, indent=False)
    docx.paragraph(doc, "课程提纲", indent=False)
    for i, line in enumerate(lines, start=1):
        docx.paragraph(doc, f"{i}．{line}")
    docx.paragraph(doc, "学习要求：认真学习课程内容，结合本职工作撰写学习体会。")
    return docx.to_bytes(doc, signed=False)


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    rng = random.Random(f"{seed}:training:courses")
    install_categories(None)
    categories = {c.code.rsplit(".", 1)[1]: c for c in CourseCategory.objects.unrestricted()
                  .filter(code__startswith="training.course.")}
    prefix = city.code
    courses = []
    for code, title, category, minutes, hours, test, lecturer, _outline in COURSES:
        course = Course.objects.unrestricted().filter(code=f"{prefix}-{code}").first()
        if course is not None:
            return {}  # seeded already
        courses.append(Course(organization=city, org_path=city.path, code=f"{prefix}-{code}", title=title,
                              category=categories[category], minutes=minutes, hours=hours, has_test=test,
                              lecturer=lecturer, summary=f"{title}。面向全市党员、干部，可自学，也可由党支部组织集中学习。",
                              active=True))
    courses = Course.objects.bulk_create(courses)
    if any(c.pk is None for c in courses):
        courses = list(Course.objects.unrestricted().filter(code__startswith=f"{prefix}-").order_by("pk"))
    by_code = {c.code.removeprefix(f"{prefix}-"): c for c in courses}

    materials = []
    for code, title, _cat, _m, _h, _t, lecturer, outline in COURSES:
        if code == NO_MATERIAL:
            continue
        course = by_code[code]
        files = [("课程提纲", ".docx", _docx(title, lecturer, outline))]
        if rng.random() < 0.6:
            files.append(("讲义", ".pdf", _pdf(title, outline)))
        for order, (name, ext, content) in enumerate(files, start=1):
            m = CourseMaterial(course=course, org_path=course.org_path, title=f"{title}（{name}）", order=order,
                               size=len(content))
            m.file.name = default_storage.save(material_path(m, f"x{ext}"), ContentFile(content))
            materials.append(m)
        if code.startswith(("TH", "LL-0", "YY")):
            materials.append(CourseMaterial(course=course, org_path=course.org_path, title=f"{title}（教学视频）",
                                            link=f"{INTRANET}{code.lower()}.mp4", order=len(files) + 1))
    CourseMaterial.objects.bulk_create(materials)

    # The study of some members of the city, from 1 January (or a year back early in January) to as_of.
    start = dt.date(as_of.year, 1, 1) if as_of.timetuple().tm_yday > 20 else as_of - dt.timedelta(days=365)
    span = max((as_of - start).days, 0)
    ids = list(Membership.objects.unrestricted().active().filter(org_path__startswith=city.path)
               .order_by("pk").values_list("person_id", flat=True))
    learners = rng.sample(ids, min(LEARNERS, len(ids)))
    recorder = get_user_model().objects.filter(username="city").first()
    retired_until = start + dt.timedelta(days=span // 2)
    seen: set[tuple] = set()
    logs = []
    for person_id in learners:
        for course in rng.sample(courses, rng.randint(1, 6)):
            code = course.code.removeprefix(f"{prefix}-")
            last = retired_until if code == RETIRED else as_of
            on = start + dt.timedelta(days=rng.randint(0, max((last - start).days, 0)))
            if (course.pk, person_id, on) in seen:
                continue
            seen.add((course.pk, person_id, on))
            roll = rng.random()
            minutes = (rng.randint(5, 14) if roll < 0.05 else rng.randint(15, 29) if roll < 0.2
                       else rng.randint(course.minutes // 2 + 1, course.minutes) if roll < 0.4 else course.minutes)
            passed = course.has_test and minutes >= 15 and rng.random() < 0.7
            method = StudyLog.Method.GROUP if rng.random() < 0.35 else StudyLog.Method.SELF
            logs.append(StudyLog(course=course, person_id=person_id, studied_on=on, minutes=minutes,
                                 passed_test=passed, method=method, recorded_by=recorder))
    logs = StudyLog.objects.bulk_create(logs, batch_size=2000)
    if any(lg.pk is None for lg in logs):
        logs = list(StudyLog.objects.unrestricted().filter(course__in=courses))
    by_pk = {c.pk: c for c in courses}
    credits = ledger.post(None, courses_services.SOURCE,
                          [courses_services.line_for(lg, by_pk[lg.course_id]) for lg in logs])
    Course.objects.unrestricted().filter(pk=by_code[RETIRED].pk).update(active=False)
    log(f"  course library: {len(courses)} courses, {len(materials)} materials, {len(logs)} study records "
        f"of {len(learners)} members")
    return {"training_courses": len(courses), "training_course_materials": len(materials),
            "training_study_logs": len(logs), "training_course_credits": len(credits)}
