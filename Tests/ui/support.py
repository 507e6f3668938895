"""Helpers of the browser tests: a browser wrapper that screenshots and validates every page it visits, raw HTTP
with the browser's session, the REST API with the admin token, and the HTML checks."""

import json
import pathlib
import re
import urllib.error
import urllib.parse
import urllib.request

import html5lib
from axe_selenium_python import Axe
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

DESKTOP = (1280, 800)
PHONE = (390, 844)

# Form controls that need a label (hidden inputs and buttons are labelled by their own text).
LABELLED_INPUT_TYPES = {None, "", "text", "email", "password", "date", "time", "file", "checkbox", "radio", "number",
                        "search", "tel", "url"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class Browser:
    def __init__(self, driver, config):
        self.driver = driver
        self.config = config
        self.base = config["base_url"]
        self.validated = set()
        self.accessible = set()
        self.screenshots = []
        self.secrets = self._secrets()

    # MARK: - Viewport and screenshots

    def viewport(self, width, height, mobile=False):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def desktop(self):
        self.viewport(*DESKTOP)

    def phone(self):
        self.viewport(*PHONE, mobile=True)

    def full_page_shot(self, name):
        """The whole page at the current width, however tall (for documentation, not the 1280x800 set)."""
        import base64
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        width = self.driver.execute_script("return document.documentElement.clientWidth")
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = self.config["screenshots"] / f"{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def shot(self, name):
        path = self.config["screenshots"] / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.screenshots.append(path)
        return path

    # MARK: - Navigation

    def url(self, path):
        return self.base + path

    def open(self, path):
        self.driver.get(self.url(path))

    def path(self):
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + (("?" + parts.query) if parts.query else "")

    def wait(self, condition, timeout=10):
        return WebDriverWait(self.driver, timeout).until(condition)

    def wait_for(self, css, timeout=10):
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, css)), timeout)

    def wait_visible(self, css, timeout=10):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css):
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        return element

    def click_link(self, text):
        element = self.driver.find_element(By.LINK_TEXT, text)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def navigating(self, action, timeout=15):
        """Runs an action that loads a new page and waits until the old page is gone."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()

        def old_page_gone(driver):
            try:
                old.tag_name
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                # Chromium sometimes answers a reference into a page being replaced with this instead.
                if "does not belong to the document" in str(error):
                    return True
                raise

        self.wait(old_page_gone, timeout)
        self.wait(lambda driver: driver.execute_script("return document.readyState") == "complete", timeout)

    def submit(self, css):
        """Clicks a button or link that loads a new page."""
        self.navigating(lambda: self.click(css))

    def follow(self, text):
        """Follows a link, by its text, to a new page."""
        self.navigating(lambda: self.click_link(text))

    def text(self, css="body"):
        return self.find(css).text

    # MARK: - Raw HTTP with the browser's session

    def cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def fetch(self, path, method="GET", data=None, content_type=None, session=True, follow=False):
        headers = {}
        if session:
            headers["Cookie"] = self.cookie_header()
        body = None
        if data is not None:
            body = data if isinstance(data, bytes) else urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url(path), data=body, method=method, headers=headers)
        opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def api(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.config['token']}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url("/api/v1/tenants/demo" + path), data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    # MARK: - Page checks

    def check(self, name=None, status=200):
        """Screenshot the current page (when named), run axe-core on it as the browser shows it, and validate its
        HTML as the server sent it, which must have come with `status`."""
        if name:
            self.shot(name)
        path = self.path()
        self.check_accessibility(path)
        response = self.fetch(path)
        assert response.status == status, f"{path}: status {response.status}, expected {status}"
        self.validate(response.text, path)
        return response

    def check_accessibility(self, where):
        """axe-core (issue 17, item 13) on the page in the browser: no serious or critical violation."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        report = "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in serious)
        assert not serious, f"axe-core finds on {where}: {report}"
        self.accessible.add(urllib.parse.urlsplit(where).path + ("?module" if "module=" in where else ""))

    def validate(self, html, where):
        check_html(html, where, self.secrets + [c["value"] for c in self.driver.get_cookies() if c["value"]])
        self.validated.add(urllib.parse.urlsplit(where).path)

    def _secrets(self):
        secrets = [self.config["password"], self.config["token"]]
        # The secret part of the token (lic_<id>_<secret>) must not appear on its own either.
        parts = self.config["token"].split("_", 2)
        if len(parts) == 3:
            secrets.append(parts[2])
        for key in (self.config["data_dir"] / "demo").glob("*.jwk"):
            try:
                jwk = json.loads(key.read_text())
            except ValueError:
                continue
            if jwk.get("d"):
                secrets.append(jwk["d"])
        return secrets


