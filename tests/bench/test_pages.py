"""Benchmarks (``make bench``, not part of ``make test``): the app under gunicorn with two workers.

Measures the start page (a Jinja page with no query) with wrk from a second process on loopback, and the
memory each worker holds. ENGINEERING.md's ceilings on this machine: trivial page 6,360 req/s, one
SELECT + Jinja page 1,908 req/s (p99 15 ms).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.servers import gunicorn

BUDGET_START_PAGE_RPS = 1000
BUDGET_SIGNED_IN_RPS = 500
BUDGET_P99_MS = 50
BUDGET_WORKER_RSS_MB = 120


@pytest.fixture
def server(tmp_path):
    with gunicorn(f"sqlite:///{tmp_path}/bench.db") as running:
        yield running.process, running.url


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


@pytest.mark.skipif(shutil.which("wrk") is None, reason="benchmarks need wrk: sudo apt-get install wrk")
def test_start_page_throughput_and_memory(server):
    process, url = server
    subprocess.run(["wrk", "-t1", "-c4", "-d2s", url + "/"], capture_output=True, check=True)  # warm up
    result = subprocess.run(
        ["wrk", "-t2", "-c16", "-d10s", "--latency", url + "/"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    children = [int(p) for p in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    worker_rss = max(_rss_mb(pid) for pid in children)
    print(f"\nstart page: {rps:.0f} req/s, p99 {p99_ms:.1f} ms, largest worker RSS {worker_rss:.0f} MB")
    assert rps >= BUDGET_START_PAGE_RPS
    assert p99_ms <= BUDGET_P99_MS
    assert worker_rss <= BUDGET_WORKER_RSS_MB


def _wrk(url: str, cookie: str | None = None) -> tuple[float, float]:
    header = ["-H", f"Cookie: session={cookie}"] if cookie else []
    subprocess.run(["wrk", "-t1", "-c4", "-d2s", *header, url], capture_output=True, check=True)  # warm up
    result = subprocess.run(
        ["wrk", "-t2", "-c16", "-d10s", "--latency", *header, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result)
    return rps, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="benchmarks need wrk: sudo apt-get install wrk")
def test_signed_in_page_with_server_side_session(tmp_path):
    """A young person's home: the session lookup (one query) and the account, on every request."""
    from app import create_app
    from app.domain.sessions import start_session
    from app.models import Role, utcnow
    from tests import factories

    secret = "bench-secret-0123456789-0123456789-0123"
    database = f"sqlite:///{tmp_path}/bench.db"
    with gunicorn(database, SECRET_KEY=secret) as running:
        app = create_app({"DATABASE_URL": database, "SECRET_KEY": secret})
        with app.app_context():
            from app.extensions import db

            account = factories.account(db.session, role=Role.YOUNG_PERSON)
            factories.young_person(db.session, organisation=account.organisation, account_id=account.id)
            token = start_session(db.session, account, "passkey", utcnow())
            db.session.commit()
            cookie = app.session_interface.get_signing_serializer(app).dumps(
                {"sid": token, "_user_id": account.public_id}
            )
        rps, p99_ms = _wrk(running.url + "/me/", cookie)
        app.extensions["db"].dispose()
    print(f"\nsigned-in home: {rps:.0f} req/s, p99 {p99_ms:.1f} ms")
    assert rps >= BUDGET_SIGNED_IN_RPS
    assert p99_ms <= BUDGET_P99_MS
