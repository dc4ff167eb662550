"""The users of ``bench/load.py`` (a locustfile): caseworkers and shelter staff of the
demonstration coalition, each logged in with their own session, thinking 0 to 2 s between two
requests.

Two phases. First every user logs in (Argon2 makes a login cost about 0.3 s of CPU, on
purpose: 150 logins at once are a login storm, not the steady work the target is about); the
statistics are then reset and the mixed work is measured for ``LOAD_DURATION`` seconds with all
users logged in, after which Locust stops. The login phase is written to ``LOAD_REPORT``.

Caseworkers search the directory, open their worklist and case pages, write notes, and hold a
bed then release it. Shelter staff update their availability. Every answer is checked: an
error status, a page that sends back to the login, or a missing expected element is a failure.
"""

import json
import os
import random
import re
import time
from typing import Any

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import FastHttpUser, between, events, task
from locust.env import Environment

PASSWORD = "Arrimage-demo-2026"  # noqa: S105  (the demonstration's, in the README)
CASEWORKER = "intervenante@arrimage.example"
SHELTER_STAFF = "hebergement@arrimage.example"
LOGIN = "/compte/connexion/"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_RE = re.compile(r'href="/dossiers/([0-9a-f-]{36})/"')
CAPACITY_RE = re.compile(r'action="/repertoire/disponibilites/([0-9a-f-]{36})/"')
HOLD_RE = re.compile(r"hold=([0-9a-f-]{36})")
QUERIES = ["hébergement", "aide juridique", "logement", "santé mentale", "emploi", "Montréal"]
# Services with a unit to hold, "service_id:unit" separated by commas (bench/load.py).
HOLDABLE = [item.split(":") for item in os.environ.get("LOAD_HOLDABLE", "").split(",") if item]
MEASURE_SECONDS = float(os.environ.get("LOAD_DURATION", "60"))
REPORT = os.environ.get("LOAD_REPORT", "")

# Logins at most this many at a time: 150 at once would queue for minutes inside the server
# and time out; queued here, each login is measured for what it costs.
_login_slots = Semaphore(4)
_everyone_in = Event()
_logins = {"ok": 0, "failed": 0}
_started = [time.monotonic()]


@events.test_start.add_listener
def _test_start(**_kwargs: Any) -> None:
    _started[0] = time.monotonic()


def _logged_in(environment: Environment, ok: bool) -> None:
    """Count one login; when every user has tried, measure from zero for MEASURE_SECONDS."""
    _logins["ok" if ok else "failed"] += 1
    users = environment.parsed_options.num_users if environment.parsed_options else 0
    if _everyone_in.is_set() or _logins["ok"] + _logins["failed"] < users:
        return
    if REPORT:
        with open(REPORT, "w") as handle:
            json.dump(
                {
                    **_logins,
                    "seconds": time.monotonic() - _started[0],
                    # When the measured work starts (epoch seconds): bench/load.py reads the
                    # CPU each process spent from then to MEASURE_SECONDS later.
                    "measure_started": time.time(),
                },
                handle,
            )
    environment.stats.reset_all()
    _everyone_in.set()
    if environment.runner is not None:
        gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


class Member(FastHttpUser):
    abstract = True
    wait_time = between(0, 2)
    email = ""

    def on_start(self) -> None:
        self.token = ""
        with _login_slots:
            self.page(LOGIN, name="login page")
            with self.client.post(
                LOGIN,
                data={
                    "username": self.email,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": self.token,
                },
                allow_redirects=False,
                name="login",
                catch_response=True,
            ) as response:
                location = (response.headers or {}).get("Location", "")
                ok = response.status_code == 302 and LOGIN not in location
                if not ok:
                    response.failure(f"login refused ({response.status_code})")
        _logged_in(self.environment, ok)
        _everyone_in.wait()
        # A think time before the first request too: not every user at the same instant.
        gevent.sleep(random.uniform(0, 2))

    def page(self, url: str, *, name: str, expect: str = "") -> str:
        """GET a page; keep the CSRF token it carries (the token changes at login)."""
        with self.client.get(
            url, allow_redirects=False, name=name, catch_response=True
        ) as response:
            text = response.text or ""
            if response.status_code != 200:
                location = (response.headers or {}).get("Location", "")
                response.failure(f"{response.status_code} {location}")
                return ""
            if expect and expect not in text:
                response.failure(f"{expect!r} missing")
            found = TOKEN_RE.search(text)
            if found:
                self.token = found.group(1)
            return text

    def post(self, url: str, data: dict[str, Any], *, name: str) -> str:
        """POST a form; every form answers with a redirect (303/302), never to the login."""
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.token},
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            location = (response.headers or {}).get("Location", "")
            if response.status_code not in (302, 303) or location.startswith(LOGIN):
                response.failure(f"{response.status_code} {location}")
            return location


class Caseworker(Member):
    weight = 4
    email = CASEWORKER

    def on_start(self) -> None:
        super().on_start()
        self.cases: list[str] = []
        self.worklist()

    @task(4)
    def worklist(self) -> None:
        text = self.page("/dossiers/", name="/dossiers/ (worklist)", expect="/dossiers/")
        self.cases = CASE_RE.findall(text) or self.cases

    @task(4)
    def case_page(self) -> None:
        if self.cases:
            case = random.choice(self.cases)
            self.page(f"/dossiers/{case}/", name="/dossiers/[id]/ (case page)", expect=case[:8])

    @task(3)
    def search(self) -> None:
        query = random.choice(QUERIES)
        self.page(f"/repertoire/?q={query}", name="/repertoire/?q= (search)")

    @task(1)
    def note(self) -> None:
        if self.cases:
            case = random.choice(self.cases)
            self.post(
                f"/dossiers/{case}/notes/",
                {"category": "coordination", "body": "Appel de suivi, rappel demain matin."},
                name="/dossiers/[id]/notes/ (note)",
            )

    @task(1)
    def hold_and_release(self) -> None:
        if not HOLDABLE:
            return
        service, unit = random.choice(HOLDABLE)
        location = self.post(
            "/orientation/reservations/nouvelle/",
            {"service": service, "unit": unit},
            name="/orientation/reservations/nouvelle/ (hold)",
        )
        held = HOLD_RE.search(location)
        if held:  # else no unit was free: the page said so
            self.post(
                f"/orientation/reservations/{held.group(1)}/liberer/",
                {},
                name="/orientation/reservations/[id]/liberer/ (release)",
            )


class ShelterStaff(Member):
    weight = 1
    email = SHELTER_STAFF

    def on_start(self) -> None:
        super().on_start()
        self.capacities: list[str] = []
        self.availability()

    @task(3)
    def availability(self) -> None:
        text = self.page("/repertoire/disponibilites/", name="/repertoire/disponibilites/")
        self.capacities = CAPACITY_RE.findall(text) or self.capacities

    @task(2)
    def availability_update(self) -> None:
        if self.capacities:
            capacity = random.choice(self.capacities)
            self.post(
                f"/repertoire/disponibilites/{capacity}/",
                {"action": random.choice(["plus", "minus"])},
                name="/repertoire/disponibilites/[id]/ (update)",
            )
