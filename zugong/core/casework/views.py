"""The pages of every casework domain: `CasePages`, configured per domain."""

from __future__ import annotations

import mimetypes
import os
from importlib import import_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zugong.core import record_tabs, rules, scope
from zugong.core.forms import apply_errors

from .forms import DocumentForm, StepForm
from .services import StepResult, add_document
from .steps import StepDef, Workflow


class CasePages:
    """The pages every casework domain has, configured per domain: record (or correct) a step
    (`?step=<kind>`), attach a document to a recorded step, download a document. Subclass it and set the
    workflow, the URL namespace and the hooks; in views.py: `PAGES = MyPages()`,
    `step, add_document, document = PAGES.views()`, and the case page renders `PAGES.page_context(...)`."""

    workflow: Workflow
    namespace = ""  # the URL namespace: "<namespace>:list", ":detail", ":step", ":add_document", ":document"
    title = ""  # the domain's name in breadcrumbs: 发展党员
    template = "core/casework/step_form.html"
    related = ()  # select_related of the case on its pages
    opening = ""  # the step that opens a case (its page: `create`)
    open_form = "OpenCaseForm"  # the form that opens a case (a class of the workflow's forms module)
    open_title = ""  # the title of that page: 登记入党申请
    open_denied = ""  # why a user who may change nothing cannot open one: 您没有登记发展党员的权限
    step_related = ("recorded_by",)  # select_related of its steps on the timeline

    def subject(self, case) -> str:
        """Whom the case is about, for titles and breadcrumbs."""
        raise NotImplementedError

    def form_class(self, kind: str) -> type[StepForm]:
        """The form the step declares (`StepDef.form`, a class of the workflow's forms module)."""
        return getattr(import_module(self.workflow.forms_module), self.workflow.step(kind).form)

    def initial(self, request, case, definition: StepDef, record) -> dict:
        """The form filled with what is recorded, for a correction."""
        initial = {"on": record.on if record else timezone.localdate()}
        if record is not None:
            initial |= {"done_by": record.done_by, "note": record.note}
        return initial

    def perform(self, user, case, kind: str, form) -> StepResult:
        """Call the step's operation with the form's values."""
        raise NotImplementedError

    def extra_context(self, request, case, definition: StepDef, form) -> dict:
        return {}

    def open_initial(self, request) -> dict:
        """The opening form's first values."""
        return {"on": timezone.localdate()}

    def open(self, user, form) -> StepResult:
        """Open the case with the opening form's values (the domain's `open_case` service)."""
        raise NotImplementedError

    def opened_message(self, form) -> str:
        raise NotImplementedError

    def url(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    @property
    def urls(self) -> dict[str, str]:
        """The URL names the templates reverse: {% url pages.urls.document d.pk %}."""
        return {name: self.url(name) for name in ("list", "detail", "step", "add_document", "document")}

    def views(self):
        """The opening page, the step page, the document upload and the download, as the view functions
        urls.py names."""
        return tuple(login_required(view) for view in (self.create, self.step, self.add_document, self.document))

    # ---- the views

    def get_case(self, request, pk, action="view"):
        """The case if the user may see it (404 otherwise); 403 if they may see it but not `action` it."""
        model = self.workflow.model("case")
        case = get_object_or_404(model.objects.visible_to(request.user).select_related(*self.related), pk=pk)
        if action != "view" and not scope.can(request.user, action, case.org_path):
            raise PermissionDenied(f"您无权修改该{self.workflow.noun}")
        return case

    def records(self, request, case) -> list:
        """The case's step rows the user may see, oldest first, with their documents."""
        documents = self.workflow.model("document").objects.visible_to(request.user)
        return list(self.workflow.model("step").objects.visible_to(request.user).filter(case=case)
                    .select_related(*self.step_related).prefetch_related(Prefetch("documents", queryset=documents)))

    def page_context(self, request, case, timeline: dict) -> dict:
        """What every case page (纪实) shows besides its own cards: the tab, the timeline, the findings and
        their open count, the log tab's page of audit entries, whether the user may change the case."""
        tab = request.GET.get("tab", "timeline")
        return {"case": case, "tab": tab, "timeline": timeline, "pages": self,
                "can_change": scope.can(request.user, "change", case.org_path),
                **record_tabs.tabs(request, case, tab=tab)}

    def context(self, case=None, **values) -> dict:
        """What the step form template needs besides the form."""
        return {"case": case, "case_name": self.subject(case) if case else "", "pages": self,
                "workflow": self.workflow, **values}

    def step(self, request, pk):
        """Record (or correct) one step of a case: ?step=<kind>."""
        workflow = self.workflow
        case = self.get_case(request, pk, "change")
        kind = request.POST.get("step") or request.GET.get("step", "")
        definition = workflow.by_kind.get(kind)
        if definition is None or not workflow.can_record(case, definition):
            raise Http404
        record = None
        if not definition.recurring:
            record = workflow.model("step").objects.visible_to(request.user).filter(case=case, kind=kind).first()
        can_except = scope.can(request.user, "manage", case.org_path)
        form_class = self.form_class(kind)

        def make_form(allow_exception):
            return form_class(request.POST or None, request.FILES or None, user=request.user, step=definition,
                              case=case, allow_exception=allow_exception,
                              initial=self.initial(request, case, definition, record))

        form = make_form(can_except and "exception_reason" in request.POST)
        if request.method == "POST" and form.is_valid():
            try:
                result = self.perform(request.user, case, kind, form)
            except rules.RuleViolation as exc:
                if can_except and "exception_reason" not in form.fields:
                    form = make_form(True)
                    form.is_valid()
                form.add_error(None, exc.messages)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, f"已记录“{definition.label}”")
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(self.url("detail"), pk=case.pk)
        title = f"{'修改' if record else '记录'}：{definition.label}（{self.subject(case)}）"
        return render(request, self.template, self.context(
            case, form=form, title=title, definition=definition,
            **self.extra_context(request, case, definition, form)))

    def create(self, request):
        """Open a case: the opening step's page."""
        if not scope.scope_paths(request.user, "change"):
            raise PermissionDenied(self.open_denied or f"您没有办理{self.workflow.noun}的权限")
        definition = self.workflow.step(self.opening)
        form_class = getattr(import_module(self.workflow.forms_module), self.open_form)
        form = form_class(request.POST or None, request.FILES or None, user=request.user, step=definition,
                          initial=self.open_initial(request))
        if request.method == "POST" and form.is_valid():
            try:
                result = self.open(request.user, form)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, self.opened_message(form))
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(self.url("detail"), pk=result.case.pk)
        return render(request, self.template,
                      self.context(form=form, title=self.open_title, definition=definition))

    def add_document(self, request, pk):
        """Attach a document to a recorded step (pk: the step); POST only, after the step is found."""
        step_model = self.workflow.model("step")
        record = get_object_or_404(step_model.objects.visible_to(request.user).select_related("case"), pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not scope.can(request.user, "change", record.case.org_path):
            raise PermissionDenied(f"您无权修改该{self.workflow.noun}")
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            add_document(self.workflow, request.user, record, form.cleaned_data["file"], form.cleaned_data["title"])
            messages.success(request, "已上传材料")
        else:
            messages.error(request, "请选择要上传的文件")
        return redirect(self.url("detail"), pk=record.case_id)

    def document(self, request, pk):
        """An uploaded document, only for who may see its case."""
        doc = get_object_or_404(self.workflow.model("document").objects.visible_to(request.user), pk=pk)
        content_type = mimetypes.guess_type(doc.file.name)[0] or "application/octet-stream"
        extension = os.path.splitext(doc.file.name)[1]
        name = doc.title if doc.title.endswith(extension) else f"{doc.title}{extension}"
        return FileResponse(doc.file.open("rb"), content_type=content_type, as_attachment=True, filename=name)
