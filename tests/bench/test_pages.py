"""Benchmarks (``make bench``, not part of ``make test``): the app under gunicorn with two workers.

Measures the start page (a Jinja page with no query) with wrk from a second process on loopback, and the
memory each worker holds. ENGINEERING.md's ceilings on this machine: trivial page 6,360 req/s, one
SELECT + Jinja page 1,908 req/s (p99 15 ms).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.config import ROOT

BUDGET_START_PAGE_RPS = 1000
BUDGET_P99_MS = 50
BUDGET_WORKER_RSS_MB = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/bench.db", BIND=f"127.0.0.1:{port}")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--access-logfile", "/dev/null"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield process, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


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
