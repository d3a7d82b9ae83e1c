"""The statistics forms (report cover, manual cells, explanations, return reason)."""
