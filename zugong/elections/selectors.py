"""What other apps read of elections (the dashboards use it): public, stable, read-only.

`reminder_months` stays defined beside the local-rule template whose parameter it reads (`rules.py`,
"term_reminder"); other apps import it from here, never from `rules.py`.
"""

from .rules import DEFAULT_REMINDER_MONTHS, reminder_months

__all__ = ["DEFAULT_REMINDER_MONTHS", "reminder_months"]
