"""Training models: courses (see models/__init__)."""

__all__: list[str] = []
