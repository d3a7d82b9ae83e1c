"""The forms of the application chain's steps (`WORKFLOW.forms_module`): the chain's own (forms/applications.py)
and the support period's (forms/pool.py)."""

from .applications import *  # noqa: F403
from .pool import *  # noqa: F403
