"""Shell pages: the audit log, imports and their jobs (home and search: `zugong.workbench.views`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import audit, excel, imports, jobs, scope, uploads
from .duties import audit_entries, duty_required
from .lists import list_page
from .middleware import client_ip
from .models import Job
from .scope import Duty
from .tables import AuditFilterSet, AuditTable, SecurityFilterSet, SecurityTable


@duty_required(Duty.AUDITOR)
def audit_log(request):
    """The global audit log: the security auditor's only (三员分立); business users read a record's own log tab."""
    return list_page(
        request, queryset=audit_entries(request.user), filterset_class=AuditFilterSet,
        table_class=AuditTable, template="core/audit_list.html", title="操作日志", export_name="操作日志",
        extra={"is_auditor": scope.duty_of(request.user) == scope.Duty.AUDITOR},
    )


@duty_required(Duty.AUDITOR)
def security_log(request):
    """The security events of the whole system (logins, denials, exports, account changes, …): the security
    auditor's page (三员分立: `Duty.AUDITOR`)."""
    return list_page(
        request, queryset=audit.security_entries(), filterset_class=SecurityFilterSet, table_class=SecurityTable,
        template="core/security_log.html", title="安全日志", export_name="安全日志",
        extra={"retention_days": audit.retention_days()},
    )


# ---------------------------------------------------------------- imports


@login_required
def import_center(request):
    if not scope.scope_paths(request.user, "manage"):
        raise PermissionDenied("您没有导入数据的权限")
    importers = list(imports.IMPORTERS.values())
    if request.method == "POST":
        kind = request.POST.get("importer")
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", "all")
        errors = {}
        if kind not in imports.IMPORTERS:
            errors["importer"] = "请选择导入的数据类型"
        if upload is None:
            errors["file"] = "请选择要导入的 Excel 文件"
        elif not upload.name.lower().endswith(".xlsx"):
            errors["file"] = "只支持 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）"
        else:
            try:  # the size, and what the file's central directory declares: nothing is parsed here
                uploads.check_before_storing(upload, "xlsx")
            except uploads.Refused as exc:
                errors["file"] = str(exc)
        if mode not in ("all", "valid"):
            errors["mode"] = "请选择导入方式"
        if errors:
            return render(request, "core/imports.html", {"importers": importers, "errors": errors, **_limits()},
                          status=400)
        importer = imports.IMPORTERS[kind]
        job = Job(
            kind="import",
            title=f"{importer.title}导入：{upload.name}",
            user=request.user,
            org_path=scope.scope_paths(request.user, "manage")[0],
            params={"importer": kind, "mode": mode, "ip": client_ip(request)},
        )
        uploads.store(job, upload)
        job.save()
        with scope.bypass():
            jobs.submit(job)  # always the background worker: the request only stores the file
        return redirect("core:job", pk=job.pk)
    return render(request, "core/imports.html", {"importers": importers, "errors": {}, **_limits()})


def _limits() -> dict:
    return {"max_size": uploads.human(uploads.limit_of("xlsx")), "max_rows": f"{uploads.max_rows():,}"}


@login_required
def import_template(request, kind):
    importer = imports.IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    return excel.xlsx_response(f"{importer.title}导入模板.xlsx", importer.template(request.user))


def _my_job(request, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).filter(user=request.user), pk=pk)


@login_required
def job_list(request):
    """我的任务: the user's own imports, exports and scans, newest first."""
    mine = Job.objects.visible_to(request.user).filter(user=request.user)
    jobs.reap(mine.filter(status=Job.Status.RUNNING))  # one whose process died says so at once
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
def job_detail(request, pk):
    job = _my_job(request, pk)
    if job.status == Job.Status.RUNNING and jobs.reap([job]):
        job.refresh_from_db()
    template = "core/_job_progress.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_retry(request, pk):
    """重试: an interrupted job of the user's, queued again with the same input."""
    job = _my_job(request, pk)
    try:
        jobs.retry(job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已重新提交，任务排队中")
    return redirect("core:job", pk=job.pk)


@login_required
def job_output(request, pk):
    job = _my_job(request, pk)
    if not job.output_file:
        raise Http404
    name = job.output_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)
