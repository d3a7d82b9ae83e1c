"""/api/service/tasks/ (filled in by the tasks area)."""


def register(router) -> None:
    pass
