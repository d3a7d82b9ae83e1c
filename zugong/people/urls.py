from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/full/", views.full, name="full"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("picker/", views.picker, name="picker"),
]
