"""isodiary load benchmark. Run through bench/run.sh (make bench), which sets the environment.

Builds (once) 2,000 patients with 180 days of entries each and 20 clinicians with 100 patients each,
serves them with gunicorn (2 workers) on 127.0.0.1, loads each page for 20 s with wrk, and prints
requests/s, latency percentiles, errors, SQL queries per request, peak worker memory, each page's
throughput as a ratio of /healthz measured just before and after it (the machine is shared and its
load drifts: the ratio cancels that out) and the number of patients the server carries at a stated
daily mix."""

import argparse
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from core import episodes, rules, services  # noqa: E402
from core.models import CLINICIANS_GROUP, SEVERITY_LEVEL, Alert, DiaryEntry, Notify, Patient  # noqa: E402

PATIENTS, DAYS, CLINICIANS, PER_CLINICIAN = 2000, 180, 20, 100
PASSWORD = "bench-Long-pass-phrase-1"
# Floors (issue 13): each page's throughput as a share of /healthz in the same run, and p95 latency.
# The admin lists (issue 21): ≥ 2.5 % and p95 ≤ 100 ms, a stock changelist being fine for a clinician.
FLOORS = {"dashboard": 0.15, "diary list": 0.15, "entry POST": 0.08, "education page": 0.80,
          "admin patient list": 0.025, "admin alert queue": 0.025}
P95_FLOOR_MS = 50
P95_FLOORS_MS = {"admin patient list": 100, "admin alert queue": 100}
# The daily mix for the capacity line: requests per patient per day. A clinician per 100 patients
# opens 20 admin pages a day, half lists of patients, half the alert queue; 15% of a day's
# requests fall in the peak hour, which the server must carry.
DAILY_MIX = {"dashboard": 2, "entry form": 1, "entry POST": 1, "diary list": 0.3, "education page": 0.5,
             "admin patient list": 0.1, "admin alert queue": 0.1}
PEAK_HOUR_SHARE = 0.15
CAPACITY_FLOOR = 100_000


