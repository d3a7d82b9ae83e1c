from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The top layer's pages that span the kernel and every domain: the home page (工作台), global search,
    the findings list and the rule scan started from it (they take an organization code), the findings API."""

    name = "zugong.workbench"
    label = "workbench"
    verbose_name = "工作台"
