from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("imports/", views.import_center, name="imports"),
    path("imports/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/output/", views.job_output, name="job_output"),
]
