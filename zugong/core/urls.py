from django.urls import path

from . import rule_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("audit/security/", views.security_log, name="security_log"),
    path("imports/", views.import_center, name="imports"),
    path("imports/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/output/", views.job_output, name="job_output"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("rules/", rule_views.catalogue, name="rules"),
    path("rules/<str:code>/", rule_views.rule_detail, name="rule"),
    path("findings/<int:pk>/acknowledge/", rule_views.acknowledge, name="finding_ack"),
    path("local-rules/<int:pk>/", rule_views.local_rule_edit, name="local_rule"),
]
