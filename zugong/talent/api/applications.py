"""Talent API: applications."""


def register(router) -> None:
    pass
