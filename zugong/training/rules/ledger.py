"""Training rules: ledger."""
