"""The assessment models, one module per area."""

from .ballots import *
from .individual import *
from .sanctions import *
from .schemes import *
