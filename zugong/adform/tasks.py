"""Jobs (a Job row the user watches): the preview of an upload and the confirmed import."""

from __future__ import annotations

from zugong.core import jobs, uploads
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import services
from .sources import read_upload

PREVIEW, IMPORT = "adform_preview", "adform_import"
# A preview's upload waits for the confirmed import (which deletes it), or for the cleanup.
uploads.KEPT_FOR_CONFIRMATION.add(PREVIEW)


def sources_of(job: Job):
    """The forms of the upload, after checking a zip's central directory again (nothing unpacked before)."""
    from .sources import MAX_FILES

    name = job.params.get("bundle") or job.input_file.name.rsplit("/", 1)[-1]
    with job.input_file.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if name.lower().endswith(".zip") or head == b"PK\x03\x04":
            uploads.check_zip(fh, name, max_files=MAX_FILES)
        data = fh.read()
    return read_upload(name, data), job.params.get("strip", "")


def _org(job: Job) -> Organization:
    return Organization.objects.unrestricted().get(pk=job.params["org_id"])


@jobs.runner(PREVIEW)
def run_preview(job: Job, progress: jobs.Progress) -> None:
    try:
        _preview(job, progress)
    except BaseException:
        uploads.release(job)  # nothing to confirm: the upload goes now
        raise


def _preview(job: Job, progress: jobs.Progress) -> None:
    try:
        sources, strip = sources_of(job)
    except uploads.Refused as exc:
        job.status, job.message = Job.Status.FAILED, f"{exc}。"
        uploads.release(job)
        return
    progress.total(len(sources))
    rows = services.preview(sources, job.user, _org(job), strip=strip, progress=progress.step)
    job.result = {"files": rows, "summary": services.summary(rows)}
    s = job.result["summary"]
    job.message = (f"共 {s['total']} 个文件：新增 {s['new']}，按身份证号匹配 {s['matched_id']}，"
                   f"按姓名和出生年月匹配待确认 {s['matched_name']}，不在管辖范围 {s['out_of_scope']}，"
                   f"无法导入 {s['error']}。确认后才会写入。")


@jobs.runner(IMPORT)
def run_import(job: Job, progress: jobs.Progress) -> None:
    try:
        _import(job, progress)
    finally:
        uploads.release(job)  # the preview's upload, shared: deleted when the import ends
        uploads.purge()


def _import(job: Job, progress: jobs.Progress) -> None:
    sources, strip = sources_of(job)
    progress.total(len(sources))
    rows = services.import_files(sources, job.user, _org(job), confirmed=job.params.get("confirmed", []),
                                 strip=strip, note=f"任免审批表导入（任务 {job.pk}）", progress=progress.step,
                                 ip=job.params.get("ip"))
    job.result = {"files": rows, "summary": services.summary(rows)}
    s = job.result["summary"]
    job.message = f"共 {s['total']} 个文件，已导入 {s['written']} 个；其余 {s['total'] - s['written']} 个未导入，原因见下表。"
