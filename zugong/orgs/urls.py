from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("tree/find/", views.tree_find, name="tree_find"),
    path("list/", views.org_list, name="list"),
    path("picker/", views.picker, name="picker"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
]
