from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.create, name="create"),
    path("analysis/", views.analysis, name="analysis"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:pk>/", views.standard_edit, name="standard_edit"),
    path("picker/cadres/", views.cadre_picker, name="cadre_picker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/posts/new/", views.add_post, name="add_post"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("posts/<int:pk>/", views.post_redirect, name="post"),
    path("posts/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("members/<int:pk>/", views.member_redirect, name="member"),
    path("members/<int:pk>/release/", views.release, name="release"),
]
