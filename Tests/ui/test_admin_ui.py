"""The admin pages in a real browser (issue 7, acceptance 1–3), against a live `licensing demo`.

The tests run in file order and share one browser session: sign in, the Licenses screen, activation with
"remove superfluous licenses", users and plans, system events, consumption, audit, CSRF, errors, keyboard and the
phone layout. Every page visited is screenshotted at 1280x800 and its HTML validated.
"""

import datetime
import pathlib
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from support import PHONE, issue_package


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def row(browser, table_css, module):
    return browser.find(f"{table_css} tr[data-module='{module}']")


def cells(element):
    return [c.text.strip() for c in element.find_elements(By.CSS_SELECTOR, "th, td")]


def sign_in(browser, user="admin", password=None, tenant="demo"):
    browser.open("/admin/login")
    field = browser.find("#tenant")
    field.clear()
    field.send_keys(tenant)
    browser.find("#user-name").clear()
    browser.find("#user-name").send_keys(user)
    browser.find("#password").send_keys(password if password is not None else browser.config["password"])
    browser.submit("#sign-in")


# MARK: - Sign-in


def test_the_root_leads_to_the_sign_in_form(browser):
    browser.open("/")
    browser.wait_for("#sign-in")
    assert browser.path().startswith("/admin/login")
    assert browser.find("#tenant").get_attribute("value") == "demo", "a single-tenant server fills in its tenant"
    browser.check("01-sign-in")


def test_five_failed_sign_ins_lock_the_user_name(browser):
    for attempt in range(1, 6):
        sign_in(browser, user="ada", password=f"wrong password {attempt}")
        browser.wait_for("#login-error")
        message = browser.text("#login-error")
        if attempt < 5:
            assert "not right" in message
    assert "Too many failed sign-ins" in message and "locked until" in message
    browser.check("02-sign-in-locked")
    # Locked: a further attempt is refused without looking at the password.
    sign_in(browser, user="ada", password="whatever it is")
    assert "Too many failed sign-ins" in browser.text("#login-error")


def test_an_administrator_signs_in(browser):
    sign_in(browser)
    browser.wait_for(".tabs")
    assert browser.path() == "/admin/licenses/SUPEROFFICE"
    cookie = next(c for c in browser.driver.get_cookies() if c["name"] == "licensing_admin")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False, "served over plain http, the cookie cannot be Secure"
    headers = browser.fetch("/admin/licenses/SUPEROFFICE").headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


# MARK: - Licenses screen


def test_the_licenses_screen_has_a_tab_per_owner_and_the_status_tab(browser):
    tabs = [a.text for a in browser.find_all(".tabs a")]
    assert tabs == ["SUPEROFFICE", "ACME", "Status"], "the vendor (owner of `user`) first, partners after"
    assert browser.find(".tabs a[aria-current='page']").text == "SUPEROFFICE"
    assert browser.text("#company-name") == "Demo Company AS"
    assert browser.text("#serial-number") == "1000-0001"
    owner = browser.text(".owner-info")
    assert "Expires" in owner and "Maintenance until" in owner
    groups = [h.text for h in browser.find_all(".license-group h2")]
    assert groups == ["System licenses", "Satellite licenses", "User plans", "User licenses"]
    premium = cells(row(browser, "#group-plans", "sales-premium"))
    assert premium[1:4] == ["10", "8", "2"], premium
    full = row(browser, "#group-plans", "service-premium")
    assert "fence-reached" in full.get_attribute("class") and "Maximum reached" in full.text
    assert "Hidden" in row(browser, "#group-user", "web").text
    assert "Unrestricted" in row(browser, "#group-user", "visible-for").text
    assert "Enabled" in row(browser, "#group-system", "server").text
    browser.check("03-licenses-superoffice")


