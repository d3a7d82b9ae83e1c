"""Party statistics (党内统计): the annual tables computed from zugong's records, checked, drilled down,
submitted and frozen."""
