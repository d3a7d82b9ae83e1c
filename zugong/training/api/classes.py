"""Training API: classes."""


def register(router) -> None:
    pass
