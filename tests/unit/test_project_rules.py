"""The project's own rules, checked on every run."""

import re
import subprocess
import sys

from app.config import ROOT


def _tracked() -> list[str]:
    return subprocess.run(
        ["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()


def test_code_passes_ruff():
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert fmt.returncode == 0, fmt.stdout


def test_no_third_party_script_is_committed():
    vendored = [
        path
        for path in _tracked()
        if re.search(
            r"(^|/)(htmx|alpine|jquery|bootstrap|workbox|simplewebauthn)[^/]*\.js$", path, re.IGNORECASE
        )
        or path.startswith(("app/static/vendor/", "node_modules/"))
    ]
    assert vendored == []


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "TEST_DATABASE_URL" in ci and "REDIS_URL" in ci


def test_modules_stay_small():
    long_modules = [
        path
        for path in _tracked()
        if path.startswith("app/")
        and path.endswith(".py")
        and len((ROOT / path).read_text().splitlines()) > 400
    ]
    assert long_modules == []
