"""The training models, one module per area: `ledger` (the hours ledger and its crediting rules), `classes`
(plans, classes, sessions, enrolment, attendance, leave, certificates), `signin` (sign-in events and keys),
`requirements` (the hour requirements as configuration), `courses` (the course library)."""

from .classes import *  # noqa: F403
from .courses import *  # noqa: F403
from .ledger import *  # noqa: F403
from .requirements import *  # noqa: F403
from .signin import *  # noqa: F403
