"""Training pages: ledger."""

urlpatterns: list = []
