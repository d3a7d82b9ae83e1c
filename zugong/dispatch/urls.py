from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.dispatch_list, name="list"),
    path("new/", views.create, name="create"),
    path("reports/", views.report_list, name="reports"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("programs/", views.program_list, name="programs"),
    path("programs/<int:pk>/", views.program_edit, name="program_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:pk>/recall/", views.recall, name="recall"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/end/", views.team_end, name="team_end"),
    path("rotations/", views.rotation_list, name="rotations"),
    path("rotations/new/", views.rotation_create, name="rotation_create"),
    path("rotations/<int:pk>/", views.rotation, name="rotation"),
    path("rotations/<int:pk>/end/", views.rotation_end, name="rotation_end"),
]
