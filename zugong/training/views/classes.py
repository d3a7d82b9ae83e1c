"""Training pages: classes."""

urlpatterns: list = []