def build_dataset() -> None:
    if Patient.objects.filter(user__username="p0000").exists():
        print("dataset: already built")
        return
    started = time.monotonic()
    rng = random.Random(42)
    today = timezone.localdate()
    password = make_password(PASSWORD)
    settings, defaults = services.rule_settings_for(Patient(pk=0))
    with transaction.atomic():
        group = Group.objects.get(name=CLINICIANS_GROUP)
        doctors = User.objects.bulk_create(
            User(username=f"dr{i:02d}", password=password, is_staff=True) for i in range(CLINICIANS)
        )
        group.user_set.add(*doctors)
        extra = {"hist30": 30, "hist365": 365}
        users = User.objects.bulk_create(
            User(username=name, password=password) for name in [f"p{i:04d}" for i in range(PATIENTS)] + list(extra)
        )
        patients = Patient.objects.bulk_create(
            Patient(user=u, display_name=u.username.title(), time_zone="UTC", course_start=today - timedelta(days=DAYS),
                    daily_dose_mg=40, weight_kg=60) for u in users
        )
        through = Patient.clinicians.through
        through.objects.bulk_create(
            through(patient=p, user=doctors[min(i // PER_CLINICIAN, CLINICIANS - 1)]) for i, p in enumerate(patients)
        )
        for patient in patients:
            days = extra.get(patient.user.username, DAYS)
            entries = [DiaryEntry(patient=patient, dose_mg=40, notes="", **values)
                       for values in patient_days(rng, today, days)]
            DiaryEntry.objects.bulk_create(entries, batch_size=1000)
            _, acknowledged, open_ = patient_findings([services.as_day(e) for e in entries], settings, today)
            alerts = []
            for episode in acknowledged + open_:
                rule = defaults[episode.code]
                seen = episode in acknowledged
                alerts.append(Alert(
                    patient=patient, rule_code=episode.code, level=SEVERITY_LEVEL[episode.severity],
                    notify=rule.notify_for(episode.severity),
                    **services.episode_values(rule, episode),
                    acknowledged_at=timezone.now() if seen else None, acknowledged_by=doctors[0] if seen else None,
                    outcome="no_action" if seen else ""))
            Alert.objects.bulk_create(alerts, batch_size=1000)
    print(f"dataset: built in {time.monotonic() - started:.0f} s: {User.objects.count()} users, "
          f"{DiaryEntry.objects.count()} entries, {Alert.objects.count()} alerts, "
          f"{Alert.objects.open().count()} open, {Alert.objects.needs_clinician().count()} of them for a clinician")


def clip(value: float) -> int:
    return max(0, min(10, round(value)))


def patient_days(rng: random.Random, today, days: int) -> list[dict]:
    """One patient's diary, day-to-day correlated (issue 23; see bench/RESULTS.md). Each symptom
    drifts around the patient's own level (an AR(1) walk: most of yesterday's deviation carries
    over), a few bad weeks of dryness or of mood come and go, and time in the sun follows the
    seasons, with the patient's own sunscreen habit."""
    lip, skin, eye = rng.uniform(3, 6.5), rng.uniform(1, 4.5), rng.uniform(0.5, 4)
    mood = rng.uniform(5.5, 8.5)
    sunscreen_habit = rng.uniform(0.7, 0.98)
    outdoors = rng.uniform(0.5, 1.5)  # how much of an outdoor person
    bad_weeks = []  # (first day index, length, what)
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        bad_weeks.append((rng.randrange(days), rng.randint(4, 10), rng.choice(["dryness", "dryness", "mood"])))
    drift = {"lip": 0.0, "skin": 0.0, "eye": 0.0, "mood": 0.0}
    rows = []
    for index in range(days):
        day = today - timedelta(days=days - index)
        for name, sd in (("lip", 0.9), ("skin", 0.7), ("eye", 0.7), ("mood", 0.6)):
            drift[name] = 0.75 * drift[name] + rng.gauss(0, sd)
        bad = {what for start, length, what in bad_weeks if start <= index < start + length}
        dry = 2.5 if "dryness" in bad else 0
        low = 3.0 if "mood" in bad else 0
        # Summer (day 172, late June) 1, winter 0.
        season = 0.5 * (1 + math.cos(2 * math.pi * (day.timetuple().tm_yday - 172) / 365))
        minutes = 0
        if rng.random() < (0.15 + 0.55 * season) * outdoors:
            minutes = min(240, 5 * round(rng.expovariate(1 / (10 + 40 * season)) / 5))
        sunscreen = minutes > 0 and rng.random() < sunscreen_habit
        burn = "none"
        if minutes >= 30:
            odds = (0.02, 0.0005) if sunscreen else (0.04 + 0.12 * season, 0.001 + 0.004 * season)
            draw = rng.random()
            burn = "blistering" if draw < odds[1] else "mild" if draw < odds[0] else "none"
        rows.append({"date": day, "lip_dryness": clip(lip + drift["lip"] + dry), "skin_dryness": clip(skin +
                     drift["skin"] + dry * 0.6), "eye_dryness": clip(eye + drift["eye"] + dry * 0.4),
                     "mood": clip(mood + drift["mood"] - low), "sun_minutes": minutes, "sunscreen": sunscreen,
                     "sunburn": burn})
    return rows


ACKNOWLEDGED_BEFORE_DAYS = 14  # clinicians have kept up with all but the last two weeks


def patient_findings(days: list, settings, today) -> tuple[list, list, list]:
    """One patient's findings on the benchmark's data: the day findings still open in the old model
    (one alert per entry and rule, run and single-day rules both, acknowledged up to two weeks ago),
    and the acknowledged and open episodes of the same days (core/episodes.py)."""
    cutoff = today - timedelta(days=ACKNOWLEDGED_BEFORE_DAYS)
    by_date = {d.date: d for d in days}
    open_day_findings, hits = [], {}
    for day in days:
        found = rules.evaluate_on(day, by_date, settings)
        open_day_findings += [f for f in found if day.date >= cutoff]
        for finding in episodes.strongest(found):
            hits.setdefault(finding.code, {})[day.date] = finding
    acknowledged, open_ = [], []
    for code, found in hits.items():
        seen = episodes.build(code, [d for d in by_date if d < cutoff], found)
        acknowledged += seen
        frozen = [(e.first_day, e.last_day) for e in seen]
        open_ += [e for e in episodes.build(code, by_date, found, frozen) if e.first_day >= cutoff]
    return open_day_findings, acknowledged, open_


WEEKS = DAYS // 7


def routed(days: list, settings, defaults, today) -> dict:
    """Issue 23 on one patient's days: every episode (no review in between), and for each of the
    last WEEKS weeks the episodes open at its end when the clinician last reviewed at its start
    (those with a day in it: an acknowledged episode is frozen, so a day after the review opens a
    new row). Counted with every episode reaching the clinician ("before": notify ignored) and with
    only those routed to a clinician ("after")."""
    by_date = {d.date: d for d in days}
    hits = {}
    for day in days:
        for finding in episodes.strongest(rules.evaluate_on(day, by_date, settings)):
            hits.setdefault(finding.code, {})[day.date] = finding
    found = [e for code, days_hit in hits.items() for e in episodes.build(code, list(by_date), days_hit)]
    routes = [(e, defaults[e.code].notify_for(e.severity)) for e in found]
    counts = {"episodes": len(found), "to clinician": sum(route != Notify.PATIENT for _, route in routes),
              "urgent": sum(e.severity == "urgent" for e in found),
              "urgent at once": sum(e.severity == "urgent" and route == Notify.NOW for e, route in routes)}
    for week in range(WEEKS):
        start, end = today - timedelta(days=7 * (week + 1)), today - timedelta(days=7 * week + 1)
        spans = [route for e, route in routes if e.first_day <= end and e.last_day >= start]
        counts[("open before", week)] = len(spans)
        counts[("open after", week)] = sum(route != Notify.PATIENT for route in spans)
    return counts


def open_rows() -> None:
    """The open rows each clinician's queue holds on the benchmark's data: one per alert day
    (before: the old model) and one per episode (after), worked out from the same entries; then
    issue 23's routing on the same entries (routed())."""
    settings, defaults = services.rule_settings_for(Patient(pk=0))
    today = timezone.localdate()
    per_clinician = {}
    totals: dict = {}
    for doctor in User.objects.filter(username__startswith="dr").order_by("username"):
        before = after = 0
        for patient in Patient.objects.filter(clinicians=doctor).select_related("user"):
            days = [services.as_day(e) for e in DiaryEntry.objects.filter(patient=patient).order_by("date")]
            day_findings, _, open_ = patient_findings(days, settings, today)
            before, after = before + len(day_findings), after + len(open_)
            if not patient.user.username.startswith("p"):
                continue  # hist30 and hist365, for the query-count check: not DAYS days long
            for key, value in routed(days, settings, defaults, today).items():
                totals[key] = totals.get(key, 0) + value
                if isinstance(key, tuple):
                    totals[(doctor.username, *key)] = totals.get((doctor.username, *key), 0) + value
        stored = Alert.objects.needs_clinician().filter(patient__clinicians=doctor).count()
        per_clinician[doctor.username] = (before, after, stored)
    print(f"{'clinician':<10} {'before (day alerts)':>20} {'after (episodes)':>17} {'stored open rows':>17}")
    for name, (before, after, stored) in per_clinician.items():
        print(f"{name:<10} {before:>20} {after:>17} {stored:>17}")
    values = list(per_clinician.values())
    for label, index in (("before", 0), ("after", 1)):
        column = sorted(v[index] for v in values)
        print(f"{label}: mean {sum(column) / len(column):.0f}, median {column[len(column) // 2]}, "
              f"min {column[0]}, max {column[-1]} open rows per clinician")
    print_routing(totals, list(per_clinician))


def print_routing(totals: dict, doctors: list[str]) -> None:
    patients = Patient.objects.filter(clinicians__username__in=doctors, user__username__startswith="p").count()
    per_100 = 100 / (patients * DAYS / 7)
    print(f"\nissue 23, routing by rule (notify), on the same entries: {patients} patients x {DAYS} days = "
          f"{patients * DAYS / 7:,.0f} patient-weeks")
    print("| per 100 patient-weeks | before (notify ignored) | after |\n|---|---|---|")
    shown, to_clinician = totals["episodes"] * per_100, totals["to clinician"] * per_100
    print(f"| findings shown to patients | {shown:.1f} | {shown:.1f} |")
    print(f"| alerts reaching clinicians | {shown:.1f} | {to_clinician:.1f} |")
    print(f"| urgent findings | {totals['urgent'] * per_100:.2f} | {totals['urgent'] * per_100:.2f} |")
    print(f"| urgent findings e-mailed at once | {totals['urgent'] * per_100:.2f} | "
          f"{totals['urgent at once'] * per_100:.2f} |")
    for label in ("before", "after"):
        weekly = [sum(totals.get((d, f"open {label}", w), 0) for d in doctors) / len(doctors) for w in range(WEEKS)]
        per_doctor = sorted(sum(totals.get((d, f"open {label}", w), 0) for w in range(WEEKS)) / WEEKS for d in doctors)
        print(f"open rows per clinician after a week without review, {label}: mean {sum(weekly) / WEEKS:.1f} over "
              f"the last {WEEKS} weeks (week by week {min(weekly):.1f} to {max(weekly):.1f}; the last week "
              f"{weekly[0]:.1f}; clinicians' means {per_doctor[0]:.1f} to {per_doctor[-1]:.1f})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESS_LOG": "",
           "GUNICORN_LOG_LEVEL": "warning", "GUNICORN_MAX_REQUESTS": "0"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "isodiary.wsgi"],
                               cwd=ROOT, env=env)
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def authenticator(username: str) -> TOTPDevice:
    """A staff user's authenticator app, as after enrolment (every admin page needs the second factor)."""
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def login(base: str, username: str) -> tuple[str, str]:
    """Sign in through the real login form (and, for staff, the two-factor step); returns the
    Cookie header and a CSRF token."""
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/accounts/login/").text)[1]
        response = client.post("/accounts/login/", data={"username": username, "password": PASSWORD,
                                                        "csrfmiddlewaretoken": token})
        assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
        if username.startswith("dr"):
            device = authenticator(username)
            page = client.get("/accounts/two-factor/verify/").text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
            code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            response = client.post("/accounts/two-factor/verify/", data={"otp_token": code,
                                                                        "csrfmiddlewaretoken": token})
            assert response.status_code == 302, f"second factor for {username} failed: {response.status_code}"
            assert client.get("/admin/core/alert/").status_code == 200, "the admin did not open after the code"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/accounts/profile/").text
                          if not username.startswith("dr") else client.get("/admin/").text)[1]
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return cookies, token


def peak_worker_memory_mb(master: subprocess.Popen) -> float:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024)
    return max(peaks)


