"""Training forms: ledger."""
