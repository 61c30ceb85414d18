"""Run axe-core in the page and fail with a readable list of violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_accessible(page, context: str = "") -> None:
    results = _axe.run(page)
    violations = results.response.get("violations", [])
    if violations:
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
        ]
        raise AssertionError(f"axe found {len(violations)} violation(s) {context}:\n" + "\n".join(lines))