def run_wrk(url: str, seconds: int, cookie: str | None = None, script: str = "bench/report.lua",
            env: dict | None = None) -> dict:
    # As every browser does: pages are compressed when asked (issue 21), and that costs the server time.
    cmd = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--timeout", "10s", "-s", script, "-H", "Accept-Encoding: gzip"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if script.endswith("post.lua"):
        cmd += ["-H", "Content-Type: application/x-www-form-urlencoded"]
    out = subprocess.run(cmd + [url], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})},
                         check=True).stdout
    n, errors, duration, p50, p95, p99, status_errors = map(int, re.search(r"BENCH (.*)", out)[1].split())
    return {"rps": n / (duration / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000,
            "errors": errors, "requests": n}


def queries_per_request(method: str, path: str, username: str | None, data: dict | None = None) -> int:
    client = signed_in(username) if username else Client()
    if username:
        client.get(path if method == "get" else "/")  # warm the session once
    cache.clear()  # count a full render: what a page costs the first time after a change
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == (302 if method == "post" else 200), (path, response.status_code)
    return len(ctx.captured_queries)


def signed_in(username: str) -> Client:
    """A test client signed in as this user; a staff user also with the second factor given, by
    django-otp's own session key, as the two-factor page does after a right code."""
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(username).persistent_id
        session.save()
    return client


def entry_form(entry: DiaryEntry) -> dict:
    return {"date": entry.date.isoformat(), "skin_dryness": entry.skin_dryness, "lip_dryness": entry.lip_dryness,
            "eye_dryness": entry.eye_dryness, "mood": entry.mood, "sun_minutes": entry.sun_minutes,
            "sunburn": entry.sunburn, "notes": entry.notes, "anything_unusual": entry.anything_unusual or "no",
            "dose_mg": entry.dose_mg if entry.dose_mg is not None else "",
            **({"sunscreen": "on"} if entry.sunscreen else {})}


def time_in_process(paths: list[str], username: str) -> None:
    """Median time of each page through Django's test client (no server, no load generator): for
    profiling and for comparing two versions of a page, alternating between them."""
    import statistics

    client = signed_in(username)
    times = {path: [] for path in paths}
    for path in paths:
        for _ in range(10):
            assert client.get(path).status_code == 200, path
    for _ in range(10):
        for path in paths:
            started = time.perf_counter()
            for _ in range(20):
                client.get(path)
            times[path].append((time.perf_counter() - started) / 20 * 1000)
    for path in paths:
        print(f"{statistics.median(times[path]):6.2f} ms  {path}")


def page_weight(paths: list[str], username: str) -> None:
    """Bytes a phone (Chromium at 360×740) transfers for each page, headers included, as gunicorn
    serves it (static files by WhiteNoise, compressed): the first load with an empty browser cache,
    then the same page opened again."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, _ = login(base, username)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                                 args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                          device_scale_factor=2)
            context.add_cookies([{"name": name, "value": value, "url": base}
                                 for name, value in (pair.split("=", 1) for pair in cookie.split("; "))])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            received: list[int] = []
            cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
            for path in paths:
                cdp.send("Network.clearBrowserCache")
                sizes = []
                for _ in ("first", "repeat"):
                    received.clear()
                    page.goto(base + path, wait_until="load")
                    page.wait_for_timeout(500)  # the last loadingFinished events
                    sizes.append((sum(received), len(received)))
                print(f"{path}: first load {sizes[0][0] / 1000:.1f} kB in {sizes[0][1]} responses, "
                      f"repeat {sizes[1][0] / 1000:.1f} kB in {sizes[1][1]}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def reminders_bench(count: int) -> None:
    """send_reminders with `count` patients due, each with one push subscription, against a fake push
    service (bench/fake_push.py, its own process) that answers each request after 100 ms."""
    import base64
    import threading
    import urllib.request
    from datetime import time as clock

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.conf import settings
    from django.core.management import call_command

    from core.models import PushSubscription, Reminder

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def point(key) -> bytes:
        return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    vapid, browser = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PUBLIC_KEY = b64(point(vapid))
    settings.VAPID_PRIVATE_KEY = b64(vapid.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_SUBJECT = "mailto:bench@example.org"
    service = subprocess.Popen([sys.executable, str(ROOT / "bench/fake_push.py"), "0.1"], stdout=subprocess.PIPE,
                               text=True)
    try:
        origin = f"http://127.0.0.1:{service.stdout.readline().strip()}"
        settings.WEBPUSH_ALLOWED_ORIGINS = [("http", "127.0.0.1", int(origin.rsplit(":", 1)[1]))]
        have = Patient.objects.filter(user__username__startswith="r").count()
        started = time.monotonic()
        for start in range(have, count, 5000):
            names = [f"r{i:07d}" for i in range(start, min(count, start + 5000))]
            with transaction.atomic():
                users = User.objects.bulk_create(User(username=n, email=f"{n}@example.org", password="!")
                                                 for n in names)
                Patient.objects.bulk_create(Patient(user=u, time_zone="UTC", reminder_time=clock(0)) for u in users)
        keys = {"p256dh": b64(point(browser)), "auth": b64(os.urandom(16))}
        PushSubscription.objects.all().delete()
        Reminder.objects.all().delete()
        ids = Patient.objects.filter(user__username__startswith="r").order_by("pk").values_list("pk", flat=True)
        for chunk_start in range(0, count, 5000):
            chunk = list(ids[chunk_start:chunk_start + 5000])
            PushSubscription.objects.bulk_create(PushSubscription(patient_id=pk, endpoint=f"{origin}/push/{pk}", **keys)
                                                 for pk in chunk)
        print(f"dataset: {count:,} patients due, each with one subscription ({time.monotonic() - started:.0f} s)")
        samples, done = [], threading.Event()

        def sample_memory() -> None:  # this process's resident memory while it sends, twice a second
            while not done.wait(0.5):
                status = Path("/proc/self/status").read_text()
                samples.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        started = time.monotonic()
        call_command("send_reminders", verbosity=2)
        took = time.monotonic() - started
        done.set()
        answered = int(urllib.request.urlopen(origin + "/count").read())  # noqa: S310 - loopback, our own
        sent = Reminder.objects.filter(sent_at__isnull=False, channel="push").count()
    finally:
        service.terminate()
        service.wait(timeout=30)
    print(f"\nsend_reminders, {timezone.now():%Y-%m-%d %H:%M} UTC, database {connection.vendor}, "
          f"{settings.WEBPUSH_WORKERS} push threads, {os.cpu_count()} cores, fake push service answering after 100 ms")
    print("| due | sent (recorded) | requests answered | seconds | per second | 100,000 at this rate | "
          "resident MB during the run (first, peak) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {count:,} | {sent:,} | {answered:,} | {took:.0f} | {sent / took:.0f} | "
          f"{100_000 / (sent / took) / 60:.1f} min | {samples[0]:.0f}, {max(samples):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--open-rows", action="store_true", help="print the open alert rows per clinician and stop")
    parser.add_argument("--time", nargs="+", metavar="PATH", help="time these pages in-process instead")
    parser.add_argument("--weight", nargs="+", metavar="PATH",
                        help="bytes a phone transfers for these pages (first load and repeat) instead")
    parser.add_argument("--user", default="dr00", help="who --time and --weight sign in as (default dr00)")
    parser.add_argument("--reminders", type=int, metavar="N", help="time send_reminders with N push reminders due")
    args = parser.parse_args()
    if args.reminders:
        reminders_bench(args.reminders)
        return
    build_dataset()
    if args.open_rows:
        open_rows()
        return
    if args.time:
        time_in_process(args.time, args.user)
        return
    if args.weight:
        page_weight(args.weight, args.user)
        return

    patient = "p0042"
    dates = [d.isoformat() for d in DiaryEntry.objects.filter(patient__user__username=patient)
             .order_by("-date").values_list("date", flat=True)[:60]]
    sample = DiaryEntry.objects.filter(patient__user__username=patient).latest("date")

    # Queries per request, and the same pages for patients with 30 and 365 days of history.
    queries = {}
    for name, (method, path, user) in {
        "/healthz": ("get", "/healthz", None), "dashboard": ("get", "/", patient),
        "diary list": ("get", "/diary/", patient), "entry form": ("get", "/diary/new/", patient),
        "entry POST": ("post", f"/diary/{sample.date}/", patient),
        "education page": ("get", "/learn/mood/", None), "admin patient list": ("get", "/admin/core/patient/", "dr00"),
        "admin alert queue": ("get", "/admin/core/alert/", "dr00"),
    }.items():
        queries[name] = queries_per_request(method, path, user, entry_form(sample) if method == "post" else None)
    history = {}
    for user in ("hist30", "hist365"):
        latest = DiaryEntry.objects.filter(patient__user__username=user).latest("date")
        history[user] = [queries_per_request("get", "/", user), queries_per_request("get", "/diary/", user),
                         queries_per_request("post", f"/diary/{latest.date}/", user, entry_form(latest))]

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        patient_cookie, patient_token = login(base, patient)
        doctor_cookie, _ = login(base, "dr00")
        body = urlencode({**entry_form(sample), "csrfmiddlewaretoken": patient_token}).replace(
            sample.date.isoformat(), "DATE")
        pages = [
            ("dashboard", base + "/", patient_cookie, "bench/report.lua", None),
            ("diary list", base + "/diary/", patient_cookie, "bench/report.lua", None),
            ("entry form", base + "/diary/new/", patient_cookie, "bench/report.lua", None),
            ("entry POST", base, patient_cookie, "bench/post.lua",
             {"BENCH_DATES": ",".join(dates), "BENCH_BODY": body}),
            ("education page", base + "/learn/mood/", None, "bench/report.lua", None),
            ("admin patient list", base + "/admin/core/patient/", doctor_cookie, "bench/report.lua", None),
            ("admin alert queue", base + "/admin/core/alert/", doctor_cookie, "bench/report.lua", None),
        ]
        results, healthz = {}, [run_wrk(base + "/healthz", args.seconds // 2)]
        for name, url, cookie, script, env in pages:
            run_wrk(url, 2, cookie, script, env)  # warm up: templates, caches, connections
            results[name] = run_wrk(url, args.seconds, cookie, script, env)
            results[name]["memory"] = peak_worker_memory_mb(server)
            # /healthz again right after each page: a page's ratio is to the mean of the two
            # /healthz runs around it, so a change in the machine's load between pages cancels out.
            healthz.append(run_wrk(base + "/healthz", args.seconds // 2))
            results[name]["ceiling"] = (healthz[-2]["rps"] + healthz[-1]["rps"]) / 2
            print(f"  measured {name}: {results[name]['rps']:.0f} req/s, /healthz around it "
                  f"{results[name]['ceiling']:.0f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nisodiary benchmark, {timezone.now():%Y-%m-%d %H:%M} UTC, database {connection.vendor}, "
          f"gunicorn 2 sync workers, wrk -t2 -c4 -d{args.seconds}s on 127.0.0.1, {os.cpu_count()} cores; each "
          f"page's ratio is to the mean of the /healthz runs just before and after it "
          f"({min(h['rps'] for h in healthz):.0f}–{max(h['rps'] for h in healthz):.0f} req/s in this run)\n")
    print("queries/req: a full render, with the per-patient page cache empty (a cached dashboard or diary "
          "page: 2)\n")
    header = ("| page | req/s | p50 ms | p95 ms | p99 ms | errors | queries/req | peak worker MB | vs /healthz "
              "| floor |")
    print(header)
    print("|" + "---|" * 10)
    for name, r in results.items():
        floor = FLOORS.get(name)
        ratio = r["rps"] / r["ceiling"]
        verdict = "" if floor is None else f"≥ {floor:.1%} {'met' if ratio >= floor else 'MISSED'}"
        p95_floor = P95_FLOORS_MS.get(name, P95_FLOOR_MS)
        p95 = f"{r['p95']:.1f}" + ("" if r["p95"] <= p95_floor else f" (over {p95_floor})")
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {p95} | {r['p99']:.1f} | {r['errors']} | "
              f"{queries[name]} | {r['memory']:.0f} | {ratio:.1%} | {verdict} |")
    # Server seconds a patient costs a day: each page's count over the rate the whole server
    # (both cores, sharing them with wrk) sustained for it. The peak hour must fit in 3600 s.
    seconds_per_patient = sum(count / results[name]["rps"] for name, count in DAILY_MIX.items())
    capacity = 3600 / (PEAK_HOUR_SHARE * seconds_per_patient)
    print(f"\ncapacity: {capacity:,.0f} patients on this server (floor {CAPACITY_FLOOR:,}: "
          f"{'met' if capacity >= CAPACITY_FLOOR else 'MISSED'}); per patient per day "
          + ", ".join(f"{count:g} {name}" for name, count in DAILY_MIX.items())
          + f"; {PEAK_HOUR_SHARE:.0%} of the day's requests in the peak hour "
          f"({seconds_per_patient * 1000:.1f} ms of server time per patient per day)")
    same = history["hist30"] == history["hist365"]
    print(f"\nqueries per request (dashboard, diary list, entry POST) with 30 days of history: {history['hist30']}, "
          f"with 365 days: {history['hist365']} -> {'the same' if same else 'DIFFERENT'}")
    (ROOT / "bench/out/results.json").write_text(json.dumps({"results": results, "queries": queries,
                                                             "history": history, "capacity": capacity,
                                                             "healthz": healthz}, indent=2))


if __name__ == "__main__":
    main()
