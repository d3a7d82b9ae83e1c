"""The assessment API (/api/assessment/…), one module per area, each with `register(router)`."""

from . import ballots, individual, sanctions, schemes


def router_register(router) -> None:
    schemes.register(router)
    individual.register(router)
    sanctions.register(router)
    ballots.register(router)
