"""Fixtures of the browser tests of the admin pages (issue 7).

scripts/ui-tests starts `licensing demo` on a fresh data directory and passes, by environment:
  UI_BASE_URL        the server, e.g. http://127.0.0.1:43123
  UI_ADMIN_PASSWORD  the demo administrator's password (user `admin`, tenant `demo`)
  UI_ADMIN_TOKEN     the demo admin API token
  UI_DATA_DIR        the data directory (its demo/ folder holds the owner keys)
  LICENSING_BINARY   the licensing executable (to issue a package with the CLI)
  SCREENSHOTS_DIR    where screenshots go (one PNG per screen at 1280x800)
  CHROMIUM_BINARY, CHROMEDRIVER  optional; default /usr/bin/chromium and /usr/bin/chromedriver
"""

import os
import pathlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from support import Browser


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set; run the browser tests through scripts/ui-tests", pytrace=False)
    return value


@pytest.fixture(scope="session")
def config():
    return {
        "base_url": _env("UI_BASE_URL").rstrip("/"),
        "password": _env("UI_ADMIN_PASSWORD"),
        "token": _env("UI_ADMIN_TOKEN"),
        "data_dir": pathlib.Path(_env("UI_DATA_DIR")),
        "binary": _env("LICENSING_BINARY"),
        "screenshots": pathlib.Path(os.environ.get("SCREENSHOTS_DIR", "test-artifacts/screenshots")),
    }


@pytest.fixture(scope="session")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,800", "--lang=en-US", "--hide-scrollbars"):
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    chrome = webdriver.Chrome(options=options, service=service)
    chrome.implicitly_wait(0)
    yield chrome
    chrome.quit()


@pytest.fixture(scope="session")
def browser(driver, config):
    config["screenshots"].mkdir(parents=True, exist_ok=True)
    b = Browser(driver, config)
    b.desktop()
    return b
