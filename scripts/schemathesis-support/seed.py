"""Writes the schemathesis configuration of a run against the demo server: path values and body values seeded from
the demo's data, read from the server itself (scripts/schemathesis).

    seed.py BASE_URL ADMIN_TOKEN OUT.toml BINARY DEMO_DIR BODIES.json

Users, owners, modules, events and satellites are read from the tenant's API, so operations with {userName}, {owner},
{module}, {id} and {satellite} reach real data, not only 404. Users and events made here for the run are the delete
operations' values, so deleting them does not take away the values the other operations read. Usage events get the
tenant's services and current timestamps (the server takes only events of this or the previous month).
"""

import datetime
import json
import os
import subprocess
import sys
import urllib.request

base, token, out, binary, demo, bodies_out = sys.argv[1:7]
api = f"{base}/api/v1/tenants/demo"


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{api}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return json.loads(text) if text else None


users = [user["userName"] for user in call("GET", "/users")["users"]]
owners, modules = set(), set()
licenses = call("GET", "/licenses")
for owner in licenses["owners"]:
    owners.add(owner["name"])
    for module in owner["modules"]:
        modules.add(module["name"])
satellites = [satellite["name"] for satellite in call("GET", "/satellites")["satellites"]]
if not satellites:
    satellites = [call("POST", "/satellites", {"name": "schemathesis-office"})["name"]]
events = [event["id"] for event in call("GET", "/events")["events"]]
services = [tariff["service"] for tariff in call("GET", "/usage/tariff")["tariffs"]]

# Values for the delete operations only.
doomed_users = [call("POST", "/users", {"userName": f"schemathesis-doomed-{n}"})["userName"] for n in range(8)]
doomed_events = [
    call("POST", "/events", {"key": f"schemathesis-doomed-{n}", "message": "made for the run"})["id"] for n in range(8)
]
events += [call("POST", "/events", {"key": f"schemathesis-{n}", "message": "made for the run"})["id"] for n in range(4)]

