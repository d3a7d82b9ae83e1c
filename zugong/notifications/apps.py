from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Reminders (提醒): deadlines coming and new findings, delivered in the app (the bell and the list), by
    e-mail where an SMTP server is configured and by SMS through a pluggable backend; each user chooses."""

    name = "zugong.notifications"
    label = "notifications"
    verbose_name = "提醒"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the "reminders" job runner)
