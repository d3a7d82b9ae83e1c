"""Training API: courses."""


def register(router) -> None:
    pass