now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
stamps = [(now - datetime.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ") for m in (0, 1, 30, 60 * 24)]


def toml_list(values):
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


lines = [
    "[warnings]",
    "fail-on = true",
    "",
    # The stateful phase follows the document's own links only: an inferred link (createUser to the check, say)
    # claims a relation the document does not make (the check answers for any name, a denial for an unknown one).
    "[phases.stateful.inference]",
    "algorithms = []",
    "",
    "[parameters]",
    '"path.tenant" = "demo"',
    '"path.userName" = { dictionary = "users", probability = 0.7 }',
    '"path.owner" = { dictionary = "owners", probability = 0.7 }',
    '"path.module" = { dictionary = "modules", probability = 0.7 }',
    '"path.id" = { dictionary = "events", probability = 0.7 }',
    '"path.satellite" = { dictionary = "satellites", probability = 0.7 }',
    '"body.events[*].service" = { dictionary = "services", probability = 1.0 }',
    '"body.events[*].occurredAt" = { dictionary = "stamps", probability = 1.0 }',
    '"body.service" = { dictionary = "services", probability = 1.0 }',
    '"body.modules[*]" = { dictionary = "module-keys", probability = 0.8 }',
    "",
]
dictionaries = {}
operations = []
for name, values in [
    ("users", users),
    ("owners", sorted(owners)),
    ("modules", sorted(modules)),
    ("events", events),
    ("satellites", satellites),
    ("services", services),
    ("module-keys", ["ACME.acme-sync", "SUPEROFFICE.user", "SUPEROFFICE.windows"]),
    ("stamps", stamps),
    ("doomed-users", doomed_users),
    ("doomed-events", doomed_events),
]:
    dictionaries[name] = values

for operation, parameter, dictionary in [
    ("deleteUser", "path.userName", "doomed-users"),
    ("deleteEvent", "path.id", "doomed-events"),
]:
    operations += [
        "[[operations]]",
        f'include-operation-id = "{operation}"',
        f'parameters = {{ "{parameter}" = {{ dictionary = "{dictionary}", probability = 0.7 }} }}',
        "",
    ]

# Assignments: users made for the run (no other operation's values, so nothing retires them or changes their type)
# with modules of the demo's known data (DemoCommand), so these operations are answered 200 at least once (and 409
# when repeated), not only 404 for a user and a module drawn apart.
# ACME acme-sync is a user module assigned directly (DemoCommand gives it to four users); the holders get it here.
assignees = [call("POST", "/users", {"userName": f"schemathesis-assignee-{n}"})["userName"] for n in range(1)]
holders = [call("POST", "/users", {"userName": f"schemathesis-holder-{n}"})["userName"] for n in range(2)]
for user in holders:
    call("PUT", f"/users/{user}/licenses/ACME/acme-sync")
for operation, values in [
    ("assignLicense", {"path.userName": assignees, "path.owner": ["ACME"], "path.module": ["acme-sync"]}),
    ("unassignLicense", {"path.userName": holders, "path.owner": ["ACME"], "path.module": ["acme-sync"]}),
    ("assignSatelliteLicense", {"path.satellite": ["oslo-office"], "path.owner": ["SUPEROFFICE"], "path.module": ["travel"]}),
    ("unassignSatelliteLicense", {"path.satellite": ["oslo-office"], "path.owner": ["SUPEROFFICE"], "path.module": ["travel"]}),
]:
    bindings = []
    for parameter, entries in values.items():
        name = f"{operation}-{parameter.split('.')[1]}"
        dictionaries[name] = entries
        bindings.append(f'"{parameter}" = {{ dictionary = "{name}", probability = 0.8 }}')
    operations += ["[[operations]]", f'include-operation-id = "{operation}"', f"parameters = {{ {', '.join(bindings)} }}", ""]

# A schema cannot say "signed by an issuer the tenant trusts" or "a user that is not there yet": a package of the
# document's form may still be malformed inside (400 `malformed-package`) or refused (422 `bad-signature`, ...), and a
# CSV of the document's form may hold a row the server refuses (422). Both are documented answers to valid-looking input.
# Likewise services and module keys are the tenant's data (the CLI defines more services; packages bring modules): one
# of the document's form may be unknown to the tenant (422; the fuzzing phase draws the tenant's own above, the coverage
# phase does not use them).
for operation in ("activatePackage", "previewActivation", "importUsers", "ingestUsage", "setTariff", "changeUserLicenses"):
    operations += [
        "[[operations]]",
        f'include-operation-id = "{operation}"',
        'checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]',
        "",
    ]

for name, values in dictionaries.items():
    lines += [f"[dictionaries.{name}]", f"values = {toml_list(values)}", ""]
lines += operations
# Bodies no schema can describe, for the hook (schemathesis_counts.map_case) to put in some positive cases: ACME
# packages signed with the demo's owner key, each issued after the one before (so each activation is newer), the
# preview's issued after all of them; the others the hook makes when it sends them (a new user, a current timestamp).
def package(issued_at, n):
    spec = {
        "owner": "ACME", "description": "ACME Sync for SuperOffice", "companyName": licenses["companyName"],
        "serialNumber": licenses["serialNumber"], "issuedAt": issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modules": [
            {"name": "acme-sync", "description": "ACME Sync", "type": "user", "count": 20 + n, "sortOrder": 1},
            {"name": "acme-dashboard", "description": "ACME Dashboard", "type": "site", "count": 1, "sortOrder": 2},
        ],
    }
    spec_path = os.path.join(os.path.dirname(bodies_out), f"acme-{n}.json")
    package_path = spec_path.replace(".json", ".license")
    with open(spec_path, "w") as file:
        json.dump(spec, file)
    subprocess.run(
        [binary, "issuer", "issue", "--owner-key", os.path.join(demo, "acme.jwk"), "--spec", spec_path, "--out", package_path],
        check=True, stdout=subprocess.DEVNULL,
    )
    with open(package_path) as file:
        return file.read().strip()


start = now - datetime.timedelta(seconds=30)
with open(bodies_out, "w") as file:
    json.dump(
        {
            "activatePackage": [package(start + datetime.timedelta(seconds=n), n) for n in range(6)],
            "previewActivation": [package(now - datetime.timedelta(seconds=10), 6)],
            "services": services,
        },
        file,
    )

with open(out, "w") as file:
    file.write("\n".join(lines))
print(
    f"seeded: {len(users)} users, {len(owners)} owners, {len(modules)} modules, {len(events)} events, "
    f"{len(satellites)} satellites, {len(services)} services"
)
