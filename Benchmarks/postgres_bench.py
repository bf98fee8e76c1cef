"""The PostgreSQL budgets of DESIGN §7, against a local cluster of the run's own with fsync and synchronous_commit on
(scripts/pg-cluster, PG_CLUSTER_FSYNC=on): acknowledged ticket creates over HTTP with 64 connections, GET
/api/customers/1, the same creates with two `crm serve` processes on the one database, and a page of 50 tickets from
a 1,000,000-ticket database.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

import bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster")


class Cluster:
    """A throw-away cluster in a temporary folder, durable as in production (fsync, synchronous_commit on)."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="crm-bench-pg.")
        env = dict(os.environ, PG_CLUSTER_FSYNC="on")
        self.admin = subprocess.run(["bash", CLUSTER, "start", self.folder], capture_output=True, text=True,
                                    env=env, timeout=bench.TIMEOUT, check=True).stdout.strip()

    def database(self, name):
        self.sql(f"CREATE DATABASE {name}")
        return self.admin.rsplit("/", 1)[0] + "/" + name

    def sql(self, statement, url=None):
        return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url or self.admin, "-c",
                               statement], capture_output=True, text=True, timeout=bench.TIMEOUT, check=True).stdout

    def remove(self):
        subprocess.run(["bash", CLUSTER, "remove", self.folder], timeout=120)


class Serve:
    """`crm serve --port 0 --db URL`."""

    def __init__(self, binary, url):
        self.process = subprocess.Popen([binary, "serve", "--port", "0", "--db", url], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=bench.ENV)
        self.url = bench.watch_for_url(self.process, rb"listening on (http://\S+)")()
        if not self.url:
            self.stop()
            sys.exit("crm serve on PostgreSQL did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post_lua(folder):
    path = os.path.join(folder, "pg-post.lua")
    with open(path, "w") as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     'wrk.headers["Authorization"] = "Bearer agent123"\n'
                     'wrk.body = \'{"customer_id": 1, "subject": "From wrk", "description": "load"}\'\n'
                     'done = function(summary, latency, requests)\n'
                     '  io.write(string.format("errors: %d %d\\n", summary.errors.status, summary.errors.timeout))\n'
                     'end\n')
    return path


def creates(url, seconds, lua, connections=64):
    """Acknowledged creates/s: wrk's rate, counted only when every answer was a success."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", "-s", lua,
               url + "/api/tickets"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failed = sum(int(n) for n in re.search(r"errors: (\d+) (\d+)", output).groups())
    return rate, failed


def load_tickets(cluster, url, total):
    """Fills the database to `total` tickets with SQL (as crm would store them), then updates the statistics.
    The per-row counting trigger is off for the load (one transaction updating the same counter row a million
    times makes a million row versions) and the counts are added once, as the trigger would have."""
    have = int(cluster.sql("SELECT count(*) FROM tickets", url))
    if have < total:
        cluster.sql(
            "ALTER TABLE tickets DISABLE TRIGGER tickets_counted;"
            " INSERT INTO tickets (customer_id, subject, description, status, priority, assignee, tags, created_at,"
            " updated_at, version) SELECT 1 + g % 2, 'Load ' || g, '', 'open', 'normal', NULL, ARRAY['load'],"
            f" now(), now(), 1 FROM generate_series(1, {total - have}) g;"
            " INSERT INTO ticket_counts AS c (customer_id, stripe, tickets)"
            f" SELECT 1 + g % 2, 0, count(*) FROM generate_series(1, {total - have}) g GROUP BY 1"
            " ON CONFLICT (customer_id, stripe) DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets;"
            " ALTER TABLE tickets ENABLE TRIGGER tickets_counted", url)
    cluster.sql("VACUUM ANALYZE", url)


def run(binary, quick, folder, row):
    """Adds the PostgreSQL rows to the table (through `row`); skipped, with a row saying so, without a server."""
    if not shutil.which("psql") or not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        row("PostgreSQL", "(needs Debian's postgresql)", "not installed", False)
        return
    seconds = 2 if quick else 10
    tickets = 10_000 if quick else 1_000_000
    cluster = Cluster()
    servers = []
    try:
        url = cluster.database("crm_bench")
        lua = post_lua(folder)
        servers.append(Serve(binary, url))
        rate, failed = creates(servers[0].url, seconds, lua)
        row("PostgreSQL: POST /api/tickets, 64 connections", ">= 2,000 acknowledged creates/s",
            f"{rate:,.0f} creates/s, {failed} failed", rate >= 2_000 and failed == 0)
        customer, _, customer_p99 = bench.wrk(servers[0].url + "/api/customers/1", seconds,
                                              header="Authorization: Bearer agent123")
        row("PostgreSQL: GET /api/customers/1", ">= 5,000 req/s", f"{customer:,.0f} req/s, p99 {customer_p99:.2f} ms",
            customer >= 5_000)
        servers.append(Serve(binary, url))
        results = [None, None]

        def load(index):
            results[index] = creates(servers[index].url, seconds, lua, connections=32)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        both = sum(r[0] for r in results)
        row("PostgreSQL: POST /api/tickets, 2 crm serve x 32 connections", "(reported)",
            f"{both:,.0f} creates/s (1 process: {rate:,.0f}), {sum(r[1] for r in results)} failed", True)
        load_tickets(cluster, url, tickets)
        page = bench.server_time(servers[0].url, "/api/tickets?customer_id=1&limit=50")
        row(f"PostgreSQL: GET /api/tickets?customer_id=1&limit=50, {tickets:,}+ tickets", "< 5 ms server time",
            f"{page:.3f} ms", page < 5)
    finally:
        for server in servers:
            server.stop()
        cluster.remove()
