"""The app installs like an app, and shows a kind offline page when the server cannot be reached."""

import gzip

from playwright.sync_api import expect


def wait_for_service_worker(page) -> None:
    # Predicates are functions, not strings: a string would need eval(), which our CSP forbids.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)


def test_chrome_can_install_the_app(installed_phone, live_server):
    page = installed_phone.pages[0] if installed_phone.pages else installed_phone.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    result = cdp.send("Page.getInstallabilityErrors")
    assert result["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []


def test_offline_page_is_served_by_the_service_worker_when_the_server_is_gone(page, live_server):
    page.goto(live_server.url + "/")
    wait_for_service_worker(page)
    live_server.stop()
    page.goto(live_server.url + "/for-staff")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    # The shell came from the cache too: the page is styled.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )


def test_offline_page_follows_the_chosen_language(page, live_server):
    page.goto(live_server.url + "/")
    wait_for_service_worker(page)
    page.get_by_role("button", name="العربية").click()
    page.wait_for_function("() => document.documentElement.lang === 'ar'")
    # The worker re-caches the offline page in Arabic when told the language changed.
    page.wait_for_function(
        """async () => {
            const cache = await caches.open((await caches.keys()).find(n => n.startsWith('shell-')));
            const cached = await cache.match('/offline', {ignoreVary: true});
            return cached && cached.headers.get('Content-Language') === 'ar';
        }""",
        timeout=15000,
    )
    live_server.stop()
    page.goto(live_server.url + "/for-supporters")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_start_page_first_load_fits_the_budget(page, live_server):
    """Start page ≤ 60 KB gzip in all, JS ≤ 25 KB, CSS ≤ 15 KB (issue 2's budgets)."""
    sizes: dict[str, tuple[str, int]] = {}

    def on_response(response):
        if response.url.startswith(live_server.url) and response.status == 200:
            sizes[response.url] = (
                response.header_value("content-type") or "",
                len(gzip.compress(response.body())),
            )

    page.on("response", on_response)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in sizes.values())
    js = sum(size for kind, size in sizes.values() if "javascript" in kind)
    css = sum(size for kind, size in sizes.values() if "css" in kind)
    print(f"start page first load: {total} B gzip in {len(sizes)} responses; JS {js} B; CSS {css} B")
    assert total <= 60 * 1024
    assert js <= 25 * 1024
    assert css <= 15 * 1024
    assert len(sizes) <= 12
