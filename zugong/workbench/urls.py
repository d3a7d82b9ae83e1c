from django.urls import path

from . import views

# Mounted at the site root: home and search keep their plain names ("home", "search", see zugong/urls.py);
# the findings list and the scan button keep their old addresses under /core/.
app_name = "workbench"
urlpatterns = [
    path("core/rules/scan/", views.start_scan, name="rules_scan"),
    path("core/findings/", views.finding_list, name="findings"),
    path("core/findings/acknowledge/", views.finding_bulk_ack, name="findings_ack"),
    path("core/schedule/", views.schedule_list, name="schedule"),
    path("core/schedule/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("core/schedule/<int:pk>/run/", views.schedule_run, name="schedule_run"),
]
