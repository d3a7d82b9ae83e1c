"""URLs of the member pages (mounted at /members/)."""

from django.urls import path

from . import exit_views, views

app_name = "members"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("national/members.xlsx", views.national_members, name="national_members"),
    path("national/orgs.xlsx", views.national_orgs, name="national_orgs"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transfer/", views.transfer_create, name="transfer_create"),
    path("<int:pk>/dues/pay/", views.dues_pay, name="dues_pay"),
    path("<int:pk>/dues/exempt/", views.dues_exempt, name="dues_exempt"),
    path("<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("<int:pk>/corrections/add/", views.correction_add, name="correction_add"),
    path("corrections/<int:pk>/outcome/", views.correction_outcome, name="correction_outcome"),
    path("<int:pk>/exit/", exit_views.exit_add, name="exit_add"),
    path("<int:pk>/awards/add/", exit_views.member_award_add, name="award_member_add"),
    path("exits/", exit_views.exit_list, name="exits"),
    path("awards/", exit_views.award_list, name="awards"),
    path("awards/add/", exit_views.award_add, name="award_add"),
    path("register/<int:pk>/", views.register, name="register"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/inbound/", views.transfer_inbound, name="transfer_inbound"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/send/", views.transfer_send, name="transfer_send"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/close/", views.transfer_close, name="transfer_close"),
    path("dues/", views.dues_grid, name="dues"),
    path("dues/arrears/", views.arrears, name="arrears"),
    path("dues/payments/<int:pk>/delete/", views.payment_delete, name="payment_delete"),
    path("dues/exemptions/<int:pk>/delete/", views.exemption_delete, name="exemption_delete"),
]