def test_the_tab_bar_has_no_scrollbar_at_any_width(browser):
    """Issue 17, item 5: the tab list fits its box vertically (no stray scrollbar) from a phone to a wide screen."""
    try:
        for width, height in ((390, 844), (1280, 800), (1920, 1080)):
            browser.viewport(width, height, mobile=width < 600)
            for path in ("/admin/licenses/SUPEROFFICE", "/admin/licenses/ACME", "/admin/status"):
                browser.open(path)
                tabs = browser.wait_for(".tabs ul")
                scroll, client = browser.driver.execute_script(
                    "return [arguments[0].scrollHeight, arguments[0].clientHeight]", tabs)
                assert scroll <= client, f"{path} at {width}px: the tab list is {scroll}px tall in a {client}px box"
                if path.endswith("SUPEROFFICE"):
                    browser.shot(f"tabs-{width}")
    finally:
        browser.desktop()
    browser.open("/admin/licenses/SUPEROFFICE")
    browser.wait_for(".tabs")


def test_an_unrestricted_license_shows_its_use_not_a_total(browser):
    """Issue 17, item 7: "Unrestricted" in place of total and available, in the list and in the details."""
    visible_for = cells(row(browser, "#group-user", "visible-for"))
    assert visible_for[1] == "Unrestricted" and visible_for[3] == "—", visible_for
    browser.submit("#group-user tr[data-module='visible-for'] th a")
    details = browser.wait_visible("#details")
    seats = browser.text("#details-seats")
    assert "unrestricted: no upper limit" in seats and "/" not in seats, seats
    assert "Total" not in details.text
    browser.check("05c-license-details-unrestricted")
    browser.open("/admin/licenses/SUPEROFFICE")
    browser.wait_for(".tabs")


def test_a_license_shows_its_details(browser):
    browser.submit("#group-plans tr[data-module='sales-premium'] th a")
    details = browser.wait_visible("#details")
    text = details.text
    assert "Sales Premium" in text
    assert "User plan: user, web, sales-cal, chat-cal" in text, "the tooltip"
    assert "User (user plan)" in text, "the type"
    grants = [li.text for li in details.find_elements(By.CSS_SELECTOR, ".grants li")]
    assert [g.split()[-1] for g in grants] == ["user", "web", "sales-cal", "chat-cal"]
    holders = [li.text for li in details.find_elements(By.CSS_SELECTOR, ".holders li")]
    assert len(holders) == 8 and any(h.startswith("ada") for h in holders)
    browser.check("04-license-details-plan")
    browser.driver.execute_script("window.scrollTo(0, 0)")
    browser.full_page_shot("full-page-licenses")
    browser.driver.execute_script("document.getElementById('group-plans').scrollIntoView()")
    browser.shot("04b-license-details-plans-in-view")
    browser.submit("#group-user tr[data-module='windows'] th a")
    details = browser.wait_visible("#details")
    assert "Prerequisite" in details.text and "User" in details.text
    assert [li.text.split()[0] for li in details.find_elements(By.CSS_SELECTOR, ".holders li")] == ["ada", "bjorn", "cecilie"]
    browser.check("05-license-details-windows")


def test_the_partner_has_its_own_tab(browser):
    browser.follow("ACME")
    assert browser.path() == "/admin/licenses/ACME"
    assert "ACME Sync" in browser.text("#group-user")
    assert cells(row(browser, "#group-user", "acme-sync"))[1:4] == ["10", "4", "6"]
    browser.check("06-licenses-acme")


def test_the_status_tab_shows_the_database_and_the_notifications(browser):
    browser.follow("Status")
    database = browser.text("#database-heading + .facts")
    for expected in ("Demo Company AS", "1000-0001", "Central database", "admin"):
        assert expected in database
    headers = [th.text.lower() for th in browser.find_all("#events-table thead th")]
    assert headers == ["event", "status", "message", "activated", "activated by", "finished", "type"]
    assert browser.find("a.button[href='/admin/consumption']").text == "Consumption services"
    browser.submit("#events-table tbody tr th a")
    description = browser.wait_visible("#event-details .event-message")
    assert "Welcome to the demo installation" in description.text
    browser.check("07-status")


