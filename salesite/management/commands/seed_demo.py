"""Build the demo: ``python manage.py seed_demo``. Idempotent; prints the demo logins."""

import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from salesite.demo import DEMO_PASSWORD, seed_core


def demo_modules() -> list[str]:
    """The ``demo`` module of each app at the top of the repository after the core, in
    INSTALLED_APPS order (operations, communication, handover, renovation, feedback): the
    core does not name them."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        f"{app.name}.demo"
        for app in apps.get_app_configs()
        if app.name != "salesite" and Path(app.path).resolve().parent == base
    ]


class Command(BaseCommand):
    help = "创建演示数据（可重复运行，不会重复创建）并打印演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="不打印账号表")

    def handle(self, *args, **options):
        logins = seed_core()
        notes: list[str] = []
        # Each module below may define seed_demo() (idempotent) to extend the demo; it may
        # return lines to print after the logins (e.g. the owner portal's demo mobile).
        for module in demo_modules():
            try:
                seed = importlib.import_module(module).seed_demo
            except ModuleNotFoundError as exc:
                if not module.startswith(exc.name or "\0"):
                    raise
                continue
            notes += seed() or []
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        if options["quiet_logins"]:
            return
        self.stdout.write(f"所有演示账号的密码均为: {DEMO_PASSWORD}\n")
        width = max(len(u.username) for u in logins)
        self.stdout.write(f"{'用户名'.ljust(width)}  {'角色':<12}  项目")
        for u in logins:
            self.stdout.write(f"{u.username.ljust(width)}  {u.role:<12}  {u.project}")
        for line in notes:
            self.stdout.write(line)
