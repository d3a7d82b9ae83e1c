"""URLs of the cadre pages (mounted at /cadres/)."""

from django.urls import path

from . import views
from .services import CHILD_MODELS

app_name = "cadres"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("units/picker/", views.unit_picker, name="unit_picker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/appoint/", views.appoint, name="appoint"),
    path("new/<int:pk>/", views.create, name="create"),
    path("posts/<int:pk>/end/", views.end_post, name="end_post"),
]
# Each sub-record kind: add (on the cadre), edit and delete (on the record), e.g. cadres:resume_add.
for _kind in CHILD_MODELS:
    urlpatterns += [
        path(f"<int:pk>/{_kind}/add/", views.child_add, {"kind": _kind}, name=f"{_kind}_add"),
        path(f"{_kind}/<int:pk>/edit/", views.child_edit, {"kind": _kind}, name=f"{_kind}_edit"),
        path(f"{_kind}/<int:pk>/delete/", views.child_delete, {"kind": _kind}, name=f"{_kind}_delete"),
    ]