# MARK: - Activation with "remove superfluous licenses"


@pytest.fixture(scope="module")
def smaller_package(browser, tmp_path_factory):
    """The active SUPEROFFICE package with Windows 5 → 1 (3 in use) and Sales Premium 10 → 6 (8 in use)."""
    path = tmp_path_factory.mktemp("packages") / "superoffice-smaller.license"
    return issue_package(browser.config, path, {"windows": 1, "sales-premium": 6}, iso(now_utc() + datetime.timedelta(seconds=60)))


def remove_in_dialog(browser, module, holders):
    browser.click(f"#preview-table tr[data-module='{module}'] a[data-dialog]")
    dialog = browser.wait_visible(f"dialog#remove-{module}")
    assert dialog.get_attribute("open") is not None
    for holder in holders:
        box = dialog.find_element(By.CSS_SELECTOR, f"input[name='holder'][value='user:{holder}']")
        box.click()
    return dialog


def test_a_package_below_what_is_in_use_needs_superfluous_licenses_removed(browser, smaller_package):
    browser.follow("SUPEROFFICE")
    browser.follow("Load license from file")
    browser.check("08-activation-upload")
    browser.find("#package-file").send_keys(str(smaller_package))
    browser.submit("#load-license")
    assert browser.path() == "/admin/activation/preview"

    windows = row(browser, "#preview-table", "windows")
    premium = row(browser, "#preview-table", "sales-premium")
    for red, remove in ((windows, "Remove 2"), (premium, "Remove 2")):
        assert "must-remove" in red.get_attribute("class")
        assert red.find_element(By.CSS_SELECTOR, "svg.warn-icon").get_attribute("aria-label") == "Warning"
        assert remove in red.text
        color = red.find_element(By.CSS_SELECTOR, "td").value_of_css_property("background-color")
        assert color != "rgba(0, 0, 0, 0)", "a red row is coloured, not only worded"
    assert cells(windows)[2:7] == ["5", "3", "1", "−4", "0"], cells(windows)
    assert "must-remove" not in row(browser, "#preview-table", "web").get_attribute("class")
    activate = browser.find("#activate")
    assert not activate.is_enabled()
    assert "2 licenses are below what is in use" in browser.text("#blocking-summary")
    browser.check("09-activation-preview")

    dialog = remove_in_dialog(browser, "windows", ["bjorn", "cecilie"])
    browser.shot("10-remove-superfluous-dialog")
    browser.navigating(dialog.find_element(By.CSS_SELECTOR, "button.danger").click)
    assert "Removed superoffice.windows from bjorn, cecilie" in browser.text(".flash.success")
    assert "must-remove" not in row(browser, "#preview-table", "windows").get_attribute("class")
    assert not browser.find("#activate").is_enabled(), "Sales Premium still needs 2 removed"

    # A dialog can be closed without changing anything.
    browser.click("#preview-table tr[data-module='sales-premium'] a[data-dialog]")
    dialog = browser.wait_visible("dialog#remove-sales-premium")
    dialog.find_element(By.CSS_SELECTOR, "button[formmethod='dialog']").click()
    browser.wait(lambda d: d.find_element(By.CSS_SELECTOR, "dialog#remove-sales-premium").get_attribute("open") is None)

    dialog = remove_in_dialog(browser, "sales-premium", ["frode", "grete"])
    browser.navigating(dialog.find_element(By.CSS_SELECTOR, "button.danger").click)
    browser.wait_for("#ready-summary")
    activate = browser.find("#activate")
    assert activate.is_enabled()
    browser.check("11-activation-ready")
    browser.navigating(activate.click)
    browser.wait_for("#changes-table")
    assert browser.find("h1").text == "New license activated"
    changes = {r.get_attribute("data-module"): cells(r) for r in browser.find_all("#changes-table tbody tr")}
    assert set(changes) == {"windows", "sales-premium"}
    # License, before, after, change, in use, free now.
    assert changes["windows"][1:] == ["5", "1", "−4", "1", "0"]
    assert changes["sales-premium"][1:] == ["10", "6", "−4", "6", "0"]
    browser.check("12-activation-done")

    browser.follow("Show the licenses of SUPEROFFICE")
    assert cells(row(browser, "#group-user", "windows"))[1:4] == ["1", "1", "0"]
    premium = row(browser, "#group-plans", "sales-premium")
    assert cells(premium)[1:4] == ["6", "6", "0"] and "Maximum reached" in premium.text
    status, report = browser.api("GET", "/licenses")
    owner = next(o for o in report["owners"] if o["name"] == "SUPEROFFICE")
    assert {m["name"]: m["total"] for m in owner["modules"]}["windows"] == 1


