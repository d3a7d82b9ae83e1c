"""The statistics pages (党内统计)."""

from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.home, name="home"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/<str:family>/<str:key>/", views.missing_list, name="completeness_missing"),
]
