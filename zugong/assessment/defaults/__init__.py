"""Default configuration of assessment (`zugong defaults install --domain assessment…`), one module per area."""

from . import (
    ballots,  # noqa: F401
    individual,  # noqa: F401
    sanctions,  # noqa: F401
    schemes,  # noqa: F401
)
