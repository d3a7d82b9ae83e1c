"""Training API: signin."""


def register(router) -> None:
    pass
