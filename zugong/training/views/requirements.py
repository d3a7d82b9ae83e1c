"""Training pages: requirements."""

urlpatterns: list = []
