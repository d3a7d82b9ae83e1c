"""The abstract tables of casework: a case, its steps and their documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedManager, ScopedModel


class CaseBase(ScopedModel, AuditedModel):
    """The columns every case has besides its own dates: the organization path it is scoped by, how it
    ended early, and when it was written. The concrete case adds `organization`, `stage`, `status` and its
    dated columns, and `current_stage()`; the scope strategy keeps `org_path` and saving keeps `stage` in step."""

    scope = OwnSubtree("organization")

    org_path = models.CharField("所属组织路径", max_length=255)
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.CharField("终止原因", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.stage = self.current_stage()
        super().save(*args, **kwargs)

    def current_stage(self) -> int:
        raise NotImplementedError


class StepBase(ScopedModel):
    """One dated step of a case's timeline: when, who did it, a note; documents hang off it. The concrete
    step adds `case = ForeignKey(<its case>, related_name="steps")` and `kind` (choices from its steps)."""

    scope = Inherited("case", stored=False)

    on = models.DateField("日期")
    done_by = models.CharField("经办人（单位、职务或姓名）", max_length=100, blank=True)
    note = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now=True)

    objects = ScopedManager()

    class Meta:
        abstract = True
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def done_by_label(self) -> str:
        """Who did it: the person chosen (where the domain has a picker) and the free text."""
        person = getattr(self, "done_by_person", None)
        names = [person.name if person is not None else "", self.done_by]
        return "，".join(n for n in names if n)


class StepDocumentBase(ScopedModel):
    """An uploaded document of a step, served only to who may see the case. The concrete document adds
    `step = ForeignKey(<its step>, related_name="documents")` and `file` (with its upload folder)."""

    scope = Inherited("step", stored=False)

    title = models.CharField("材料名称", max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title
