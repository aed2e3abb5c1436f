"""The `dateline` command: Django's manage.py under the project's name.

`dateline serve`, `dateline migrate`, `dateline load_demo` and every other
management command work from any directory once the package is installed.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Accept the hyphenated spelling the docs use (`dateline import-wordpress`).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
