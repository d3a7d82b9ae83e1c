"""The service pages, one module per area (each with its `urlpatterns`)."""
