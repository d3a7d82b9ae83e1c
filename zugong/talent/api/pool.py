"""Talent API: pool."""


def register(router) -> None:
    pass
