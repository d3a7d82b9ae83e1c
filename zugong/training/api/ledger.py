"""Training API: ledger."""


def register(router) -> None:
    pass
