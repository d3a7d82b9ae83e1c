from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.terms, name="terms"),
    path("records/", views.election_list, name="list"),
    path("records/new/", views.create, name="create"),
    path("records/<int:pk>/", views.detail, name="detail"),
    path("records/<int:pk>/approve/", views.approve, name="approve"),
    path("adjustments/", views.adjustment_list, name="adjustments"),
    path("orgs/<int:pk>/adjust/", views.adjust, name="adjust"),
]
