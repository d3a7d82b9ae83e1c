"""The items' deadlines for the 工作台 and the reminders (催办): a `core.deadlines` provider (filled in by the
tasks area)."""
