"""Uploaded files: a size limit per kind, limits on what a compressed file unpacks to and on a sheet's rows
checked before anything is parsed, stored for a job and deleted when the job ends.

- **Size per kind** (`settings.ZUGONG_UPLOAD_LIMITS`, bytes by kind: xlsx, csv, lrmx, lrm, pic, zip, photo,
  document, other): `check_size`, and `validate_upload` which every form `FileField` carries
  (`textguard.install` attaches it), so no page keeps a file over its limit.
- **Before parsing**: an .xlsx is a zip. `check_xlsx` sums the uncompressed sizes in its central directory
  (`ZUGONG_UPLOAD_MAX_UNCOMPRESSED`), reads each sheet's `<dimension>` and, in the job (`deep=True`), counts the
  rows by streaming the sheet's XML with a cap (`ZUGONG_IMPORT_MAX_ROWS`): a dimension can lie, the count
  cannot. `check_zip` does the same for a zip of 任免审批表 (the sum, the number of files, and the
  compression ratio `ZUGONG_UPLOAD_MAX_RATIO`: a zip bomb is refused before one byte is unpacked).
- **Stored, then deleted**: `store(job, upload)` writes the upload into the job's `input_file` (in chunks);
  `release(job)` deletes it when the job ends, success or failure (the import runners call it), unless
  `ZUGONG_UPLOAD_RETENTION_DAYS` keeps uploads that many days; `purge()` (job kind `uploads_cleanup`, run
  every night by the schedule and after every import) deletes what is older, the files of jobs left waiting
  for a confirmation (`KEPT_FOR_CONFIRMATION`, e.g. adform's preview) after `ZUGONG_UPLOAD_PENDING_DAYS`, and
  files in the upload folder no job names.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import fieldhooks, jobs
from .models import Job

KINDS = {
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".lrmx": "lrmx", ".lrm": "lrm", ".pic": "pic", ".zip": "zip",
    ".jpg": "photo", ".jpeg": "photo", ".png": "photo", ".gif": "photo", ".bmp": "photo", ".webp": "photo",
    ".pdf": "document", ".doc": "document", ".docx": "document", ".xls": "document", ".wps": "document",
    ".txt": "document", ".ofd": "document",
}
LABELS = {"xlsx": "Excel 文件", "csv": "CSV 文件", "lrmx": "任免审批表文件（.lrmx）", "lrm": "任免审批表文件（.lrm）",
          "pic": "照片文件（.pic）", "zip": "压缩包", "photo": "照片", "document": "文档", "other": "文件"}
MB = 1024 * 1024
DEFAULT_LIMITS = {"xlsx": 20 * MB, "csv": 20 * MB, "lrmx": 20 * MB, "lrm": 20 * MB, "pic": 5 * MB, "zip": 100 * MB,
                  "photo": 5 * MB, "document": 20 * MB, "other": 20 * MB}
# Kinds of jobs whose upload waits for a later job (adform's preview → the confirmed import): registered by
# the module that runs them.
KEPT_FOR_CONFIRMATION: set[str] = set()
UPLOAD_DIR = "jobs/in"


class Refused(ValueError):
    """An upload refused, with the reason in Chinese."""


def human(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.0f} MB" if n % MB == 0 else f"{n / MB:.1f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} 字节"


def kind_of(name: str) -> str:
    return KINDS.get(PurePosixPath(name or "").suffix.lower(), "other")


def limit_of(kind: str) -> int:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "ZUGONG_UPLOAD_LIMITS", {})}
    return limits.get(kind, limits["other"])


def max_rows() -> int:
    return settings.ZUGONG_IMPORT_MAX_ROWS


def check_size(name: str, size: int, kind: str | None = None) -> None:
    kind = kind or kind_of(name)
    limit = limit_of(kind)
    if size > limit:
        raise Refused(f"文件太大：“{name}”有 {human(size)}，{LABELS.get(kind, '文件')}最大 {human(limit)}")


def validate_upload(upload) -> None:
    """The validator of every form FileField: the size limit of the file's kind."""
    if upload is None or not hasattr(upload, "size"):
        return
    try:
        check_size(getattr(upload, "name", ""), upload.size)
    except Refused as exc:
        raise ValidationError(str(exc), code="too_large") from None


# ---------------------------------------------------------------- compressed files


def _open_zip(fileobj, name: str) -> zipfile.ZipFile:
    try:
        fileobj.seek(0)
        return zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(f"“{name}”不是有效的{' Excel (.xlsx) 文件' if kind_of(name) == 'xlsx' else '压缩包'}，无法打开") from None


def _unpacked(archive: zipfile.ZipFile, name: str) -> int:
    total = sum(i.file_size for i in archive.infolist())
    cap = settings.ZUGONG_UPLOAD_MAX_UNCOMPRESSED
    if total > cap:
        raise Refused(f"“{name}”解压后太大（{human(total)}），解压后最大 {human(cap)}，未读取其中的内容")
    return total


def check_zip(fileobj, name: str = "压缩包", max_files: int | None = None) -> None:
    """A zip of forms, from its central directory only (nothing is unpacked): the unpacked total, the
    number of files, and the compression ratio (a zip bomb packs gigabytes of one byte into a few KB)."""
    archive = _open_zip(fileobj, name)
    total = _unpacked(archive, name)
    infos = archive.infolist()
    if max_files is not None and len(infos) > max_files:
        raise Refused(f"“{name}”内文件太多（{len(infos):,} 个），一次最多 {max_files:,} 个")
    packed = sum(i.compress_size for i in infos) or 1
    ratio = settings.ZUGONG_UPLOAD_MAX_RATIO
    if total > MB and total / packed > ratio:
        raise Refused(f"“{name}”解压后是压缩时的 {total // packed:,} 倍（{human(total)}），超过 {ratio} 倍的上限，"
                      "不像任免审批表，未读取其中的内容")
    fileobj.seek(0)


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1024 * 1024


