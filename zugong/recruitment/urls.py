from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.create, name="create"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("statistics/", views.statistics, name="statistics"),
    path("picker/people/", views.person_picker, name="person_picker"),
    path("picker/members/", views.member_picker, name="member_picker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/docx/", views.docx, name="docx"),
    path("steps/<int:pk>/documents/", views.add_document, name="add_document"),
    path("documents/<int:pk>/", views.document, name="document"),
]
