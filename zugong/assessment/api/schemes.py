"""API of classified assessment of regions and units (分类考核): schemes, categories, indicators, values, scoring methods, ranks and grades."""


def register(router) -> None:
    pass
