"""Excel importers (`zugong import …`) of sanctions (处分、问责、组织处理) and investigations per person, and the bars they put on an annual grade."""