def _sheets(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in archive.infolist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", i.filename)]


def _too_many(name: str, rows: int | str) -> Refused:
    return Refused(f"“{name}”的行数（{rows}）超过导入的行数上限 {max_rows():,} 行，请分成几个文件导入")


def check_xlsx(fileobj, name: str = "Excel 文件", deep: bool = True) -> None:
    """An .xlsx before it is parsed: the unpacked total from the central directory, each sheet's declared
    dimension, and (deep) its rows counted by streaming the sheet's XML, stopping at the cap."""
    archive = _open_zip(fileobj, name)
    _unpacked(archive, name)
    sheets = _sheets(archive)
    if not sheets:
        raise Refused(f"“{name}”不是有效的 Excel (.xlsx) 文件")
    cap = max_rows()
    for info in sheets:
        with archive.open(info) as xml:
            head = xml.read(64 * 1024)
            found = _DIMENSION.search(head)
            if found and found.group(1) and int(found.group(1)) > cap + 1:
                raise _too_many(name, f"{int(found.group(1)):,}")
            if not deep:
                continue
            rows, tail, chunk = 0, b"", head
            while chunk:
                data = tail + chunk
                rows += len(_ROW.findall(data)) - len(_ROW.findall(tail))
                if rows > cap + 1:  # the header row is not counted
                    raise _too_many(name, f"超过 {cap:,}")
                tail = data[-8:]
                chunk = xml.read(_CHUNK)
    fileobj.seek(0)


def check_before_storing(upload, kind: str | None = None) -> None:
    """What the web request checks before it stores an upload: the size, and for an .xlsx or a .zip what
    its central directory declares (no row is read, nothing is unpacked)."""
    name = upload.name
    kind = kind or kind_of(name)
    check_size(name, upload.size, kind)
    if kind == "xlsx":
        check_xlsx(upload, name, deep=False)
    elif kind == "zip":
        check_zip(upload, name)


# ---------------------------------------------------------------- stored for a job, deleted after it


def store(job: Job, upload, name: str | None = None) -> None:
    """Write an upload into the job's input file (chunk by chunk; the job is not saved here)."""
    from django.core.files import File

    upload.seek(0)
    job.input_file.save(name or upload.name, File(upload, name=name or upload.name), save=False)


def retention_days() -> int:
    return max(0, int(settings.ZUGONG_UPLOAD_RETENTION_DAYS))


def _delete(name: str) -> None:
    from django.core.files.storage import default_storage

    if name:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover — already gone, or the disk refuses: purge tries again
            pass


def release(job: Job, *, force: bool = False) -> None:
    """The job has ended: delete its upload now (unless a retention keeps it; `force` ignores it). Jobs that
    share the file (a preview and its confirmed import) lose it too."""
    name = job.input_file.name
    if not name or (retention_days() and not force):
        return
    _delete(name)
    Job.objects.unrestricted().filter(input_file=name).update(input_file="")
    job.input_file.name = ""


def purge(now: dt.datetime | None = None) -> int:
    """Delete the uploads kept longer than allowed; returns how many files were deleted."""
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    ended = [Job.Status.DONE, Job.Status.FAILED]
    keep = dt.timedelta(days=retention_days())
    pending = dt.timedelta(days=max(retention_days(), int(settings.ZUGONG_UPLOAD_PENDING_DAYS)))
    jobs_ = Job.objects.unrestricted().exclude(input_file="").filter(status__in=ended)
    old = jobs_.exclude(kind__in=KEPT_FOR_CONFIRMATION).filter(finished_at__lt=now - keep) if keep else \
        jobs_.exclude(kind__in=KEPT_FOR_CONFIRMATION)
    waiting = jobs_.filter(kind__in=KEPT_FOR_CONFIRMATION, finished_at__lt=now - pending)
    names = set(old.values_list("input_file", flat=True)) | set(waiting.values_list("input_file", flat=True))
    # A file a job still waiting to run (or running) needs is never deleted.
    needed = set(Job.objects.unrestricted().exclude(input_file="").exclude(status__in=ended)
                 .values_list("input_file", flat=True))
    names -= needed
    for name in names:
        _delete(name)
    Job.objects.unrestricted().filter(input_file__in=names).update(input_file="")
    deleted = len(names)
    # Files no job names any more (a job deleted, a crash between storing and saving), older than the retention.
    known = set(Job.objects.unrestricted().exclude(input_file="").values_list("input_file", flat=True))
    root = os.path.join(settings.MEDIA_ROOT, UPLOAD_DIR)
    cutoff = (now - max(keep, dt.timedelta(hours=1))).timestamp()
    for folder, _dirs, files in os.walk(root):
        for f in files:
            path = os.path.join(folder, f)
            rel = os.path.relpath(path, settings.MEDIA_ROOT).replace(os.sep, "/")
            if rel not in known and os.path.getmtime(path) < cutoff and default_storage.exists(rel):
                _delete(rel)
                deleted += 1
    return deleted


def _guard_file_field(field, kwargs) -> None:
    if validate_upload not in field.validators:
        field.validators.append(validate_upload)


def guard_file_fields() -> None:
    """Every form FileField (and ImageField) made from now on refuses a file over its kind's limit."""
    from django import forms

    fieldhooks.after_init(forms.FileField, _guard_file_field)


@jobs.runner("uploads_cleanup")
def run_purge(job: Job, progress: jobs.Progress) -> None:
    n = purge()
    job.result = {"deleted": n}
    job.message = f"已删除 {n} 个过期的上传文件。" if n else "没有需要删除的上传文件。"
