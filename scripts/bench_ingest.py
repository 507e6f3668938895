#!/usr/bin/env python3
"""Usage ingestion benchmark client (issue 5, acceptance 4). Standard library only.

  bench_ingest.py http  --url http://127.0.0.1:PORT --token lic_… [--tenant demo] [--events N] [--processes P]
  bench_ingest.py raw   --database FILE [--events N]

`http` posts N events with unique ids in batches of 1,000 to POST /api/v1/tenants/{t}/usage/events from P
processes, each on one keep-alive connection; the bodies are made before the clock starts. It checks every answer
(200, accepted = batch size) and prints one JSON line with events/s.

`raw` inserts the same rows (same columns, same values) into a plain table of a new SQLite file, 1,000 rows per
transaction, WAL and synchronous=NORMAL like the server, and prints one JSON line with rows/s. With
--schema usage_event it uses the server's table definition instead (primary key, WITHOUT ROWID, time index).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import sqlite3
import sys
import time
import urllib.parse
import uuid

BATCH = 1_000
SERVICES = ["mailing-emails", "customer-centre-logins", "chat-sessions", "form-submissions", "storage"]


def event_values(run: str, index: int, occurred: int):
    """The id, service and quantity of event `index`: unique ids, a mix of services."""
    return f"{run}-{index:09d}", SERVICES[index % len(SERVICES)], index % 50 + 1


def iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def make_bodies(run: str, batches: range, occurred: int) -> list:
    stamp = iso(occurred)
    bodies = []
    for b in batches:
        events = []
        for i in range(b * BATCH, (b + 1) * BATCH):
            event_id, service, quantity = event_values(run, i, occurred)
            events.append({"id": event_id, "service": service, "quantity": quantity, "occurredAt": stamp})
        bodies.append(json.dumps({"events": events}, separators=(",", ":")).encode())
    return bodies


def http_worker(args):
    url, token, tenant, run, batches, occurred, ready, go, results = args
    bodies = make_bodies(run, batches, occurred)
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    path = f"/api/v1/tenants/{tenant}/usage/events"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "keep-alive"}
    ready.release()
    go.wait()
    accepted = 0
    failures = []
    started = time.perf_counter()
    for body in bodies:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            failures.append(f"{response.status} {answer[:300]!r}")
            continue
        accepted += json.loads(answer)["accepted"]
    finished = time.perf_counter()
    connection.close()
    results.put({"accepted": accepted, "failures": failures, "started": started, "finished": finished})


def run_http(options) -> dict:
    batch_count = options.events // BATCH
    run = uuid.uuid4().hex[:12]
    occurred = int(time.time()) - 5
    # Warm-up: a few batches on one connection (connections, caches, the snapshot) before timing.
    parts = urllib.parse.urlsplit(options.url)
    warm = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    for body in make_bodies(run + "-warm", range(options.warmup), occurred):
        warm.request("POST", f"/api/v1/tenants/{options.tenant}/usage/events", body=body,
                     headers={"Authorization": f"Bearer {options.token}", "Content-Type": "application/json"})
        response = warm.getresponse()
        text = response.read()
        if response.status != 200:
            sys.exit(f"warm-up batch refused: {response.status} {text[:300]!r}")
    warm.close()

    context = multiprocessing.get_context("fork")
    ready = context.Semaphore(0)
    go = context.Event()
    results = context.Queue()
    shares = [range(p, batch_count, options.processes) for p in range(options.processes)]
    workers = [
        context.Process(target=http_worker, args=((options.url, options.token, options.tenant, run, share, occurred, ready, go, results),))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    outcomes = [results.get() for _ in workers]
    elapsed = max(o["finished"] for o in outcomes) - start
    for worker in workers:
        worker.join()
    failures = [f for o in outcomes for f in o["failures"]]
    accepted = sum(o["accepted"] for o in outcomes)
    if failures:
        sys.exit(f"{len(failures)} batches failed, e.g. {failures[0]}")
    if accepted != batch_count * BATCH:
        sys.exit(f"accepted {accepted} events, sent {batch_count * BATCH}")
    return {"events": accepted, "seconds": round(elapsed, 3), "eventsPerSecond": round(accepted / elapsed),
            "processes": options.processes, "batch": BATCH, "run": run}


PLAIN = """CREATE TABLE usage_event_plain (tenant_id TEXT NOT NULL, id TEXT NOT NULL, service TEXT NOT NULL,
    quantity INTEGER NOT NULL, occurred_at INTEGER NOT NULL, subject TEXT, received_at INTEGER NOT NULL)"""
SERVER = """CREATE TABLE usage_event_plain (tenant_id TEXT NOT NULL, id TEXT NOT NULL, service TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 0), occurred_at INTEGER NOT NULL, subject TEXT, received_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
    CREATE INDEX usage_event_plain_by_time ON usage_event_plain(tenant_id, occurred_at)"""


def run_raw(options) -> dict:
    if os.path.exists(options.database):
        sys.exit(f"{options.database} exists")
    run = uuid.uuid4().hex[:12]
    occurred = int(time.time()) - 5
    received = occurred + 5
    rows = []
    for i in range(options.events // BATCH * BATCH):
        event_id, service, quantity = event_values(run, i, occurred)
        rows.append(("demo", event_id, service, quantity, occurred, None, received))
    connection = sqlite3.connect(options.database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.executescript(SERVER if options.schema == "usage_event" else PLAIN)
    sql = "INSERT INTO usage_event_plain VALUES (?, ?, ?, ?, ?, ?, ?)"
    start = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(sql, rows[offset:offset + BATCH])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    count = connection.execute("SELECT COUNT(*) FROM usage_event_plain").fetchone()[0]
    connection.close()
    if count != len(rows):
        sys.exit(f"inserted {count} rows, expected {len(rows)}")
    return {"events": count, "seconds": round(elapsed, 3), "eventsPerSecond": round(count / elapsed), "schema": options.schema,
            "sqlite": sqlite3.sqlite_version}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    h = sub.add_parser("http")
    h.add_argument("--url", required=True)
    h.add_argument("--token", required=True)
    h.add_argument("--tenant", default="demo")
    h.add_argument("--events", type=int, default=500_000)
    h.add_argument("--processes", type=int, default=4)
    h.add_argument("--warmup", type=int, default=5)
    r = sub.add_parser("raw")
    r.add_argument("--database", required=True)
    r.add_argument("--events", type=int, default=500_000)
    r.add_argument("--schema", choices=["plain", "usage_event"], default="plain")
    options = parser.parse_args()
    if options.events < BATCH:
        sys.exit(f"--events must be at least {BATCH}")
    result = run_http(options) if options.mode == "http" else run_raw(options)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
