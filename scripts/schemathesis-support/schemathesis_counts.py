"""The schemathesis hooks of scripts/schemathesis (SCHEMATHESIS_HOOKS):

- `after_call` counts each operation's answers by status class and writes them to $SCHEMATHESIS_COUNTS as JSON when
  the run ends (scripts/schemathesis prints and checks them);
- `map_case` (and `before_add_examples`, for the examples phase) puts a seeded body in the first and every third positive case, per phase, of the operations whose valid
  bodies no schema can describe (a package signed by a trusted key and newer than the active one, a CSV of users not
  there yet, usage of this month, a tariff of a service the tenant has, licenses of modules it has): as path values are seeded from the demo's
  data, so are these bodies, from $SCHEMATHESIS_BODIES (seed.py). Every other case stays generated.
"""

import atexit
import collections
import datetime
import itertools
import json
import os

import schemathesis

counts: dict = collections.defaultdict(collections.Counter)
seeded_bodies = {}
if os.environ.get("SCHEMATHESIS_BODIES"):
    with open(os.environ["SCHEMATHESIS_BODIES"]) as file:
        seeded_bodies = json.load(file)
positives: collections.Counter = collections.Counter()
serial = itertools.count()


SEEDED = ("activatePackage", "previewActivation", "importUsers", "ingestUsage", "setTariff", "changeUserLicenses")


def seeded_body(operation):
    n = next(serial)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    services = seeded_bodies.get("services") or ["mailing-emails"]
    if operation in ("activatePackage", "previewActivation"):
        packages = seeded_bodies.get(operation) or []
        return (packages.pop(0) if len(packages) > 1 else packages[0]) if packages else None
    if operation == "importUsers":
        return f"userName,type\nschemathesis-import-{n},employee\n"
    if operation == "ingestUsage":
        return {"events": [{"id": f"schemathesis-{n}", "service": services[n % len(services)], "quantity": 1, "occurredAt": now}]}
    if operation == "changeUserLicenses":
        # No direct licenses: a set every user may be given whatever the tenant's packages hold.
        return {"plans": [], "modules": []}
    if operation == "setTariff":
        return {"service": services[n % len(services)], "includedBase": 100, "includedPerUser": 10, "unitSize": 1,
                "pricePerUnit": 2, "currency": "EUR"}
    return None


@schemathesis.hook
def before_add_examples(context, examples):
    """The examples phase's cases (the document's examples, generated where it has none) get a seeded body too."""
    for case in examples:
        operation = case.operation.definition.raw.get("operationId")
        if operation in SEEDED:
            body = seeded_body(operation)
            if body is not None:
                case.body = body


@schemathesis.hook
def map_case(context, case):
    operation = case.operation.definition.raw.get("operationId")
    meta = case.meta
    if meta is None or getattr(meta.generation.mode, "value", "") != "positive":
        return case
    if operation == "createUser" and isinstance(case.body, dict) and isinstance(case.body.get("password"), str):
        # The document says 8 to 72 characters and, in words, at most 72 bytes of UTF-8 (what bcrypt reads), which a
        # JSON schema cannot state: a valid case keeps its length in ASCII when its UTF-8 is longer than 72 bytes.
        password = case.body["password"]
        if len(password.encode("utf-8")) > 72:
            case.body["password"] = "p" * len(password)
    if operation not in SEEDED:
        return case
    key = (operation, str(getattr(meta.phase, "name", "")))
    positives[key] += 1
    # changeUserLicenses: two cases in three, since random module keys are nearly always ones the tenant's packages do
    # not have (a documented 422), so one in three left the operation "mostly rejected" in some runs (a warning).
    seeded = positives[key] % 3 != 0 if operation == "changeUserLicenses" else positives[key] % 3 == 1
    if not seeded:
        return case
    body = seeded_body(operation)
    if body is not None:
        case.body = body
    return case


@schemathesis.hook
def after_call(context, case, response):
    counts[case.operation.label][f"{response.status_code // 100}xx" if response.status_code != 404 else "404"] += 1


@atexit.register
def write():
    path = os.environ.get("SCHEMATHESIS_COUNTS")
    if not path:
        return
    previous = {}
    if os.path.exists(path):
        with open(path) as file:
            previous = json.load(file)
    for label, counter in counts.items():
        merged = collections.Counter(previous.get(label, {}))
        merged.update(counter)
        previous[label] = dict(merged)
    with open(path, "w") as file:
        json.dump(previous, file)
