"""The talent API (/api/talent/…), one module per area, each with `register(router)`."""

from . import applications, pool


def router_register(router) -> None:
    applications.register(router)
    pool.register(router)
