"""One way to give every form or serializer field of a class something when it is made (a validator).

`after_init(cls, hook)`: from now on every `cls(...)` runs `hook(field, kwargs)` after its own `__init__`. Used
by `core.textguard` (control characters: form and DRF CharFields) and `core.uploads` (size limits: form
FileFields), installed from `CoreConfig.ready`. A hook is added once however often it is asked for.
"""

from __future__ import annotations

from typing import Callable

_hooks: dict[type, list[Callable]] = {}


def after_init(cls: type, hook: Callable[[object, dict], None]) -> None:
    hooks = _hooks.setdefault(cls, [])
    if hook in hooks:
        return
    if not hooks:
        original = cls.__init__

        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            for run in _hooks[cls]:
                run(self, kwargs)

        cls.__init__ = init
    hooks.append(hook)
