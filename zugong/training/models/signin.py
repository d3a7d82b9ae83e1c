"""Training models: signin (see models/__init__)."""

__all__: list[str] = []
