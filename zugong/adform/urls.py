from django.urls import path

from . import views

app_name = "adform"
urlpatterns = [
    path("import/", views.upload, name="import"),
    path("import/<int:pk>/", views.session, name="session"),
    path("import/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("export/", views.batch_export, name="batch_export"),
    path("cadre/<int:pk>/lrmx/", views.cadre_lrmx, name="lrmx"),
    path("cadre/<int:pk>/docx/", views.cadre_docx, name="docx"),
    path("cadre/<int:pk>/pdf/", views.cadre_pdf, name="pdf"),
    path("cadre/<int:pk>/edit/", views.edit, name="edit"),
]