# MARK: - Users and plans


def test_the_users_list_filters_by_license(browser):
    browser.open("/admin/users")
    browser.wait_for("#users-table")
    assert len(browser.find_all("#users-table tbody tr")) == 25
    browser.check("13-users")
    Select(browser.find("#license-filter")).select_by_value("superoffice.windows")
    browser.submit("#apply-filter")
    assert [r.get_attribute("data-user") for r in browser.find_all("#users-table tbody tr")] == ["ada"]
    browser.check("14-users-filtered")


def test_a_new_user_gets_a_plan_and_its_modules_show_checked(browser):
    browser.open("/admin/users")
    browser.follow("Add user")
    browser.find("#new-user-name").send_keys("zoe")
    browser.find("#new-display-name").send_keys("Zoe Example")
    browser.find("#new-email").send_keys("zoe@example.com")
    browser.check("15-user-add")
    browser.submit("#add-user")
    assert browser.path() == "/admin/users/zoe"
    assert "Added the user zoe" in browser.text(".flash.success")
    assert not browser.find("#license-superoffice-user").is_selected()

    browser.click("#plan-superoffice-sales-essentials")
    assert browser.find("#license-superoffice-sales-cal").is_selected(), "the script shows the plan's modules at once"
    browser.submit("#save-user")
    assert "assigned the plan superoffice.sales-essentials" in browser.text(".flash.success")
    assert browser.find("#plan-superoffice-sales-essentials").is_selected()
    for module in ("user", "web", "sales-cal"):
        box = browser.find(f"#license-superoffice-{module}")
        assert box.is_selected() and not box.is_enabled(), f"{module} comes with the plan: checked, not editable"
    assert not browser.find("#license-superoffice-chat-cal").is_selected()
    windows = browser.find("#license-superoffice-windows")
    assert windows.is_enabled() and not windows.is_selected()
    # Windows is nested under its prerequisite, User.
    parent = windows.find_element(By.XPATH, "ancestor::li[2]")
    assert parent.find_element(By.CSS_SELECTOR, "input").get_attribute("id") == "license-superoffice-user"
    # The note about plans only where the owner has plans (issue 17, item 9): ACME has none.
    assert "come with the plan" in browser.text(".owner-block[data-owner='superoffice']")
    assert "come with the plan" not in browser.text(".owner-block[data-owner='acme']")
    browser.check("16-user-with-plan")

    # A refusal names the plan as the page does, with its key after it (issue 17, item 9).
    browser.click("#plan-superoffice-service-premium")
    browser.submit("#save-user")
    flash = " ".join(f.text for f in browser.find_all(".flash"))
    assert "Service Premium (superoffice.service-premium)" in flash, flash
    assert browser.find("#plan-superoffice-sales-essentials").is_selected(), "the old plan was kept"

    status, report = browser.api("GET", "/users/zoe")
    sources = {m["module"]: m["source"] for m in report["modules"]}
    assert sources["superoffice.sales-essentials"] == "assigned" and sources["superoffice.web"] == "plan"


