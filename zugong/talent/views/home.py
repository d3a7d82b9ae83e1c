"""The talent start page: what each area holds."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ..home_selectors import home_counts


@login_required
def index(request):
    return render(request, "talent/index.html", {"counts": home_counts(request.user)})


urlpatterns = [path("", index, name="index")]
