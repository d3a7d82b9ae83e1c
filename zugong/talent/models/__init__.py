"""The talent models, one module per area: `programmes` (a programme and its editions as data: tiers,
eligibility conditions, quotas, allowance schedule, review rubric; the priority counties), `applications` (the
application as a casework case, its steps, documents, co-applicants and 公示 objections), `review` (the expert
pool, review rounds, conflicts of interest, assignments and scores), `pool` (recognised talents, allowance
payments, periodic reviews)."""

from .applications import *  # noqa: F403
from .pool import *  # noqa: F403
from .programmes import *  # noqa: F403
from .review import *  # noqa: F403
