"""Training pages: signin."""

urlpatterns: list = []
