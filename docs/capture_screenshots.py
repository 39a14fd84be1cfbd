"""Take the screenshots of the PM and AM guides and of the client portal from a running Tripod with the demo data
(``make run``).

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

# file name, path under the project (a path from / is a page of its own), who looks, and optionally the links to
# follow from there, one after the other (the first match of each), to reach the record shown
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
    ("am-cockpit", "/", "am"),
    ("am-client360", "/clients/?q=Huaxin", "am", "#clients tbody a"),
    ("am-signals", "/clients/signals/", "am"),
    ("am-requirement", "/scope/requirements/?status=confirmed", "am", "#requirements tbody a"),
    (
        "am-change-request",
        "/projects/?q=HX-MB",
        "am",
        "#projects tbody a",
        ".nav a[href*='change-requests']",
        "#change-requests tbody a",
    ),
    ("am-tickets", "/clients/tickets/", "am"),
    ("am-pipeline", "/clients/pipeline/", "am"),
    ("portal-overview", "/portal/", "client"),
    ("portal-requirements", "/portal/requirements/", "client"),
    ("portal-ticket", "/portal/tickets/", "client", "main tbody a[href^='/portal/tickets/']"),
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
    parser.add_argument("--only", nargs="*", default=[], help="take only the shots whose names start so (am-, portal-)")
    options = parser.parse_args()
    base, out = options.base_url.rstrip("/"), Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US").new_page()
        who = None
        detail = ""
        shots = [shot for shot in SHOTS if not options.only or shot[0].startswith(tuple(options.only))]
        for name, where, username, *follow in shots:
            if username != who:
                log_in(page, base, username)
                who = username
                detail = project_url(page, base) if username == "pm" else ""
            url = f"{base}{where}" if where.startswith("/") else f"{detail}{where}"
            page.goto(url)
            page.wait_for_load_state("networkidle")
            for link in follow:
                page.locator(link).first.click()
                page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)  # charts and the Gantt paint after load
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}: {page.url}")
        browser.close()


if __name__ == "__main__":
    main()
