"""Training API: requirements."""


def register(router) -> None:
    pass
