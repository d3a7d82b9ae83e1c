"""The service figures as data measures (`core.config.measures`) per organization subtree, so the assessment
indicators can name them (filled in by the league-table area)."""
