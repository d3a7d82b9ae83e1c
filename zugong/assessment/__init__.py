"""Assessment (考核): routine and annual assessment of individuals, leadership teams and 民主测评, and the
classified assessment of regions and units. See docs/architecture.md and issue 14."""
