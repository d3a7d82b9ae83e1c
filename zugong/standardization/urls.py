from django.urls import path

from . import views

app_name = "standardization"
urlpatterns = [
    path("", views.score_list, name="scores"),
    path("ranking/", views.ranking, name="ranking"),
    path("compute/", views.compute, name="compute"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
]
