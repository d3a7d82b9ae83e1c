"""Demo training data: classes with sessions, sign-in, leave and certificates, online learning, the course
library, the ledger of credited hours, all dated up to the seed's day."""

from __future__ import annotations

from zugong.demo import training_classes, training_courses, training_ledger, training_requirements, training_signin


def seed_training(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts |= training_requirements.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= training_ledger.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= training_classes.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= training_signin.seed(root, city, seed=seed, as_of=as_of, log=log)
    counts |= training_courses.seed(root, city, seed=seed, as_of=as_of, log=log)
    return counts
