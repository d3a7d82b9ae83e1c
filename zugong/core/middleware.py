"""Every request runs inside the scope guard and attributes its audit entries to its user and address; a request
answered 403 is a security event in the audit chain (`security_events.denied`)."""

from django.core.exceptions import PermissionDenied

from . import audit, scope


def client_ip(request) -> str | None:
    """The client's address (REMOTE_ADDR; X-Forwarded-For only when ZUGONG_TRUST_PROXY is set)."""
    from django.conf import settings

    if getattr(settings, "ZUGONG_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.acting_as(request=request, ip=client_ip(request)), scope.guard():
            response = self.get_response(request)
            if response.status_code == 403:
                from . import security_events

                security_events.denied(request, response)
            return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):  # its message says why (the 403 page is generic)
            request._zugong_denied = str(exception)
        return None
