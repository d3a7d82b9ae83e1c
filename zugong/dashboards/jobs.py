"""Background job: rebuild the dashboard roll-ups."""
