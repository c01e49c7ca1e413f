"""Bytes a phone downloads for the dashboard and the entry form (issue 21): a first load with an
empty browser cache, and a repeat load (the same page opened again, the browser's cache kept).

    .venv/bin/python bench/page_weight.py

It serves the app as in production (gunicorn, DEBUG off, collectstatic with WhiteNoise) on a
loopback port with a throwaway SQLite database holding the demo accounts (`seed_demo`: the patient
`alex`, 24 days of entries), signs in as `alex` in headless Chromium emulating a phone, and sums
Chromium's own count of bytes received for every request of the page (`encodedDataLength` of the
DevTools protocol: headers and body as they came over the wire, compressed or not). Not run by CI."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [sys.executable, "manage.py"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = secrets.token_urlsafe(16)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PAGES = {"dashboard": "/", "entry form": "/diary/new/"}
VERBOSE = bool(os.environ.get("VERBOSE"))  # each request's bytes on stderr
TARGETS_KB = {"dashboard": (60, 5), "entry form": (65, 6)}  # first load, repeat load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(url: str) -> dict[str, tuple[int, int, int]]:
    """Per page: bytes on a first load (empty cache), bytes on a repeat load, and the requests made."""
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        signing_in = browser.new_context(**PHONE)
        page = signing_in.new_page()
        page.goto(url + "/accounts/login/")
        page.fill("input[name=username]", "alex")
        page.fill("input[name=password]", PASSWORD)
        page.click("form [type=submit]")
        page.wait_for_load_state("load")
        session = signing_in.storage_state()
        signing_in.close()
        for name, path in PAGES.items():
            context = browser.new_context(**PHONE, storage_state=session)  # signed in, empty cache
            results[name] = two_loads(context, url + path)
            context.close()
        browser.close()
    return results


def two_loads(context, url: str) -> tuple[int, int, int]:
    """Bytes received opening `url` in a fresh context, bytes opening it again, requests the first time."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received, urls = [], {}

    def sent(event):
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event):
        received.append(event["encodedDataLength"])
        if VERBOSE:
            print(urls.get(event["requestId"]), event["encodedDataLength"], file=sys.stderr)

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    loads = []
    for _ in range(2):
        received.clear()
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # late requests (the favicon)
        loads.append((sum(received), len(received)))
    return loads[0][0], loads[1][0], loads[0][1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "isodiary.settings", "DEBUG": "0", "HTTPS": "0",
               "TRUST_X_FORWARDED_PROTO": "0", "SECRET_KEY": secrets.token_urlsafe(40),
               "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3", "ALLOWED_HOSTS": "127.0.0.1",
               "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_ACCESS_LOG": "",
               "GUNICORN_LOG_LEVEL": "warning"}
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([*PYTHON, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        set_password = ("from django.contrib.auth import get_user_model\n"
                        "u = get_user_model().objects.get(username='alex')\n"
                        f"u.set_password({PASSWORD!r}); u.save()")
        subprocess.run([*PYTHON, "shell", "-c", set_password], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=60)
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                                   "isodiary.wsgi"], cwd=ROOT, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            results = measure(url)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print("| page | first load (empty cache) | repeat load | requests on first load | target |")
    print("|---|---|---|---|---|")
    for name, (first, repeat, requests) in results.items():
        first_target, repeat_target = TARGETS_KB[name]
        met = first / 1000 <= first_target and repeat / 1000 <= repeat_target
        print(f"| {name} | {first / 1000:.1f} kB | {repeat / 1000:.1f} kB | {requests} | ≤ {first_target} kB and "
              f"≤ {repeat_target} kB: {'met' if met else 'MISSED'} |")


if __name__ == "__main__":
    main()
