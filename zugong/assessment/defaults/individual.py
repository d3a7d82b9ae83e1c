"""Default configuration of routine (平时) and annual (年度) assessment of individuals: pools, quotas, proposals, confirmation, every grade explained."""
