"""The satisfaction check before closure (满意度回访): surveys, one-time codes, answers, 复办 and 销号
(filled in by the satisfaction area).

Interface the tasks area calls: `open_survey(task, on, op)` inside the 办结 step's operation (`after`), which
opens the survey round of that completion and returns it (or None where nothing is to be asked)."""

from __future__ import annotations


def open_survey(task, on, op):
    return None
