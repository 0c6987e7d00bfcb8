"""Shared fixtures: a small city with one account per role, and a real Chromium for browser tests."""

import os
import shutil

import pytest
from django.core.cache import cache
from smallcity import SmallCity, build_small_city

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def city(db) -> SmallCity:
    return build_small_city()


# --- browser --------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CIVICGRID_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("CI=true but no Chromium: install the Debian package `chromium` (make setup does).")
        pytest.skip("Chromium not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running on the main thread until the session
    # ends, and Django then takes every ORM call made there (the tests' own, the flush between them) for one
    # from async code. Nothing here is async: the live server answers from its own thread.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> str:
    """Where browser tests save screenshots for people to look at (kept after the run)."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s per account; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # Every test client calls from 127.0.0.1: counts left in the cache by one test must not limit the next.
    cache.clear()


@pytest.fixture(scope="session")
def live_server(live_server, django_db_setup, django_db_blocker):
    """pytest-django's live server, and at the end of the session its connections cut on PostgreSQL. Its
    request threads are daemons that Django never joins; one still serving a browser's keep-alive socket
    keeps an idle session open, and the test database could then not be dropped ("being accessed by other
    users")."""
    yield live_server
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
