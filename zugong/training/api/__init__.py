"""The training API (/api/training/…), one module per area, each with `register(router)`."""

from . import classes, courses, ledger, requirements, signin


def router_register(router) -> None:
    ledger.register(router)
    requirements.register(router)
    classes.register(router)
    signin.register(router)
    courses.register(router)
