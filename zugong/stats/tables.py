"""The statistics list tables (reports of the subordinates, drill-down lists)."""
