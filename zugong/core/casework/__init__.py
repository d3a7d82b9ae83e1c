"""Casework: a case (纪实) that moves through dated steps, each step a timeline row with who did it, a note and
uploaded documents, guarded by rules and audited as one operation.

A domain declares, in plain data:
- its models: a concrete case (any `AuditedModel` with `org_path`, `stage`, `status` and the dated columns its
  rules judge; `CaseBase` gives the common columns), a step table (`StepBase` plus a `case` foreign key and a
  `kind`) and a document table (`StepDocumentBase` plus a `step` foreign key and a `file`);
- its steps: `StepDef` rows (kind, stage, label, the case date it sets, the date it must follow, the rule
  codes that guard it) collected in a `Workflow`, which also says when a case refuses a step (closed, …) and
  how its dates must be ordered;
- its operations: one small function per step that validates the step's own values and calls
  `record_step(workflow, user, case, kind, record, values, after=…)`; `after` is the side effect (a
  membership created, a post appointed) and runs inside the same transaction;
- its pages: a `CasePages` subclass (which form a step uses, its initial values, which operation it calls);
  the step page, the document upload and download come from here, the timeline from
  `core/casework/_timeline.html`.

`record_step` is the one way a step is written: authorized, one transaction, dates checked, the step row
(created, or corrected for a step done once) with its document, the side effect, ONE audit entry for the
operation ("流程步骤：…"), then `rules.enforce` with the step's rules (an error refuses the step unless an
administrator gives an exception reason) and a scan of the subtree so its findings follow at once. A refused
step leaves nothing behind: the transaction rolls back, the case object gets its values back and uploaded
files are deleted.

Modules (import the one you need; this package imports nothing, so models.py may use it):
- `models`: `CaseBase`, `StepBase`, `StepDocumentBase` (abstract tables);
- `steps`: `StepDef`, `Workflow`;
- `services`: `StepRecord`, `StepResult`, `record_step`, `add_document`, `require_visible`;
- `forms`: `StepForm`, `DocumentForm`, `DATE`;
- `views`: `CasePages` (step page, document upload and download, the case page's common context);
- `timeline`: `timeline_rows`, `timeline_table`, `Fact` (rows of `core/casework/_timeline.html`);
- `api`: `case_filterset` (organization subtree, stage, status).
Templates: `core/casework/step_form.html`, `_timeline.html`, `_facts.html`, `_next_deadline.html`.
"""

