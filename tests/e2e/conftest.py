"""End-to-end tests: Playwright for Python driving Debian's Chromium against a live test server."""

import os
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run 'make system-deps' (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def server(live_server):
    """The live server, with the default rules and Clinicians group the data migration made
    (a transactional test flushes them)."""
    from django.apps import apps

    from core.default_rules import install

    install(apps)
    return live_server


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    """A fresh browser context at a desktop or a 360×740 phone viewport, failing on any CSP violation."""
    context = browser.new_context(**VIEWPORTS[request.param])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.viewport_name = request.param
    yield page
    context.close()
    assert problems == [], problems


@pytest.fixture
def shoot(request):
    """Save a full-page screenshot of each step into screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))
    test = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def take(page, step: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{test}-{next(counter):02d}-{step}.png", full_page=True)

    return take


def code_at(key: bytes, when: float) -> str:
    """The 6-digit code an authenticator app with this key shows at `when` (RFC 6238)."""
    generator = TOTP(key)
    generator.time = when
    return f"{generator.token():06d}"


def next_code(device) -> str:
    """A code this device accepts now: the current one, or the next one (django-otp allows a step
    of clock drift) when the current step was already used, since a code is good only once."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    return code_at(device.bin_key, device.t0 + step * device.step + 1)


def sign_in_staff(page, base: str, user, password: str = PASSWORD, next_path: str = "/admin/") -> None:
    """Sign a staff user in through the real pages, the second step included: their authenticator
    app is set up (as after enrolment) and the code is worked out from its key, as the app does."""
    from tests.conftest import confirmed_device

    device = confirmed_device(user)
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.fill("input[name=otp_token]", next_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{next_path}")


@pytest.fixture
def staff_sign_in(server):
    """sign_in_staff(page, user) against the live server."""
    return lambda page, user, **kwargs: sign_in_staff(page, server.url, user, **kwargs)
