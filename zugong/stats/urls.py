"""The statistics pages (党内统计)."""

from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("subordinates/", views.subordinates, name="subordinates"),
    path("check-list/", views.check_list, name="check_list"),
    path("table/<int:number>/", views.table, name="table"),
    path("table/<int:number>/cell/<int:r>/<int:c>/", views.cell, name="cell"),
    path("table/<int:number>/manual/<int:r>/<int:c>/", views.manual, name="manual"),
    path("export/", views.export, name="export"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/<str:family>/<str:key>/", views.missing_list, name="completeness_missing"),
]
