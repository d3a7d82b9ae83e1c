"""Demonstration and benchmark data: `zugong seed` builds a realistic Shanxi party-organization tree."""
