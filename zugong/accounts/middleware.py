"""Until a user has changed an initial, reset or expired password, every page leads to the password change."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a user who must change the password may still open.
ALLOWED = ("password_change", "logout", "login")


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(user, "must_change"):
            reason = user.must_change()
            if reason and not self._allowed(request.path_info):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": reason}, status=403)
                messages.warning(request, reason)
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        from django.conf import settings

        if path.startswith(settings.STATIC_URL):
            return True
        return any(path == reverse(name) for name in ALLOWED) or path.startswith(reverse("password_change"))
