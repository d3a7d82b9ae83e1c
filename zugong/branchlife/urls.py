from django.urls import path

from . import views

app_name = "branchlife"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("year/", views.year, name="year"),
    path("record/", views.record, name="record"),
    path("record/roster/", views.roster, name="roster"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/attachments/", views.add_attachment, name="add_attachment"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("study/<int:pk>/", views.study, name="study"),
    path("appraisals/new/", views.appraisal_new, name="appraisal_new"),
    path("appraisals/<int:pk>/", views.appraisal, name="appraisal"),
    path("appraisal-results/<int:pk>/", views.appraisal_result, name="appraisal_result"),
]
