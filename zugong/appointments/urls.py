from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.create, name="create"),
    path("notices/", views.public_notice_list, name="notices"),
    path("notices/docx/", views.public_notices_docx, name="notices_docx"),
    path("picker/cadres/", views.cadre_picker, name="cadre_picker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/docx/", views.docx, name="docx"),
    path("steps/<int:pk>/documents/", views.add_document, name="add_document"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("observations/", views.observation_list, name="observations"),
    path("observations/new/", views.observation_create, name="observation_create"),
    path("observations/<int:pk>/", views.observation_detail, name="observation"),
    path("observations/<int:pk>/edit/", views.observation_edit, name="observation_edit"),
]
