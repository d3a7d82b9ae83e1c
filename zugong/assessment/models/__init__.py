"""The assessment models, one module per area."""

from .ballots import *  # noqa: F403
from .individual import *  # noqa: F403
from .sanctions import *  # noqa: F403
from .schemes import *  # noqa: F403
