"""The rows of the timeline component (`core/casework/_timeline.html`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .steps import StepDef, Workflow


@dataclass
class Fact:
    """A value a step recorded, as the timeline shows it: a label and a text, or links."""

    label: str
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)


@dataclass
class TimelineRow:
    definition: StepDef
    marker: str  # the first column: the step's number or its stage
    records: list = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    can_record: bool = False

    @property
    def done(self) -> bool:
        return bool(self.records)

    @property
    def record(self):
        return self.records[0] if self.records else None


def timeline_rows(workflow: Workflow, case, records: list, definitions: list[StepDef],
                  marker: Callable[[StepDef], str], facts: Callable[[StepDef], list[Fact]] | None = None
                  ) -> list[TimelineRow]:
    """The rows of `core/casework/_timeline.html`: each declared step with its records (oldest first)."""
    by_kind: dict[str, list] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    return [TimelineRow(d, marker(d), by_kind.get(d.kind, []), facts(d) if facts else [],
                        workflow.can_record(case, d)) for d in definitions]


def timeline_table(rows: list[TimelineRow], *, stages: dict[int, str] | None = None,
                   first_header: str = "序号") -> dict:
    """What `core/casework/_timeline.html` renders: the rows, grouped under a header row per stage when
    `stages` is given (stage 0 under 其他), the first column's header, and whether a 情况 column is shown."""
    groups: list[dict] = []
    for row in rows:
        stage = row.definition.stage if stages is not None else None
        if not groups or groups[-1]["stage"] != stage:
            label = "" if stages is None else stages.get(stage, "其他")
            groups.append({"stage": stage, "label": label, "rows": []})
        groups[-1]["rows"].append(row)
    show_facts = any(row.facts for row in rows)
    return {"rows": rows, "groups": groups, "first_header": first_header, "show_facts": show_facts,
            "columns": 8 if show_facts else 7}
