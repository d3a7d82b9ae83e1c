"""Service pages: community."""

urlpatterns: list = []
