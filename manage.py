#!/usr/bin/env python
import os
import sys
from pathlib import Path


def load_local_env(path: Path) -> None:
    """Read KEY=VALUE lines from the untracked .env that `make venv` writes (a per-machine
    SECRET_KEY), so management commands run locally. Real environment variables win; the web
    servers (wsgi/asgi) never read this file."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def main() -> None:
    load_local_env(Path(__file__).resolve().parent / ".env")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isodiary.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
