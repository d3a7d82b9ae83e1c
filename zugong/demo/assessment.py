"""Demo assessment data: sanctions, routine and annual assessment, team assessment and 民主测评, and the
classified assessment of the counties, all dated up to the seed's day."""

from __future__ import annotations

from zugong.demo import assessment_ballots, assessment_individual, assessment_sanctions, assessment_schemes


def seed_assessment(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts |= assessment_sanctions.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= assessment_individual.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= assessment_ballots.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= assessment_schemes.seed(root, city, seed=seed, as_of=as_of, log=log)
    return counts
