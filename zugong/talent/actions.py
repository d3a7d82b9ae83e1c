"""Which service records a step of the application chain: `ACTIONS[kind](user, case, record, data)`, filled by
the services modules with `@action("kind")` (applications_services: 单位推荐 … 认定; pool_services: the
support period and 退出). The step page (`views/applications.py`) calls it; `data` is the step form's
`cleaned_data`."""

from __future__ import annotations

from typing import Callable

ACTIONS: dict[str, Callable] = {}


def action(kind: str):
    def register(function):
        ACTIONS[kind] = function
        return function
    return register
