"""Excel imports: each domain registers an Importer; one job runner reads, validates and writes them.

Modes: `all` writes nothing unless every row is valid; `valid` writes the valid rows and returns the
rejected ones as a workbook with the reason. Either way the write is one transaction.
"""

from __future__ import annotations

from django.db import transaction

from . import excel, jobs, uploads
from .models import Job

IMPORTERS: dict[str, "Importer"] = {}
# Imports of other files than Excel sheets (e.g. adform's .lrmx): kind → (title, handler(command, path, options))
FILE_IMPORTERS: dict[str, tuple[str, object]] = {}
MAX_LISTED_ERRORS = 500


def register(importer_class):
    IMPORTERS[importer_class.kind] = importer_class()
    return importer_class


class Importer:
    """Subclasses give the columns, a cross-row `validate` and a `write` of the valid rows."""

    kind = ""
    title = ""
    columns: list[excel.Column] = []
    # Options given besides the file (`zugong import KIND FILE --name VALUE`; the job's params["options"]),
    # name → Chinese help; the importer reads them from `sheet.options` (e.g. assessment-values --scheme CODE).
    options: dict[str, str] = {}

    def validate(self, sheet: excel.ParsedSheet, user, progress: jobs.Progress) -> None:
        raise NotImplementedError

    def write(self, sheet: excel.ParsedSheet, rows: list[tuple[int, dict, list]], user, note: str) -> int:
        raise NotImplementedError

    def examples(self, user) -> dict:
        """Example values that fit the downloading user (column key → value), e.g. their organization's code."""
        return {}

    def template(self, user=None) -> bytes:
        return excel.template_bytes(f"{self.title}导入模板", self.columns,
                                    self.examples(user) if user is not None else None)


@jobs.runner("import")
def run_import(job: Job, progress: jobs.Progress) -> None:
    """Check the file before parsing it (`uploads.check_xlsx`: unpacked size, rows counted with a cap), import
    it, and delete the upload whatever happened (`uploads.release`)."""
    try:
        _run_import(job, progress)
    finally:
        uploads.release(job)
        uploads.purge()


def _run_import(job: Job, progress: jobs.Progress) -> None:
    importer = IMPORTERS[job.params["importer"]]
    mode = job.params.get("mode", "all")
    with job.input_file.open("rb") as fh:
        try:
            uploads.check_xlsx(fh, job.input_file.name.rsplit("/", 1)[-1])
        except uploads.Refused as exc:
            job.status, job.message = Job.Status.FAILED, f"{exc}。未导入任何数据。"
            job.result = {"errors": [str(exc)], "error_count": 1, "rows": 0}
            return
        data = fh.read()
    sheet = excel.read_rows(data, importer.columns, max_rows=uploads.max_rows())
    sheet.options = dict(job.params.get("options") or {})
    progress.total(len(sheet.rows))
    if not _header_failed(sheet):
        importer.validate(sheet, job.user, progress)
    progress.step(len(sheet.rows), force=True)
    bad_rows = {e.row for e in sheet.errors}
    errors = [str(e) for e in sheet.errors[:MAX_LISTED_ERRORS]]
    job.result = {"errors": errors, "error_count": len(sheet.errors), "rows": len(sheet.rows)}
    if _header_failed(sheet) or (mode == "all" and sheet.errors):
        job.status = Job.Status.FAILED
        job.message = f"文件有 {len(sheet.errors)} 处错误，未导入任何数据。请改正后重新导入。"
        return
    good = [r for r in sheet.rows if r[0] not in bad_rows]
    with transaction.atomic():
        written = importer.write(sheet, good, job.user, note=f"Excel 导入：{job.title}") if good else 0
    job.result["written"] = written
    job.result["rejected"] = len(sheet.rows) - len(good)
    if job.result["rejected"]:
        jobs.attach_output(job, f"未导入的行-{job.pk}.xlsx", excel.rejected_bytes(sheet, bad_rows))
        job.message = f"已导入 {written} 行；{job.result['rejected']} 行有错误未导入，可下载未导入的行改正后再导入。"
    else:
        job.message = f"已导入 {written} 行。"


def _header_failed(sheet: excel.ParsedSheet) -> bool:
    """Errors of the file itself or of its header row (no data row can be judged then)."""
    data_rows = {no for no, _v, _r in sheet.rows}
    return any(e.row not in data_rows for e in sheet.errors)