def test_the_can_log_in_and_retired_switches_are_saved(browser):
    browser.open("/admin/users/zoe")
    browser.wait_for("#save-user")
    assert browser.find("#can-log-in").is_selected() and not browser.find("#retired").is_selected()
    assert may_log_in(browser, "zoe") == (True, [])

    # Can log in, switched off: saved, shown, and the login check refuses zoe for that reason alone.
    browser.click("#can-log-in")
    browser.submit("#save-user")
    assert not browser.find("#can-log-in").is_selected() and not browser.find("#retired").is_selected()
    assert browser.api("GET", "/users/zoe")[1]["canLogIn"] is False
    assert may_log_in(browser, "zoe") == (False, ["cannot-log-in"])
    # … and on again: zoe may log in again.
    browser.click("#can-log-in")
    browser.submit("#save-user")
    assert browser.find("#can-log-in").is_selected()
    assert browser.api("GET", "/users/zoe")[1]["canLogIn"] is True
    assert may_log_in(browser, "zoe") == (True, [])

    # Retired, switched on: saved, shown, and the login check refuses zoe as retired; then off again.
    browser.click("#retired")
    browser.submit("#save-user")
    assert browser.find("#retired").is_selected()
    assert browser.api("GET", "/users/zoe")[1]["retired"] is True
    assert may_log_in(browser, "zoe") == (False, ["user-retired"])
    browser.click("#retired")
    browser.submit("#save-user")
    assert not browser.find("#retired").is_selected()
    assert browser.api("GET", "/users/zoe")[1]["retired"] is False
    assert may_log_in(browser, "zoe") == (True, [])


# MARK: - System events


def login_check(browser, user):
    status, decision = browser.api("POST", f"/users/{user}/login-check", {"client": "web"})
    assert status == 200, decision
    return decision


def may_log_in(browser, user):
    """The login check's answer for `user` on the web client: (allowed, reasons)."""
    decision = login_check(browser, user)
    return decision["allowed"], decision["reasons"]


def test_the_add_event_form_defaults_to_the_message_of_the_day(browser):
    """Issue 17, item 9: not "No login", one click from locking everyone out."""
    browser.open("/admin/events/new")
    browser.wait_for("#event-key")
    assert Select(browser.find("#event-key")).first_selected_option.get_attribute("value") == "message-of-the-day"
    assert not browser.find_all("#confirm-no-login"), "no confirmation box before No login is picked"


def test_a_no_login_event_denies_normal_users(browser):
    assert login_check(browser, "ada")["allowed"] is True
    browser.open("/admin/status")
    browser.follow("Add")
    Select(browser.find("#event-key")).select_by_value("no-login")
    browser.find("#event-message").send_keys("Upgrade in progress: logins are closed until 18:00.")
    browser.check("17-event-add")
    browser.submit("#save-event")
    # A no-login event that starts now is confirmed first; nothing is added before.
    assert "starts now" in browser.text("#no-login-warning")
    assert login_check(browser, "ada")["allowed"] is True
    assert Select(browser.find("#event-key")).first_selected_option.get_attribute("value") == "no-login"
    assert browser.find("#event-message").get_attribute("value").startswith("Upgrade in progress")
    browser.shot("17b-event-confirm-no-login")
    browser.check_accessibility("/admin/events (no-login confirmation)")
    browser.click("#confirm-no-login")
    browser.submit("#save-event")
    assert "Added the event “No login”" in browser.text(".flash.success")
    selected = browser.find("#events-table tr.selected")
    assert "No login" in selected.text and "Active" in selected.text
    actor = selected.find_element(By.CSS_SELECTOR, "td.actor").text
    assert actor.split("\n") == ["admin", "admin pages"], actor
    browser.check("18-status-no-login")

    decision = login_check(browser, "ada")
    assert decision["allowed"] is False and "no-login-event" in decision["reasons"], decision
    assert decision.get("noLoginMessage", "").startswith("Upgrade in progress")

    browser.follow("Edit")
    message = browser.find("#event-message")
    message.clear()
    message.send_keys("Upgrade in progress: logins are closed until 19:00.")
    browser.driver.execute_script("arguments[0].value = '2099-01-01'", browser.find("#finish-date"))
    browser.driver.execute_script("arguments[0].value = '19:00'", browser.find("#finish-time"))
    browser.check("19-event-edit")
    browser.submit("#save-event")
    assert "19:00" in browser.text("#event-details .event-message")
    assert "2099-01-01 19:00 UTC" in browser.text("#event-details")

    browser.submit("#event-details form[action$='/finish'] button")
    assert "Finished the event" in browser.text(".flash.success")
    assert login_check(browser, "ada")["allowed"] is True

    def delete():
        browser.click("#event-details form[action$='/delete'] button")
        browser.wait(lambda d: d.switch_to.alert).accept()
    browser.navigating(delete)
    assert "Deleted the event" in browser.text(".flash.success")


