"""The course library's operations: courses and their materials, and study records credited to the hours ledger.

Every change is one `audit.operation`. Who may do what:
- a course (and its materials) is kept by those who may **manage** the issuing organization (its 组织部门 or
  党组织管理员; a national course — no issuer — by the department admins of a root);
- study is recorded for people the user may **change** (支部书记 and above), of a course the user sees.

A study record is credited through the one ledger (`training.ledger.post`, source `training.course`, one line
per record keyed by its id): a course with stated 学时 credits them when the whole length was studied, otherwise
the minutes go to the ledger's online rule (and a passed test with them). Deleting a record withdraws its line.

Links: a material's link must stay inside the intranet (a decision of this module): a path on this platform
(“/…”), or an http(s) address whose host is a private IP address, a host name without a dot (an intranet
name), or under one of `settings.ZUGONG_INTRANET_DOMAINS` (none by default). Anything else — an address on
the internet, another scheme — is refused: material from outside is downloaded and uploaded as a file.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope, uploads
from zugong.core.config import services as config_services

from . import ledger
from .models import MATERIAL_TYPES, Course, CourseMaterial, StudyLog

SOURCE = "training.course"
KIND = "course"

# ---------------------------------------------------------------- who may


def can_edit(user, path: str) -> bool:
    """Whether the user keeps the courses issued at `path` ("" = national)."""
    if not path:
        return config_services.can_edit(user, path)
    return scope.can(user, "manage", path)


def can_issue(user) -> bool:
    return bool(scope.scope_paths(user, "manage"))


def _require_edit(user, course: Course) -> None:
    if not can_edit(user, course.issuing_path()):
        raise PermissionDenied("只有发布单位或其上级的组织部门、党组织管理员可以修改该课程")


def may_record(user) -> bool:
    return bool(scope.scope_paths(user, "change"))


# ---------------------------------------------------------------- courses


def _check_course(course: Course) -> None:
    errors = {}
    if not course.code or not course.code.strip():
        errors["code"] = "请填写课程代码"
    else:
        course.code = course.code.strip()
        clash = Course.objects.unrestricted().filter(code=course.code).exclude(pk=course.pk).first()
        if clash:
            errors["code"] = f"课程代码“{course.code}”已被使用，请换一个"
    if not course.minutes or course.minutes <= 0:
        errors["minutes"] = "课程时长应大于 0 分钟"
    if course.hours is not None and course.hours <= 0:
        errors["hours"] = "认定学时应大于 0；不填则按学习时长折算"
    if course.category_id and not course.category.active:
        errors["category"] = f"课程类别“{course.category}”已停用"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_course(user, course: Course) -> Course:
    path = course.organization.path if course.organization_id else ""
    if not can_edit(user, path):
        raise PermissionDenied("只有发布单位或其上级的组织部门、党组织管理员可以发布课程"
                               if path else "只有省级组织部门管理员可以发布全国通用的课程")
    _check_course(course)
    with audit.operation(course, "create"):
        course.save()
    return course


@transaction.atomic
def update_course(user, course: Course) -> Course:
    stored = Course.objects.unrestricted().get(pk=course.pk)
    if stored.organization_id != course.organization_id:
        raise ValidationError({"organization": "课程的发布单位不能修改；请以新的发布单位另建课程"})
    _require_edit(user, stored)
    _check_course(course)
    with audit.operation(course, "update"):
        course.save()
    return course


@transaction.atomic
def delete_course(user, course: Course) -> None:
    _require_edit(user, course)
    studied = StudyLog.objects.unrestricted().filter(course=course).count()
    if studied:
        raise ValidationError(f"该课程已有 {studied} 条学习记录，不能删除；不再使用的课程请停用")
    files = [m.file.name for m in course.materials.unrestricted() if m.file]
    with audit.operation(None, "delete", note=f"删除课程“{course}”"):
        for material in course.materials.unrestricted():
            material.delete()
        course.delete()
    _delete_files_on_commit(files)


def _delete_files_on_commit(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    names = [n for n in names if n]

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                pass

    if names:
        transaction.on_commit(remove)


# ---------------------------------------------------------------- materials


def check_link(text: str) -> str:
    """The link as stored, or a ValidationError saying why it is not an intranet link."""
    link = (text or "").strip()
    if not link:
        raise ValidationError({"link": "请填写链接或上传文件"})
    if any(c.isspace() for c in link):
        raise ValidationError({"link": "链接中不能有空格"})
    if link.startswith("/") and not link.startswith("//"):
        return link  # a page of this platform
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError({"link": "链接应为以 / 开头的本平台地址，或以 http、https 开头的内网地址"})
    host = parts.hostname.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified or address.is_link_local:
            raise ValidationError({"link": f"“{host}”是本机或链路地址，其他用户无法打开；请填写内网服务器的地址"})
        if address.is_private:
            return link
        raise ValidationError({"link": f"“{host}”不是内网 IP 地址：课程资料只能链接内网，外网资料请下载后作为文件上传"})
    domains = [d.lower().lstrip(".") for d in getattr(settings, "ZUGONG_INTRANET_DOMAINS", ()) if d]
    if "." not in host or any(host == d or host.endswith("." + d) for d in domains):
        return link
    raise ValidationError({"link": f"“{host}”不是内网地址：课程资料只能链接内网（内网 IP 地址、内网主机名或设定的内网域名），"
                                   "外网资料请下载后作为文件上传"})


def _sniff(upload, extension: str) -> bool:
    """Whether the file's content is of the type its extension says (a renamed file is refused)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".mp4":
        return head[4:8] == b"ftyp"
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        names = set(zipfile.ZipFile(upload).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return ("word/document.xml" if extension == ".docx" else "ppt/presentation.xml") in names


def check_file(upload) -> str:
    """The file's extension, or a ValidationError: the type (pdf, docx, pptx, mp4), the size limit of its
    kind (`core.uploads`), and a content that matches the extension."""
    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lower()
    if extension not in MATERIAL_TYPES:
        raise ValidationError({"file": f"“{name}”的类型不能上传：课程资料只能是 PDF（.pdf）、Word（.docx）、"
                                       "演示文稿（.pptx）或视频（.mp4）文件"})
    try:
        uploads.check_size(name, upload.size)
    except uploads.Refused as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not _sniff(upload, extension):
        raise ValidationError({"file": f"“{name}”的内容不是{MATERIAL_TYPES[extension][0]}，与扩展名不符"})
    return extension


@transaction.atomic
def add_material(user, course: Course, *, title: str, file=None, link: str = "") -> CourseMaterial:
    _require_edit(user, course)
    title = (title or "").strip()
    if file and (link or "").strip():
        raise ValidationError({"link": "上传文件和内网链接只能选一种"})
    material = CourseMaterial(course=course, title=title)
    if file:
        check_file(file)
        material.size = file.size
        if not title:
            material.title = os.path.splitext(os.path.basename(file.name))[0][:100]
    else:
        material.link = check_link(link)
        if not title:
            raise ValidationError({"title": "请填写资料名称"})
    material.order = (course.materials.unrestricted().order_by("-order").values_list("order", flat=True)
                      .first() or 0) + 1
    saved: list[str] = []
    try:
        with audit.operation(course, "update", note=f"添加课程资料“{material.title}”") as op:
            if file:
                material.file.save(file.name, file, save=False)
                saved.append(material.file.name)
            material.save()
            op.fact("添加课程资料", material.title, field="materials")
    except BaseException:
        for name in saved:
            material.file.storage.delete(name)
        raise
    return material


@transaction.atomic
def delete_material(user, material: CourseMaterial) -> None:
    course = material.course
    _require_edit(user, course)
    name = material.file.name if material.file else ""
    with audit.operation(course, "update", note=f"删除课程资料“{material.title}”") as op:
        op.fact("删除课程资料", None, old=material.title, field="materials")
        material.delete()
    _delete_files_on_commit([name])


# ---------------------------------------------------------------- study


def line_for(log: StudyLog, course: Course) -> ledger.Line:
    """The ledger line of one study record: the course's stated 学时 when the whole length was studied, else
    the minutes by the ledger's online rule (with the test)."""
    label = f"课程学习：{course.title}"[:200]
    if course.hours and log.minutes >= course.minutes:
        return ledger.Line(log.person_id, log.studied_on, KIND, Decimal(course.hours), "hour", label,
                           source_id=log.pk, passed_test=log.passed_test,
                           note=f"学完课程（{log.minutes} 分钟），按课程认定学时")
    return ledger.Line(log.person_id, log.studied_on, KIND, Decimal(log.minutes), "minute", label,
                       source_id=log.pk, passed_test=log.passed_test)


def _check_study(course: Course, studied_on, minutes, passed_test: bool, method: str, today: dt.date) -> None:
    errors = {}
    if not course.active:
        errors["course"] = f"课程“{course.title}”已停用，不能登记学习"
    if studied_on is None:
        errors["studied_on"] = "请填写学习日期"
    elif studied_on > today:
        errors["studied_on"] = f"学习日期 {studied_on:%Y-%m-%d} 晚于今天，不能登记"
    if minutes is None or minutes <= 0:
        errors["minutes"] = "学习时长应大于 0 分钟"
    if passed_test and not course.has_test:
        errors["passed_test"] = "该课程没有课后测试，不能登记“考试通过”"
    if method not in StudyLog.Method.values:
        errors["method"] = "学习方式应为自学或集中学习"
    if errors:
        raise ValidationError(errors)


def record_study(user, course: Course, people: Iterable, *, studied_on: dt.date, minutes: int,
                 passed_test: bool = False, method: str = StudyLog.Method.SELF, note: str = "",
                 today: dt.date | None = None) -> list[StudyLog]:
    """Record that `people` studied `course` on `studied_on`, and credit each to the ledger, as one operation.
    Refused whole (nothing written) when the date is in the future, the minutes are not positive, a person is
    outside the user's scope, or a person already has a record of the course that day."""
    today = today or timezone.localdate()
    people = list({p.pk: p for p in people}.values())
    if not people:
        raise ValidationError({"people": "请选择学习的人员，或选择一个组织登记其全体党员"})
    _check_study(course, studied_on, minutes, passed_test, method, today)
    outside = [p for p in people if not scope.can(user, "change", p.org_path)]
    if outside:
        raise PermissionDenied(f"{_names(outside)}不在您可以登记的范围内")
    taken = set(StudyLog.objects.unrestricted().filter(course=course, studied_on=studied_on,
                                                       person_id__in=[p.pk for p in people])
                .values_list("person_id", flat=True))
    if taken:
        twice = [p for p in people if p.pk in taken]
        raise ValidationError({"people": f"{_names(twice)}在 {studied_on:%Y-%m-%d} 已有该课程的学习记录，不能重复登记"})
    with transaction.atomic(), audit.operation(None, "create",
                                               note=f"登记课程学习：{course.title}，{len(people)} 人") as op:
        logs = StudyLog.objects.bulk_create([
            StudyLog(course=course, person=p, studied_on=studied_on, minutes=minutes, passed_test=passed_test,
                     method=method, recorded_by=user, note=(note or "").strip()[:200]) for p in people],
            batch_size=1000)
        if any(log.pk is None for log in logs):  # a backend that returns no keys from a bulk insert
            logs = list(StudyLog.objects.unrestricted().filter(course=course, studied_on=studied_on,
                                                               person_id__in=[p.pk for p in people]))
        op.created(logs)
        ledger.post(op, SOURCE, [line_for(log, course) for log in logs], user=user)
    return logs


def _names(people, most: int = 5) -> str:
    names = "、".join(p.name for p in people[:most])
    return names + (f"等 {len(people)} 人" if len(people) > most else "")


@transaction.atomic
def delete_study(user, log: StudyLog) -> None:
    """Delete a study record and withdraw the hours it credited."""
    if not scope.can(user, "change", log.person.org_path):
        raise PermissionDenied("您对该人员只有查看权限，不能删除其学习记录")
    with audit.operation(None, "delete", note=f"删除{log.person.name}的课程学习记录：{log.course.title}") as op:
        ledger.withdraw(op, SOURCE, [log.pk])
        log.delete()


def credited(user, logs) -> dict[int, Decimal]:
    """The hours the ledger credited for these study records (log id → 学时), among the lines the user sees."""
    from .models import Credit

    ids = [log.pk for log in logs]
    rows = (Credit.objects.visible_to(user).filter(source=SOURCE, source_id__in=ids)
            .values_list("source_id", "hours"))
    out: dict[int, Decimal] = {}
    for source_id, hours in rows:
        out[source_id] = out.get(source_id, Decimal(0)) + hours
    return out
