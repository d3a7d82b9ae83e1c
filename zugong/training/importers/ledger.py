"""Training importers: ledger."""