# MARK: - Consumption


def test_the_consumption_dashboard_charts_usage_and_previews_the_invoice(browser):
    now = now_utc()
    first = now.replace(day=1, hour=0, minute=0, second=0)
    previous = (first - datetime.timedelta(days=1)).replace(day=2, hour=12)
    events = [
        {"id": "ui-mail-1", "service": "mailing-emails", "quantity": 30000, "occurredAt": iso(now)},
        {"id": "ui-mail-0", "service": "mailing-emails", "quantity": 8000, "occurredAt": iso(previous)},
        {"id": "ui-chat-1", "service": "chat-sessions", "quantity": 120, "occurredAt": iso(now)},
    ]
    month = previous.strftime("%Y-%m")

    def mail_usage(query=""):
        status, invoice = browser.api("GET", "/usage/invoice" + query)
        assert status == 200, invoice
        return next(line for line in invoice["lines"] if line["service"] == "mailing-emails")["usage"], invoice

    before, _ = mail_usage()
    previous_before, _ = mail_usage(f"?month={month}")
    status, result = browser.api("POST", "/usage/events", {"events": events})
    assert status == 200 and result["accepted"] == 3, result
    usage, invoice = mail_usage()
    mail = next(line for line in invoice["lines"] if line["service"] == "mailing-emails")
    assert usage == before + 30000 and mail["amount"] > 0, "the test needs an overage to find"

    browser.open("/admin/status")
    browser.follow("Consumption services")
    assert browser.path() == "/admin/consumption"
    chart = browser.find("svg#chart-mailing-emails")
    assert chart.get_attribute("role") == "img"
    assert len(chart.find_elements(By.CSS_SELECTOR, "g.month")) == 12
    assert chart.find_elements(By.CSS_SELECTOR, "rect.bar-over"), "the month over its allowance is highlighted"
    assert chart.find_elements(By.CSS_SELECTOR, "path.allowance-line"), "the allowance is drawn as a line"
    assert f"{usage:,} emails" in browser.text("#service-mailing-emails .running")
    # The demo's year of usage (issue 17, item 4): every chart has a bar in each of the eleven past months.
    for svg in browser.find_all("svg.usage-chart"):
        past = svg.find_elements(By.CSS_SELECTOR, "g.month:not(.running)")
        drawn = [g for g in past
                 if any(float(r.get_attribute("height")) > 0 for r in g.find_elements(By.CSS_SELECTOR, "rect.bar, rect.bar-over"))]
        assert len(past) == 11 and len(drawn) == 11, f"{svg.get_attribute('id')}: {len(drawn)} of {len(past)} past months drawn"
        assert svg.find_elements(By.CSS_SELECTOR, "rect.bar-over"), f"{svg.get_attribute('id')} has no month over its allowance"
    browser.check("20-consumption")

    line = browser.find("#invoice-table tr[data-service='mailing-emails']")
    assert line.find_element(By.CSS_SELECTOR, ".usage").text == f"{usage:,} emails"
    assert line.find_element(By.CSS_SELECTOR, ".allowance").text == f"{mail['allowance']:,} emails"
    assert line.find_element(By.CSS_SELECTOR, ".units").text == f"{mail['overageUnits']:,}"
    assert line.find_element(By.CSS_SELECTOR, ".amount").text == f"{float(mail['amount']):,.2f} EUR"
    assert browser.text("#invoice-total") == f"{float(invoice['total']):,.2f} EUR"
    browser.driver.execute_script("document.getElementById('invoice').scrollIntoView()")
    browser.shot("21-consumption-invoice")

    Select(browser.find("#invoice-month")).select_by_value(month)
    browser.submit("#show-invoice")
    assert f"month={month}" in browser.driver.current_url
    line = browser.find("#invoice-table tr[data-service='mailing-emails']")
    assert line.find_element(By.CSS_SELECTOR, ".usage").text == f"{previous_before + 8000:,} emails"
    browser.check()


