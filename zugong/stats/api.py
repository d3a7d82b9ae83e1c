"""The statistics API: /api/statistics/tables/ and /api/statistics/tables/<number>/."""
