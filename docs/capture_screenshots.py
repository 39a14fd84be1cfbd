"""Take the screenshots of the PM guide from a running Tripod with the demo data (``make run``).

    uv run python docs/capture_screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/img]

Uses Debian's Chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("TRIPOD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "tripod-demo"  # noqa: S105  (the documented demo login)
PROJECT = "NW-TMS"

# file name, path under the project (None: a page of its own), who looks
SHOTS = [
    ("pm-cockpit", "/", "pm"),
    ("pm-overview", "", "pm"),
    ("pm-wbs", "wbs/", "pm"),
    ("pm-gantt", "gantt/", "pm"),
    ("pm-board", "board/", "pm"),
    ("pm-resources", "resources/", "pm"),
    ("pm-time-approval", "time/", "pm"),
    ("pm-budget", "budget/", "pm"),
    ("pm-risks", "risks/", "pm"),
    ("pm-reports", "reports/", "pm"),
    ("member-timesheet", "/projects/time/", "dev"),
    ("member-my-work", "/projects/my-work/", "dev"),
]


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def project_url(page: Page, base: str) -> str:
    page.goto(f"{base}/projects/?q={PROJECT}")
    page.click(f"a:has-text('{PROJECT}')")
    page.wait_for_load_state("networkidle")
    return page.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(Path(__file__).with_name("img")))
    options = parser.parse_args()
    base, out = options.base_url.rstrip("/"), Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US").new_page()
        who = None
        detail = ""
        for name, where, username in SHOTS:
            if username != who:
                log_in(page, base, username)
                who = username
                detail = project_url(page, base) if username == "pm" else ""
            url = f"{base}{where}" if where.startswith("/") else f"{detail}{where}"
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)  # charts and the Gantt paint after load
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}: {url}")
        browser.close()


if __name__ == "__main__":
    main()
