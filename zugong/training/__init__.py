"""Training and education (赋能、党员教育): classes and sign-in, one ledger of credited hours, the hour
requirements as rules, the course library."""
