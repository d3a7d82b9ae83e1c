"""任免审批表 pages: upload → preview (what will change, name matches to confirm) → import report; the
cadre's export (.lrmx) and prints (.docx, PDF); batch export of the roster's selected or filtered cadres."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import filter_roster
from zugong.core import jobs, scope, uploads
from zugong.core.models import Job
from zugong.orgs.models import Organization
from zugong.people import services as people_services

from . import printing, services
from .forms import AdFormForm, UploadForm
from .models import AdForm
from .tasks import IMPORT, PREVIEW

BUNDLE = "上传的文件.zip"
MAX_BATCH = 3000


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


# ---------------------------------------------------------------- import


@login_required
def upload(request):
    if not scope.scope_paths(request.user, "manage"):
        raise PermissionDenied("您没有导入干部信息的权限")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method != "POST":
        root = Organization.objects.visible_to(request.user, "manage").filter(
            path=scope.scope_paths(request.user, "manage")[0]).first()
        form.initial["organization"] = root.pk if root else None
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["files"]
        org = form.cleaned_data["organization"]
        title = files[0].name if len(files) == 1 else f"{files[0].name} 等 {len(files)} 个文件"
        strip = "" if len(files) == 1 and files[0].name.lower().endswith(".zip") else f"{BUNDLE}/"
        name = files[0].name if not strip else BUNDLE
        job = Job(kind=PREVIEW, title=f"任免审批表导入预览：{title}", user=request.user, org_path=org.path,
                  params={"org_id": org.pk, "strip": strip, "bundle": name, "ip": _client_ip(request)})
        if not strip:  # the form checked its size and its central directory (no byte unpacked)
            uploads.store(job, files[0])
        else:  # several files travel as one zip (a .lrm stays beside its .pic)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for f in files:
                    f.seek(0)
                    z.writestr(f.name, f.read())
            job.input_file.save(name, ContentFile(buf.getvalue()), save=False)
        job.save()
        with scope.bypass():
            jobs.submit(job)  # always the background worker: the request only stores the files
        return redirect("adform:session", pk=job.pk)
    recent = Job.objects.visible_to(request.user).filter(user=request.user, kind__in=[PREVIEW, IMPORT])[:10]
    return render(request, "adform/upload.html", {"form": form, "recent": recent})


def _my_job(request, pk) -> Job:
    return get_object_or_404(
        Job.objects.visible_to(request.user).filter(user=request.user, kind__in=[PREVIEW, IMPORT]), pk=pk
    )


@login_required
def session(request, pk):
    job = _my_job(request, pk)
    rows = job.result.get("files", [])
    return render(request, "adform/session.html", {
        "job": job, "rows": rows, "summary": job.result.get("summary", {}), "is_preview": job.kind == PREVIEW,
        "finished": job.status in (Job.Status.DONE, Job.Status.FAILED),
        "importable": sum(1 for r in rows if r["status"] in ("new", "matched_id", "matched_name")),
    })


@login_required
def confirm(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    preview = _my_job(request, pk)
    if preview.kind != PREVIEW or preview.status != Job.Status.DONE:
        raise PermissionDenied("只能确认已完成的预览")
    org = get_object_or_404(Organization.objects.visible_to(request.user, "manage"), pk=preview.params["org_id"])
    confirmed = request.POST.getlist("confirm")
    job = Job(kind=IMPORT, title=preview.title.replace("导入预览", "导入"), user=request.user, org_path=org.path,
              params={**preview.params, "confirmed": confirmed, "preview": preview.pk, "ip": _client_ip(request)})
    job.input_file.name = preview.input_file.name  # the same upload (deleted when this import ends)
    job.save()
    with scope.bypass():
        jobs.submit(job)
    return redirect("adform:session", pk=job.pk)


# ---------------------------------------------------------------- export and print


def _cadre(request, pk, action="view") -> Cadre:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("person", "organization"), pk=pk)
    if action != "view" and not scope.can(request.user, action, cadre.org_path):
        raise PermissionDenied("您无权修改该干部的信息")
    return cadre


def _full(request, cadre) -> bool:
    """The form carries the whole ID number for a user who needs it (organization and department
    administrators, `people.services.exports_full`); masked for the others."""
    return people_services.exports_full(request.user, cadre.org_path)


@login_required
def cadre_lrmx(request, pk):
    cadre = _cadre(request, pk)
    return _download(services.lrmx_bytes(cadre, full=_full(request, cadre)), services.export_name(cadre),
                     "application/xml")


@login_required
def cadre_docx(request, pk):
    cadre = _cadre(request, pk)
    return _download(services.print_docx(cadre, full=_full(request, cadre)),
                     services.export_name(cadre, "-任免审批表.docx"), printing.DOCX)


@login_required
def cadre_pdf(request, pk):
    cadre = _cadre(request, pk)
    response = HttpResponse(services.print_pdf(cadre, full=_full(request, cadre)), content_type=printing.PDF)
    name = services.export_name(cadre, "-任免审批表.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def batch_export(request):
    """The roster's selected cadres (`ids`) or the filtered ones (the roster's filter parameters) as a .zip."""
    data = request.POST if request.method == "POST" else request.GET
    qs = Cadre.objects.visible_to(request.user).select_related("person", "organization")
    ids = [i for raw in data.getlist("ids") for i in raw.split(",") if i.strip().isdigit()]
    if request.method == "POST" and not ids:
        messages.error(request, "请先勾选要导出任免审批表的干部")
        return redirect(request.META.get("HTTP_REFERER") or "home")
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        qs = filter_roster(request, qs, data)  # the same rows as the cadre roster shows
    qs = qs.order_by("org_path", "post_order", "stroke_key")
    count = qs.count()
    if count == 0:
        messages.error(request, "没有可导出的干部")
        return redirect(request.META.get("HTTP_REFERER") or "home")
    if count > MAX_BATCH:
        messages.error(request, f"一次最多导出 {MAX_BATCH} 名干部（当前 {count} 名），请缩小筛选范围")
        return redirect(request.META.get("HTTP_REFERER") or "home")
    content, n = services.export_zip(qs, full=lambda cadre: _full(request, cadre))
    return _download(content, f"任免审批表-{n}人.zip", "application/zip")


@login_required
def edit(request, pk):
    """拟任职务, 拟免职务, 任免理由, 呈报单位 and the form's dates."""
    cadre = _cadre(request, pk, "change")
    instance = AdForm.objects.visible_to(request.user).filter(cadre=cadre).first() or AdForm(cadre=cadre)
    form = AdFormForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if not saved.source:
            saved.source = "页面填写"
        with scope.bypass():
            saved.save()
        messages.success(request, "已保存任免审批表信息")
        return redirect(_cadre_url(cadre))
    return render(request, "core/form.html", {"form": form, "title": f"任免审批表：{cadre.name}", "object": cadre})


def _cadre_url(cadre) -> str:
    try:
        return reverse("cadres:detail", args=[cadre.pk]) + "?tab=adform"
    except Exception:  # noqa: BLE001 — the cadre page may not be there yet
        return reverse("adform:import")
