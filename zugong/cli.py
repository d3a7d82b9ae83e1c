"""The `zugong` console command: this project's manage.py."""

import os
import sys


def main() -> None:
    """Run a Django management command with zugong's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zugong", *sys.argv[1:]])


if __name__ == "__main__":
    main()
