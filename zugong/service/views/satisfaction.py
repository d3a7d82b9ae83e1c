"""Service pages: satisfaction."""

urlpatterns: list = []
