"""Training models: requirements (see models/__init__)."""

__all__: list[str] = []
