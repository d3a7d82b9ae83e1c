"""Training tables: ledger."""