def check_html(html, where, secrets):
    """HTML5 by the parsing rules (html5lib strict: any parse error fails), plus what a parser does not check: one
    doctype, lang, a title, unique ids, references to ids that exist, a label for every form control, a CSRF token in
    every POST form, and no secret anywhere in the page."""
    assert html.startswith("<!DOCTYPE html>"), f"{where}: the page does not start with <!DOCTYPE html>"
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line = _error_context(html, parser)
        raise AssertionError(f"{where}: not valid HTML5: {error}\n{line}") from None

    root = document.getroot() if hasattr(document, "getroot") else document
    elements = list(root.iter())
    html_element = next(e for e in elements if e.tag == "html")
    assert html_element.get("lang"), f"{where}: <html> has no lang"
    titles = [e for e in elements if e.tag == "title"]
    assert titles and (titles[0].text or "").strip(), f"{where}: no <title>"
    assert [e for e in elements if e.tag == "h1"], f"{where}: no <h1>"

    ids = [e.get("id") for e in elements if e.get("id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{where}: duplicate ids {duplicates}"
    known = set(ids)
    for e in elements:
        for attribute in ("aria-labelledby", "aria-describedby", "for", "aria-controls"):
            for ref in (e.get(attribute) or "").split():
                assert ref in known, f"{where}: {e.tag} {attribute}={ref!r} names no element"
        if e.get("data-dialog"):
            assert e.get("data-dialog") in known, f"{where}: data-dialog={e.get('data-dialog')!r} names no dialog"

    labelled = {e.get("for") for e in elements if e.tag == "label" and e.get("for")}
    parents = {child: parent for parent in elements for child in parent}
    for e in elements:
        if e.tag == "input" and e.get("type") in ("hidden", "submit", "button", "reset", "image"):
            continue
        if e.tag not in ("input", "select", "textarea"):
            continue
        if e.tag == "input" and e.get("type") not in LABELLED_INPUT_TYPES:
            continue
        has_label = (e.get("id") in labelled) or e.get("aria-label") or e.get("aria-labelledby")
        ancestor = parents.get(e)
        while not has_label and ancestor is not None:
            has_label = ancestor.tag == "label"
            ancestor = parents.get(ancestor)
        assert has_label, f"{where}: <{e.tag} name={e.get('name')!r}> has no label"

    for form in (e for e in elements if e.tag == "form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        tokens = [i for i in form.iter("input") if i.get("name") == "csrf" and i.get("type") == "hidden" and i.get("value")]
        assert tokens, f"{where}: a POST form to {form.get('action')!r} carries no CSRF token"

    for secret in secrets:
        if secret and len(secret) >= 8:
            assert secret not in html, f"{where}: the page contains a secret ({secret[:4]}…)"
    for pattern in (r"\$2[aby]\$\d\d\$", r"lic_[A-Za-z0-9_-]{20,}", r'"d"\s*:\s*"'):
        assert not re.search(pattern, html), f"{where}: the page contains something like a secret ({pattern})"


def _error_context(html, parser):
    try:
        (line, column), code, data = parser.errors[0]
        text = html.splitlines()[line - 1]
        return f"line {line}, column {column}: {code} {data}\n  {text.strip()[:200]}"
    except (IndexError, ValueError, TypeError):
        return ""


def issue_package(config, path, modules_changes, issued_at):
    """Writes a spec that repeats the demo's active SUPEROFFICE package with some counts changed, and issues it with
    `licensing issuer issue`."""
    import subprocess

    status, report = _api_get(config, "/licenses")
    assert status == 200, report
    owner = next(o for o in report["owners"] if o["name"] == "SUPEROFFICE")
    modules = []
    for index, m in enumerate(owner["modules"]):
        modules.append({
            "name": m["name"], "description": m.get("description"), "tooltip": m.get("tooltip"), "version": None,
            "type": m["type"], "count": modules_changes.get(m["name"], m["total"]),
            "allowedUserTypes": m["allowedUserTypes"], "extraFlags": m["extraFlags"], "extraInfo": m.get("extraInfo"),
            "sortOrder": index + 1, "unrestricted": m["unrestricted"], "hidden": m["hidden"],
            "prerequisite": m.get("prerequisite"),
        })
    spec = {
        "owner": "SUPEROFFICE", "description": owner.get("description"), "companyName": "Demo Company AS",
        "serialNumber": "1000-0001", "issuedAt": issued_at, "expiresAt": owner.get("expiresAt"),
        "graceUntil": owner.get("graceUntil"), "maintenanceUntil": owner.get("maintenanceUntil"),
        "adminWarningAt": owner.get("adminWarningAt"), "nextCheckAt": owner.get("nextCheckAt"), "modules": modules,
    }
    spec_path = pathlib.Path(str(path) + ".spec.json")
    spec_path.write_text(json.dumps(spec, indent=2))
    key = config["data_dir"] / "demo" / "superoffice.jwk"
    result = subprocess.run(
        [config["binary"], "issuer", "issue", "--owner-key", str(key), "--spec", str(spec_path), "--out", str(path)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"licensing issuer issue failed: {result.stdout}{result.stderr}"
    return path


def _api_get(config, path):
    request = urllib.request.Request(
        config["base_url"] + "/api/v1/tenants/demo" + path, headers={"Authorization": f"Bearer {config['token']}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, json.loads(response.read())
