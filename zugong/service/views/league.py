"""Service pages: league."""

urlpatterns: list = []
