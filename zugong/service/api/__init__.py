"""The service API (/api/service/…), one module per area, each with `register(router)`."""

from . import tasks


def router_register(router) -> None:
    tasks.register(router)