# MARK: - Audit log


def test_the_audit_log_is_newest_first_and_paged(browser):
    browser.open("/admin/audit")
    browser.wait_for("#audit-table")
    numbers = [int(r.find_element(By.CSS_SELECTOR, "td").text) for r in browser.find_all("#audit-table tbody tr")]
    assert len(numbers) == 25 and numbers == sorted(numbers, reverse=True)
    actions = browser.text("#audit-table")
    assert "event.delete" in actions and "admin\nadmin pages" in actions, "the user name, and where the change came from"
    assert "admin:admin" not in actions
    browser.check("22-audit")
    browser.submit("#older-entries")
    older = [int(r.find_element(By.CSS_SELECTOR, "td").text) for r in browser.find_all("#audit-table tbody tr")]
    assert older and max(older) < min(numbers)
    browser.check()


# MARK: - Long jobs


def test_a_user_import_shows_its_progress_on_the_status_tab(browser):
    """Issue 17, item 12: `licensing user import` of 5,000 users, watched on the Status tab while it runs."""
    import subprocess
    import tempfile
    import time

    with tempfile.TemporaryDirectory(prefix="licensing-ui-import-") as folder:
        csv = pathlib.Path(folder) / "users.csv"
        csv.write_text("userName,type,canLogIn\n" + "".join(f"import-{i:05d},employee,true\n" for i in range(5000)))
        importer = subprocess.Popen(
            [browser.config["binary"], "user", "import", "--csv", str(csv), "--data", str(browser.config["data_dir"])],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        seen = set()
        try:
            deadline = time.monotonic() + 120
            while importer.poll() is None and time.monotonic() < deadline:
                page = browser.fetch("/admin/status").text
                seen.update(re.findall(r'class="hint progress-text">([0-9,]+) of 5,000<', page))
            output = importer.communicate(timeout=120)[0].decode()
        finally:
            if importer.poll() is None:
                importer.kill()
        assert importer.returncode == 0, output
    assert seen and any(done != "5,000" for done in seen), f"the import was never seen running: {seen}"

    browser.open("/admin/status")
    row_ = next(r for r in browser.find_all("#events-table tbody tr") if "User import" in r.text)
    assert "Finished" in row_.text and "5,000 of 5,000" in row_.text, row_.text
    browser.navigating(row_.find_element(By.CSS_SELECTOR, "th a").click)
    assert "5,000 of 5,000" in browser.text("#event-details")
    browser.check("19b-status-user-import")


# MARK: - CSRF, errors, keyboard, phone, sign-out


def test_a_form_post_without_the_csrf_token_is_refused(browser):
    before = browser.api("GET", "/events")[1]["events"]
    response = browser.fetch("/admin/events", method="POST", data={"key": "no-login", "scope": "system", "message": "forged"})
    assert response.status == 403 and "The form was refused" in response.text
    browser.validate(response.text, "/admin/events (403)")
    wrong = browser.fetch("/admin/events", method="POST",
                          data={"csrf": "x" * 43, "key": "no-login", "scope": "system", "message": "forged"})
    assert wrong.status == 403
    logout = browser.fetch("/admin/logout", method="POST", data={})
    assert logout.status == 403, "even sign-out needs the token"
    assert browser.api("GET", "/events")[1]["events"] == before, "nothing was changed"

    # The same in the browser: a form whose token was taken out.
    browser.open("/admin/events/new")
    browser.wait_for("#event-message")
    browser.driver.execute_script("document.querySelector('form.form input[name=csrf]').remove()")
    browser.find("#event-message").send_keys("forged")
    browser.submit("#save-event")
    assert "The form was refused" in browser.text("h1")
    browser.shot("23-csrf-refused")


def test_errors_explain_without_internals(browser):
    browser.open("/admin/users/nobody-here")
    browser.wait_for(".error-page")
    text = browser.text("main")
    assert "There is no user called nobody-here" in text
    for leak in ("Swift", "Error(", ".swift", "LicenseInputError", "Traceback"):
        assert leak not in browser.driver.page_source
    browser.check("24-error-not-found", status=404)
    browser.open("/admin/no/such/page")
    assert "Page not found" in browser.text("h1")
    browser.check(status=404)


def test_the_pages_work_with_the_keyboard(browser):
    browser.open("/admin/licenses/SUPEROFFICE")
    browser.wait_for(".tabs")
    ActionChains(browser.driver).send_keys(Keys.TAB).perform()
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("class") == "skip-link"
    assert active.value_of_css_property("outline-style") != "none", "focus is visible"
    order = []
    for _ in range(12):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        element = browser.driver.switch_to.active_element
        order.append(element.text or element.get_attribute("aria-label") or element.tag_name)
    assert order[:6] == ["License server", "Licenses", "Users", "Consumption", "Audit log", "Sign out"], order
    assert "SUPEROFFICE" in order and "ACME" in order and "Status" in order
    # Enter on a license link opens its details.
    link = browser.find("#group-plans tr[data-module='sales-essentials'] th a")
    browser.navigating(lambda: link.send_keys(Keys.ENTER))
    assert "Sales Essentials" in browser.text("#details h2")


def test_the_pages_fit_a_phone(browser):
    browser.phone()
    try:
        for path in ("/admin/licenses/SUPEROFFICE", "/admin/status", "/admin/users/ada", "/admin/consumption"):
            browser.open(path)
            browser.wait_for("h1")
            width = browser.driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE[0], f"{path} is {width}px wide on a {PHONE[0]}px screen"
        browser.open("/admin/licenses/SUPEROFFICE")
        browser.wait_for("h1")
        browser.shot("phone-licenses")
    finally:
        browser.desktop()


def test_sign_out_ends_the_session(browser):
    browser.open("/admin/licenses")
    browser.submit(".signout button")
    assert "You have signed out" in browser.text(".flash")
    response = browser.fetch("/admin/licenses/SUPEROFFICE")
    assert response.status == 303 and response.headers["Location"].startswith("/admin/login")


def test_every_screen_was_validated_and_screenshotted(browser):
    expected = {
        "/admin/login", "/admin/licenses/SUPEROFFICE", "/admin/licenses/ACME", "/admin/status", "/admin/activation",
        "/admin/activation/preview", "/admin/activation/done", "/admin/users", "/admin/users/new", "/admin/users/zoe",
        "/admin/events/new", "/admin/consumption", "/admin/audit", "/admin/users/nobody-here",
    }
    assert expected <= browser.validated, sorted(expected - browser.validated)
    assert any(path.endswith("/edit") for path in browser.validated), "the event edit form"
    # axe-core ran on every admin page: signed in, each owner tab, Status, a license's details, users, a user,
    # consumption, the audit log, the activation review and the event form.
    accessible = expected - {"/admin/users/nobody-here"} | {"/admin/licenses/SUPEROFFICE?module"}
    assert accessible <= browser.accessible, sorted(accessible - browser.accessible)
    for path in browser.screenshots:
        assert path.stat().st_size > 5000, f"{path} looks empty"
