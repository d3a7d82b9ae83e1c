"""The assessment tables, one module per area."""
