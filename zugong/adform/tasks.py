"""Jobs (a Job row the user watches): the preview of an upload and the confirmed import."""

from __future__ import annotations

from zugong.core import jobs
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import services
from .sources import read_upload

PREVIEW, IMPORT = "adform_preview", "adform_import"
SYNC_FILES = 30  # smaller imports run in the request; larger ones in the background worker


def sources_of(job: Job):
    with job.input_file.open("rb") as fh:
        data = fh.read()
    name = job.params.get("bundle") or job.input_file.name.rsplit("/", 1)[-1]
    return read_upload(name, data), job.params.get("strip", "")


def _org(job: Job) -> Organization:
    return Organization.objects.unrestricted().get(pk=job.params["org_id"])


@jobs.runner(PREVIEW)
def run_preview(job: Job, progress: jobs.Progress) -> None:
    sources, strip = sources_of(job)
    progress.total(len(sources))
    rows = services.preview(sources, job.user, _org(job), strip=strip, progress=progress.step)
    job.result = {"files": rows, "summary": services.summary(rows)}
    s = job.result["summary"]
    job.message = (f"共 {s['total']} 个文件：新增 {s['new']}，按身份证号匹配 {s['matched_id']}，"
                   f"按姓名和出生年月匹配待确认 {s['matched_name']}，不在管辖范围 {s['out_of_scope']}，"
                   f"无法导入 {s['error']}。确认后才会写入。")


@jobs.runner(IMPORT)
def run_import(job: Job, progress: jobs.Progress) -> None:
    sources, strip = sources_of(job)
    progress.total(len(sources))
    rows = services.import_files(sources, job.user, _org(job), confirmed=job.params.get("confirmed", []),
                                 strip=strip, note=f"任免审批表导入（任务 {job.pk}）", progress=progress.step,
                                 ip=job.params.get("ip"))
    job.result = {"files": rows, "summary": services.summary(rows)}
    s = job.result["summary"]
    job.message = f"共 {s['total']} 个文件，已导入 {s['written']} 个；其余 {s['total'] - s['written']} 个未导入，原因见下表。"
