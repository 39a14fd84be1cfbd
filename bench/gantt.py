"""Gantt benchmark: a 10,000-task project; server time of the Gantt page and its data, and the time to the first
complete render in headless Chromium, each next to a reference measured in the same run.

The plan is built set-based (``tests/projects/gantt_builders.py``: phases of ten rows, tasks chained
finish-to-start and closed by a milestone, the phases in 100 parallel streams), scheduled once by
``project_schedule`` and baselined once, in a throw-away SQLite test database (tables created from the models, as
the test suite does).

Server: Django's test client, in process (middleware, session, templates, JSON; no network), ``--repeat`` runs
of each URL after one warm-up; the figure is the median (best in brackets). References: the project list page,
and a plain JSON of the same 10,000 rows (``values()`` of id, name, start, finish through ``JsonResponse``).

Browser: Debian's Chromium through Playwright against a live server thread. "Render" is ``performance.now()``
when the chart has drawn its first complete frame (grid, bars, links, header), i.e. from the start of navigation:
HTML, CSS, script, the data request and drawing. Reference: the project list page's load event. Also shown: one
full repaint after scrolling to the middle of the plan (what a scroll costs).

Run from the repository root:  uv run python bench/gantt.py [--tasks 10000] [--repeat 5]
Figures are printed, never asserted (they move with the machine's load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripod.config.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

STREAMS = 100  # phases run in 100 parallel streams: about a year of work, one stream critical


# Milliseconds from the start of navigation, read in the page once the chart says it has drawn its first frame.
TIMINGS = """(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const data = performance.getEntriesByType('resource').filter(r => r.name.includes('/gantt/data/'))[0];
    const g = document.querySelector('[data-tp-gantt]').tpGantt;
    g.scroll.scrollTop = g.visible.length * 13;
    const t = performance.now();
    g.paint();
    return {html: nav.responseEnd, dom: nav.domContentLoadedEventEnd, fetch_start: data.startTime,
            first_byte: data.responseStart, fetch_end: data.responseEnd, render: +g.root.dataset.renderedMs,
            repaint: performance.now() - t};
})()"""
BROWSER_ROWS = {
    "render": "Gantt: first complete render (from navigation start)",
    "html": "  HTML shell received",
    "fetch_start": "  data request sent (preloaded with the page)",
    "dom": "  DOMContentLoaded (CSS, scripts)",
    "first_byte": "  data: first byte",
    "fetch_end": "  data: last byte",
    "repaint": "one full repaint after scrolling to mid-plan",
    "list": "reference: project list page, load event",
}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median and best wall time in ms of ``repeat`` runs after one warm-up; and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def build(size: int):
    from tests.factories import make_user
    from tests.projects.gantt_builders import gantt_plan, gantt_project
    from tripod.identity.models import Role
    from tripod.projects.models import Dependency
    from tripod.projects.services.baselines import baseline_save

    pm = make_user(Role.PM, username="bench-pm")
    project = gantt_project(pm=pm, code="BENCH")
    started = time.perf_counter()
    gantt_plan(project, size, streams=STREAMS, schedule=False)
    built = time.perf_counter()
    from tripod.projects.services.schedule import project_schedule

    outcome = project_schedule(project=project)
    scheduled = time.perf_counter()
    baseline_save(actor=pm, project=project, name="Bench")
    saved = time.perf_counter()
    project.refresh_from_db()
    print(
        f"plan: {size:,} tasks, {Dependency.objects.filter(project=project).count():,} links; "
        f"built {built - started:.2f} s, scheduled {scheduled - built:.2f} s "
        f"({outcome.critical_count:,} critical), baseline saved {(saved - scheduled) * 1000:.0f} ms"
    )
    return pm, project


def server(pm, project, repeat: int) -> list[tuple[str, float, float, int]]:
    from tripod.projects.models import Task

    client = Client()
    client.force_login(pm)
    rows: list[tuple[str, float, float, int]] = []

    def get(url: str) -> Callable[[], object]:
        def run() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    for label, url in (
        ("Gantt page (HTML shell)", f"/projects/{project.pk}/gantt/"),
        ("Gantt data (JSON, with baseline)", f"/projects/{project.pk}/gantt/data/"),
        ("reference: project list page", "/projects/"),
    ):
        median, best, response = timed(get(url), repeat)
        rows.append((label, median, best, len(response.content)))

    def plain_json() -> object:
        values = list(Task.objects.filter(project=project).values("id", "name", "start", "finish"))
        return JsonResponse(values, safe=False)

    median, best, response = timed(plain_json, repeat)
    rows.append(("reference: plain JSON of the same rows", median, best, len(response.content)))
    return rows


def browser(pm, project, repeat: int) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    client = Client()
    client.force_login(pm)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    live = LiveServer("localhost:0")
    live._live_server_modified_settings.enable()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    rows: list[tuple[str, float, float]] = []
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = chromium.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live.url}])
            runs: dict[str, list[float]] = {key: [] for key in BROWSER_ROWS}
            # One tab going back and forth between the project list and the Gantt, as a person does; the first
            # round fills the browser's cache of static files and is left out.
            page = context.new_page()
            for _ in range(repeat + 1):
                page.goto(f"{live.url}/projects/{project.pk}/gantt/")
                page.wait_for_selector("[data-tp-gantt][data-state='ready']", timeout=60000)
                timings = page.evaluate(TIMINGS)
                for key in ("html", "dom", "fetch_start", "first_byte", "fetch_end", "render", "repaint"):
                    runs[key].append(timings[key])
                page.goto(f"{live.url}/projects/")
                runs["list"].append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            page.close()
            chromium.close()
    finally:
        live.stop()
        live._live_server_modified_settings.disable()
    for key, label in BROWSER_ROWS.items():
        warm = runs[key][1:] or runs[key]
        rows.append((label, statistics.median(warm), min(warm)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description="Tripod Gantt: server and browser times for a large plan")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    setup_test_environment(debug=False)
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    try:
        pm, project = build(args.tasks)
        print(f"\nserver (Django test client, median of {args.repeat} [best]):")
        for label, median, best, size in server(pm, project, args.repeat):
            print(f"  {label:<42} {median:8.1f} ms [{best:7.1f}]  {size / 1024:8.0f} KiB")
        if not args.no_browser:
            print(f"\nbrowser (headless Chromium, median of {args.repeat} warm runs [best]):")
            for label, median, best in browser(pm, project, args.repeat):
                print(f"  {label:<54} {median:8.1f} ms [{best:7.1f}]")
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
