"""Service pages: tasks."""

urlpatterns: list = []
