"""Reliability through a real server (gunicorn on loopback), on the test run's database kind.
Bounded in count and time; traffic only to 127.0.0.1."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest

from tests.realserver import running_server, signed_in_client

pytestmark = [pytest.mark.server, pytest.mark.django_db]

ENTRY = {"skin_dryness": "2", "lip_dryness": "3", "eye_dryness": "1", "mood": "6", "sun_minutes": "0",
         "sunburn": "none", "anything_unusual": "no", "notes": ""}


def post_entry(client: httpx.Client, token: str, day: date) -> int:
    try:
        response = client.post("/diary/new/", data={**ENTRY, "date": day.isoformat(), "csrfmiddlewaretoken": token})
    except httpx.TransportError:
        return 0  # the connection died (a killed worker): not an answer
    return response.status_code


def test_30_concurrent_posts_of_one_day_store_exactly_one_entry():
    with running_server(workers=4) as server:
        client, token = signed_in_client(server)
        cookies = dict(client.cookies)
        today = date.today()
        barrier = threading.Barrier(30, timeout=30)

        def one(_):
            with httpx.Client(base_url=server.url, cookies=cookies, timeout=60) as own:
                barrier.wait()
                return post_entry(own, token, today)

        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(one, range(30)))
        assert all(s in (302, 400) for s in statuses), statuses
        assert statuses.count(302) == 1
        rows = server.query("SELECT COUNT(*) FROM core_diaryentry WHERE date = %s", (today.isoformat(),))
        assert rows[0][0] == 1


def test_killing_a_worker_loses_no_answered_entry():
    with running_server(workers=3) as server:
        client, token = signed_in_client(server)
        cookies = dict(client.cookies)
        days = [date.today() - timedelta(days=i) for i in range(90)]
        answered: dict[date, int] = {}

        def one(day):
            with httpx.Client(base_url=server.url, cookies=cookies, timeout=60) as own:
                answered[day] = post_entry(own, token, day)

        killed = []

        def killer():
            time.sleep(0.5)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        thread = threading.Thread(target=killer)
        thread.start()
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(one, days))
        thread.join()
        assert killed and killed[0] not in server.workers()  # gunicorn replaced it
        saved = [day for day, status in answered.items() if status == 302]
        assert len(saved) >= 30, answered
        assert all(status in (0, 302) for status in answered.values()), answered
        stored = {row[0] if isinstance(row[0], str) else row[0].isoformat()
                  for row in server.query("SELECT date FROM core_diaryentry")}
        assert {d.isoformat() for d in saved} <= stored
