"""Take the README screenshot: the home page of a running demo as binjiang_front_desk.

Usage (with `make run` running): .venv/bin/python scripts/screenshot_home.py [BASE_URL]
Writes docs/screenshot-home.png. Uses Debian's chromium (/usr/bin/chromium).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def demo_password() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.local")
    django.setup()
    from salesite.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def main() -> None:
    base_url = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    out = ROOT / "docs" / "screenshot-home.png"
    out.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(
            locale="zh-CN", viewport={"width": 1280, "height": 400}, device_scale_factor=1
        )
        page.goto(f"{base_url}/accounts/login/")
        page.locator("#id_username").fill("binjiang_front_desk")
        page.locator("#id_password").fill(demo_password())
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base_url}/")
        page.screenshot(path=out)
        browser.close()
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
