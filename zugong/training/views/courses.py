"""Training pages: the course library (课程库). Thin: every query through `visible_to`, every change through
`courses_services`. A course's materials are downloaded only through `course_material`, for users who see the
course (a course of another city answers 404)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from .. import courses_services as services
from ..forms.courses import CourseForm, MaterialForm, StudyForm
from ..models import MATERIAL_TYPES, Course, CourseMaterial, StudyLog


def _course(request, pk) -> Course:
    return get_object_or_404(Course.objects.visible_to(request.user).select_related("organization", "category"),
                             pk=pk)


def _errors(form, exc) -> None:
    apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _form_page(request, form, title, back, *, multipart=False, note="", course=None):
    return render(request, "training/courses/form.html", {"form": form, "title": title, "back": back,
                                                          "multipart": multipart, "note": note, "course": course})


@login_required
def course_list(request):
    from ..tables.courses import CourseFilterSet, CourseTable

    # The study of the people the user sees only. (Not `Subquery(StudyLog.objects.visible_to(...))`: a Subquery
    # takes the queryset's query as it is, before the pending scope is applied; `__in=` applies it.)
    seen = Q(study_logs__in=StudyLog.objects.visible_to(request.user).values("pk"))
    qs = (Course.objects.visible_to(request.user).select_related("organization", "category")
          .annotate(studied=Count("study_logs", filter=seen))
          .order_by("-active", "category__order", "code"))
    return list_page(request, queryset=qs, filterset_class=CourseFilterSet, table_class=CourseTable,
                     template="training/courses/list.html", title="课程库", export_name="课程库",
                     extra={"can_issue": services.can_issue(request.user)})


@login_required
def course_detail(request, pk):
    course = _course(request, pk)
    logs = (StudyLog.objects.visible_to(request.user).filter(course=course)
            .select_related("person", "person__organization", "recorded_by").order_by("-studied_on", "-pk"))
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    hours = services.credited(request.user, page.object_list)
    rows = [(log, hours.get(log.pk)) for log in page.object_list]
    form = StudyForm(user=request.user, course=course,
                     initial={"studied_on": timezone.localdate(), "minutes": course.minutes,
                              "method": StudyLog.Method.SELF})
    context = {
        "course": course, "materials": CourseMaterial.objects.visible_to(request.user).filter(course=course),
        "rows": rows, "page": page, "form": form,
        "can_edit": services.can_edit(request.user, course.org_path),
        "can_record": services.may_record(request.user) and course.active,
        "changeable": {log.pk for log, _h in rows if scope.can(request.user, "change", log.person.org_path)},
        **record_tabs.tabs(request, course, tab=request.GET.get("tab", "")),
    }
    return render(request, "training/courses/detail.html", context)


@login_required
def course_create(request):
    if not services.can_issue(request.user):
        raise PermissionDenied("只有组织部门或党组织管理员可以发布课程")
    form = CourseForm(request.POST or None, user=request.user, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(request.user, form.instance)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已发布课程“{course.title}”，可以上传课程资料")
            return redirect("training:course_detail", pk=course.pk)
    return _form_page(request, form, "发布课程", reverse("training:course_list"))


@login_required
def course_edit(request, pk):
    course = _course(request, pk)
    if not services.can_edit(request.user, course.org_path):
        raise PermissionDenied("只有发布单位或其上级的组织部门、党组织管理员可以修改该课程")
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and request.POST.get("delete"):
        try:
            services.delete_course(request.user, _course(request, pk))
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已删除课程“{course.title}”")
            return redirect("training:course_list")
    elif request.method == "POST" and form.is_valid():
        try:
            services.update_course(request.user, form.instance)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, "课程已保存")
            return redirect("training:course_detail", pk=pk)
    return _form_page(request, form, f"修改课程：{course.title}", reverse("training:course_detail", args=[pk]),
                      course=course)


@login_required
def material_add(request, pk):
    course = _course(request, pk)
    if not services.can_edit(request.user, course.org_path):
        raise PermissionDenied("只有发布单位或其上级的组织部门、党组织管理员可以上传课程资料")
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.add_material(request.user, course, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已添加课程资料“{material.title}”")
            return redirect("training:course_detail", pk=pk)
    return _form_page(request, form, f"添加课程资料：{course.title}", reverse("training:course_detail", args=[pk]),
                      multipart=True)


@login_required
def material(request, pk):
    """A material's file, only for users who see its course; a link material goes to its intranet address."""
    row = get_object_or_404(CourseMaterial.objects.visible_to(request.user).select_related("course"), pk=pk)
    if not row.file:
        if not row.link:
            raise Http404
        return redirect(row.link)
    extension = row.extension
    content_type = MATERIAL_TYPES.get(extension, ("", mimetypes.guess_type(row.file.name)[0]))[1]
    name = row.title if row.title.lower().endswith(extension) else f"{row.title}{extension}"
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(handle, content_type=content_type or "application/octet-stream", as_attachment=True,
                        filename=name)


@login_required
@require_POST
def material_delete(request, pk):
    row = get_object_or_404(CourseMaterial.objects.visible_to(request.user).select_related("course"), pk=pk)
    try:
        services.delete_material(request.user, row)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已删除课程资料“{row.title}”")
    return redirect("training:course_detail", pk=row.course_id)


@login_required
def study_record(request, pk):
    course = _course(request, pk)
    if not services.may_record(request.user):
        raise PermissionDenied("您只有查看权限，不能登记学习")
    form = StudyForm(request.POST or None, user=request.user, course=course,
                     initial={"studied_on": timezone.localdate(), "minutes": course.minutes,
                              "method": StudyLog.Method.SELF})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            logs = services.record_study(request.user, course, form.chosen_people(), studied_on=data["studied_on"],
                                         minutes=data["minutes"], passed_test=data.get("passed_test", False),
                                         method=data["method"], note=data["note"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已登记 {len(logs)} 人的学习，学时已计入学时台账")
            return redirect("training:course_detail", pk=pk)
    return _form_page(request, form, f"登记学习：{course.title}", reverse("training:course_detail", args=[pk]),
                      note="每条学习记录按学时计算规则计入本人的学时台账；同一人同一天同一课程只登记一次。")


@login_required
@require_POST
def study_delete(request, pk):
    log = get_object_or_404(StudyLog.objects.visible_to(request.user).select_related("person", "course"), pk=pk)
    try:
        services.delete_study(request.user, log)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已删除{log.person.name}的学习记录，相应学时已从学时台账撤销")
    return redirect("training:course_detail", pk=log.course_id)


urlpatterns = [
    path("courses/", course_list, name="course_list"),
    path("courses/new/", course_create, name="course_create"),
    path("courses/<int:pk>/", course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", course_edit, name="course_edit"),
    path("courses/<int:pk>/materials/new/", material_add, name="course_material_add"),
    path("courses/<int:pk>/study/", study_record, name="course_study"),
    path("courses/materials/<int:pk>/", material, name="course_material"),
    path("courses/materials/<int:pk>/delete/", material_delete, name="course_material_delete"),
    path("courses/study/<int:pk>/delete/", study_delete, name="course_study_delete"),
]
