"""Training default configuration: ledger."""
