"""Service pages: tasks — the list of items (filtered, exported), the item page (what, for whom, who is
responsible, the clock, phases, extensions, photos and the timeline), taking an item in, the step pages
(`TaskPages`, a `CasePages`: the progress report works on a phone), the members a user may pick as claimant, a
photo shown inline. Thin: `tasks_services` does the work; every query goes through `visible_to`."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from zugong.core import scope
from zugong.core.casework.timeline import Fact, timeline_rows, timeline_table
from zugong.core.casework.views import CasePages
from zugong.core.lists import list_page
from zugong.people import search
from zugong.people.models import Person

from .. import clock
from .. import tasks_services as services
from ..models import Extension, Pause, Phase, ServiceTask, TaskDocument
from ..rules.tasks import RUNNING
from ..steps import STAGES, STEPS, WORKFLOW

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class TaskPages(CasePages):
    workflow = WORKFLOW
    namespace = "service"
    title = "办实事事项"
    template = "service/tasks/step_form.html"
    related = ("organization", "urgency", "category", "owner", "leader", "claimed_by", "supervisor", "campaign")
    opening, open_form, open_title = "receive", "OpenTaskForm", "受理办实事事项"
    open_denied = "您没有受理办实事事项的权限"
    step_related = ("done_by_person", "recorded_by")

    def subject(self, case) -> str:
        return case.title

    def initial(self, request, case, definition, record) -> dict:
        initial = super().initial(request, case, definition, record)
        if definition.kind == "assign":
            initial |= {"owner": case.owner_id, "leader": case.leader_id}
        if definition.kind == "extension_request":
            initial["workdays"] = 5
        if definition.kind == "extension_decision":
            initial["approved"] = "1"
        return initial

    def open_initial(self, request) -> dict:
        return {"on": timezone.localdate(), "beneficiaries": 1, "households": 1}

    def open(self, user, form):
        data = dict(form.cleaned_data)
        record = form.record()
        for name in ("on", "done_by", "note", "document", "document_title", "exception_reason"):
            data.pop(name, None)
        organization = data.pop("organization")
        return services.open_task(user, organization, received_on=record.on, record=record, **data)

    def opened_message(self, form) -> str:
        return f"已受理“{form.cleaned_data['title']}”"

    def perform(self, user, case, kind: str, form):
        record, data = form.record(), form.cleaned_data
        if kind == "assign":
            return services.assign(user, case, record, organization=data.get("organization"),
                                   owner=data.get("owner"), leader=data.get("leader"))
        if kind == "claim":
            return services.claim(user, case, record, person=data["person"])
        if kind == "report":
            return services.report(user, case, record, phase=data.get("phase"),
                                   phase_done=data.get("phase_done", False), photos=data.get("photos") or [])
        if kind in ("pause", "termination"):
            action = services.pause if kind == "pause" else services.terminate
            return action(user, case, record, reason=data["reason"])
        if kind == "extension_request":
            return services.request_extension(user, case, record, workdays=data["workdays"], reason=data["reason"])
        if kind == "extension_decision":
            return services.decide_extension(user, case, record, extension=form.extension,
                                             approved=data["approved"], workdays=data.get("workdays"),
                                             note=data.get("decision_note", ""))
        simple = {"sign": services.sign, "urge": services.urge, "resume": services.resume,
                  "complete": services.complete}
        if kind in simple:
            return simple[kind](user, case, record)
        raise Http404

    def extra_context(self, request, case, definition, form) -> dict:
        return {"phone": definition.kind == "report"}


PAGES = TaskPages()
create, step, add_document, document = PAGES.views()


@login_required
def task_list(request):
    from ..tables.tasks import TaskFilterSet, TaskTable

    qs = ServiceTask.objects.visible_to(request.user).select_related("organization", "urgency", "category")
    return list_page(request, queryset=qs, filterset_class=TaskFilterSet, table_class=TaskTable,
                     template="service/tasks/list.html", title="办实事事项", export_name="办实事事项",
                     extra={"can_change": bool(scope.scope_paths(request.user, "change"))})


def _facts(task, pauses, extensions, phases):
    def facts(definition) -> list[Fact]:
        if definition.kind == "pause":
            return [Fact(f"{p.paused_on:%m-%d}起", f"{p.reason}；" + (
                f"{p.resumed_on:%m-%d}恢复，{p.workdays} 个工作日" if p.resumed_on else "暂停中")) for p in pauses]
        if definition.kind == "extension_request":
            return [Fact(f"{e.requested_on:%m-%d}申请", f"{e.workdays} 个工作日，{e.get_decision_display()}"
                         + (f"（同意 {e.approved_workdays} 个工作日）" if e.decision == "approved" else ""))
                    for e in extensions]
        if definition.kind == "report" and phases:
            return [Fact(f"第{p.number}期", f"{p.title}：计划 {p.planned_on:%Y-%m-%d}，"
                         + (f"{p.completed_on:%Y-%m-%d} 完成" if p.completed_on else "未完成")) for p in phases]
        if definition.kind == "complete" and task.completed_on:
            return [Fact("按期办结", "是" if task.on_time else "否")]
        return []
    return facts


@login_required
def detail(request, pk):
    task = PAGES.get_case(request, pk)
    records = PAGES.records(request, task)
    pauses = list(Pause.objects.visible_to(request.user).filter(task=task))
    extensions = list(Extension.objects.visible_to(request.user).filter(task=task))
    phases = list(Phase.objects.visible_to(request.user).filter(task=task))
    rows = timeline_rows(WORKFLOW, task, records, STEPS, lambda d: STAGES.get(d.stage, ""),
                         _facts(task, pauses, extensions, phases))
    today = timezone.localdate()
    overdue_days = None
    if task.status in RUNNING and task.deadline and task.deadline < today:
        try:
            overdue_days = clock.overdue_workdays(task.deadline, today)
        except ValueError:
            overdue_days = None
    photos = [d for r in records for d in r.documents.all()
              if (mimetypes.guess_type(d.file.name)[0] or "") in IMAGE_TYPES]
    context = PAGES.page_context(request, task, timeline_table(rows, stages=STAGES, first_header="阶段"))
    context |= {"task": task, "pauses": pauses, "extensions": extensions, "phases": phases, "photos": photos,
                "overdue_days": overdue_days, "days_left": (task.deadline - today).days if task.deadline else None,
                "running": task.status in RUNNING, "provisional": clock.is_provisional(task.deadline),
                "actions": _actions(request.user, task, extensions)}
    return render(request, "service/tasks/detail.html", context)


# The buttons over the item page, in the order they are usually needed.
ACTIONS = ("report", "claim", "sign", "assign", "urge", "pause", "resume", "extension_request",
           "extension_decision", "complete")


def _actions(user, task, extensions) -> list:
    """The steps the item takes now, in `ACTIONS` order: 延期审批 only while a request waits and for who may
    decide it."""
    pending = any(e.decision == Extension.Decision.PENDING for e in extensions)
    out = []
    for kind in ACTIONS:
        definition = WORKFLOW.step(kind)
        if not WORKFLOW.can_record(task, definition):
            continue
        if kind == "extension_decision" and not (pending and scope.can(user, "manage", task.org_path)):
            continue
        if kind == "extension_request" and pending:
            continue
        out.append(definition)
    return out


@login_required
def photo(request, pk):
    """A photo of a step, shown inline (thumbnails on the item page), only for who may see the item."""
    doc = get_object_or_404(TaskDocument.objects.visible_to(request.user), pk=pk)
    content_type = mimetypes.guess_type(doc.file.name)[0] or ""
    if content_type not in IMAGE_TYPES:
        raise Http404
    return FileResponse(doc.file.open("rb"), content_type=content_type)


@login_required
def member_picker(request):
    """Party members among the people the user may see (who may claim an item)."""
    q = request.GET.get("q", "").strip()
    people = services.members(Person.objects.visible_to(request.user))
    found = search.search(people, q).select_related("organization")[:30] if q else []
    return JsonResponse({"results": [{"id": p.pk, "text": f"{p.name}（{p.organization.name}，身份证尾号{p.id_tail}）"}
                                     for p in found]})


urlpatterns = [
    path("tasks/", task_list, name="list"),
    path("tasks/new/", create, name="create"),
    path("tasks/<int:pk>/", detail, name="detail"),
    path("tasks/<int:pk>/step/", step, name="step"),
    path("tasks/steps/<int:pk>/documents/", add_document, name="add_document"),
    path("tasks/documents/<int:pk>/", document, name="document"),
    path("tasks/photos/<int:pk>/", photo, name="photo"),
    path("tasks/picker/members/", member_picker, name="member_picker"),
]
