"""The reports: the start page (the user's organization, the reporting date, each table's link)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "stats/home.html", {})
