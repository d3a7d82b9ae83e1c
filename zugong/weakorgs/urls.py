from django.urls import path

from . import views

app_name = "weakorgs"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("lists/", views.list_list, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/action/", views.list_action, name="list_action"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("entries/<int:pk>/rectify/", views.open_case, name="open_case"),
    path("screen/", views.screen, name="screen"),
    path("screen/refresh/", views.screen_refresh, name="screen_refresh"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/report/", views.case_report, name="case_report"),
    path("cases/<int:pk>/apply/", views.case_apply, name="case_apply"),
    path("cases/<int:pk>/accept/", views.case_accept, name="case_accept"),
    path("cases/<int:pk>/followup/", views.case_followup, name="case_followup"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/<int:pk>/withdraw/", views.flag_withdraw, name="flag_withdraw"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("standards/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
]
