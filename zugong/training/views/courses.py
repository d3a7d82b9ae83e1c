"""Training pages: courses."""

urlpatterns: list = []
