"""The service models, one module per area: `tasks` (the one task model: 办实事 items, 12345-style requests and
items handed down for supervision, with their steps, phases, pauses and extensions, and the configuration of
urgency classes and categories), `satisfaction` (the check before closure: sampled callbacks by one-time code),
`community` (在职党员到社区报到: registrations, activities, service hours), `boards` (public display pages)."""

from .boards import *  # noqa: F403
from .community import *  # noqa: F403
from .satisfaction import *  # noqa: F403
from .tasks import *  # noqa: F403
