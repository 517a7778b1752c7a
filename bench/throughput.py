"""Throughput of the scaled-out mode: pages/s with 1 and with 2 worker processes over Redis.

    python -m bench.throughput [--pages 100] [--seed 11] [--workers 1,2] [--interval 0]
        [--nice 0]

Each run gets a fresh PostgreSQL database, a flushed Redis database, its own data folder and
inbox, one ``intake watch --threads 0`` and N ``intake worker -p 1 -t 1`` processes (one
core each, like N machines). A small warm-up set is processed first (imports, models), then
the measured faxes land in the inbox: all at once by default (a burst: latency is mostly
queueing), or ``--interval`` seconds apart. Reported: pages/s from the first landing to the
last commit, the ratio between runs, the p50/p95 time from a file landing in the inbox to its
referral being committed to the queue, and how many cores our processes got while other
processes on the machine took the rest (a shared machine skews the ratio). Last line: JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC
from pathlib import Path
from typing import Any

from bench.common import ROOT, documents, generated_set, load_truth

TARGET_RATIO = 1.7
VARIANTS = "fax_fine,fax_normal"


def fax_set(min_pages: int, seed: int) -> list[tuple[Path, int]]:
    """Generated faxes (path, pages) adding up to at least ``min_pages`` pages."""
    count = max(4, min_pages // 2)
    while True:
        docs = [
            (p, int(load_truth(p)["page_count"]))
            for p in documents(generated_set(count, seed, VARIANTS))
        ]
        if sum(n for _, n in docs) >= min_pages:
            chosen, total = [], 0
            for doc, pages in docs:
                chosen.append((doc, pages))
                total += pages
                if total >= min_pages:
                    return chosen
        count *= 2


def _port_open(port: int) -> bool:
    import socket

    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_base() -> str:
    """A running Redis: the local one on 6379, else one started on a free port."""
    if _port_open(6379):
        return "redis://127.0.0.1:6379"
    import socket

    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ],
        check=True,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}"


def claim_redis_db(base: str) -> str:
    """An empty Redis database number, claimed with a key so parallel runs don't share it."""
    import redis

    for db in range(15, 0, -1):
        client = redis.Redis.from_url(f"{base}/{db}")
        if client.dbsize() == 0 and client.set("intake-bench:claim", "1", nx=True, ex=7200):
            return f"{base}/{db}"
    raise RuntimeError("no free Redis database number")


def postgres_database() -> tuple[str, str]:
    """(SQLAlchemy URL, name) of a fresh database on the local PostgreSQL (started if down)."""
    import psycopg

    if not _port_open(5432):
        version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )
        time.sleep(2)
    name = f"intake_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="test", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def drop_database(name: str) -> None:
    """Remove a bench database."""
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="test", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _spawn(args: list[str], env: dict[str, str], log: Path, nice: int = 0) -> subprocess.Popen:
    prefix = ["nice", "-n", str(nice)] if nice else []
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "pipeline.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _drop(files: list[Path], inbox: Path, interval: float = 0.0) -> dict[str, float]:
    """Land each file atomically (dot-temp, then rename), ``interval`` seconds apart;
    returns sha256 → landing time."""
    from pipeline.stages.ingest import sha256_of

    landed = {}
    for i, path in enumerate(files):
        if i and interval:
            time.sleep(interval)
        tmp = inbox / f".{path.name}.part"
        shutil.copy(path, tmp)
        tmp.rename(inbox / path.name)
        landed[sha256_of(path)] = time.time()
    return landed


def _wait_empty(inbox: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(inbox.iterdir()):
        if time.monotonic() > deadline:
            raise TimeoutError("the inbox did not empty in time")
        time.sleep(0.2)


def _tree_cpu(roots: list[int]) -> float:
    """CPU seconds used so far by ``roots`` and all their descendants (Tesseract included)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            times[pid] = sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    tree, frontier = set(roots), list(roots)
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


def _busy_cpu() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run(
    workers: int,
    docs: list[tuple[Path, int]],
    warm: list[Path],
    redis: str,
    *,
    interval: float = 0.0,
    nice: int = 0,
) -> dict:
    """One measured run with ``workers`` worker processes."""
    import redis as redis_client
    from sqlalchemy import select

    from models.storage.tables import DocumentRow
    from pipeline.jobs import open_runtime
    from pipeline.settings import Settings

    client = redis_client.Redis.from_url(redis)
    client.flushdb()
    client.set("intake-bench:claim", "1", ex=7200)  # keep the database number ours
    db_url, db_name = postgres_database()
    work = Path(tempfile.mkdtemp(prefix="intake-throughput-"))
    inbox = work / "inbox"
    inbox.mkdir()
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(work / "data"),
        "INTAKE_INBOX": str(inbox),
        "INTAKE_BROKER_URL": redis,
        "INTAKE_DATABASE_URL": db_url,
        "INTAKE_STABLE_S": "0.5",
        "INTAKE_INBOX_POLL_S": "0.2",
        "INTAKE_STALL_S": "3600",
        "OMP_THREAD_LIMIT": "1",
    }
    rt = open_runtime(Settings(database_url=db_url, data_dir=work / "data"))  # schema once
    log = work / "run.log"
    procs = [_spawn(["worker", "-p", "1", "-t", "1"], env, log, nice) for _ in range(workers)]
    procs.append(_spawn(["watch", "--threads", "0", "-q"], env, log, nice))
    try:
        _drop(warm, inbox)
        _wait_empty(inbox, 900)
        start = time.time()
        ours, machine = _tree_cpu([p.pid for p in procs]), _busy_cpu()
        landed = _drop([p for p, _ in docs], inbox, interval)
        _wait_empty(inbox, 3600)
        ours, machine = _tree_cpu([p.pid for p in procs]) - ours, _busy_cpu() - machine
        elapsed = time.time() - start
    finally:
        _stop(procs)
    with rt.jobs.store.session() as s:
        rows = s.execute(
            select(
                DocumentRow.sha256,
                DocumentRow.created_at,
                DocumentRow.status,
                DocumentRow.error_code,
            ).where(DocumentRow.sha256.in_(list(landed)))
        ).all()
    rt.jobs.store.engine.dispose()
    drop_database(db_name)
    codes = Counter(code for _, _, status, code in rows if status != "processed")
    if not codes:  # keep the logs of a run with failures
        shutil.rmtree(work, ignore_errors=True)
    committed = {sha: at.astimezone(UTC).timestamp() for sha, at, _, _ in rows}
    latencies = sorted(committed[sha] - landed[sha] for sha in committed)
    pages = sum(n for _, n in docs)
    wall = max(committed.values()) - start
    return {
        "workers": workers,
        "documents": len(docs),
        "pages": pages,
        "quarantined": dict(codes),
        "wall_s": round(wall, 1),
        "pages_per_s": round(pages / wall, 3),
        "latency_p50_s": round(_pct(latencies, 0.50), 1),
        "latency_p95_s": round(_pct(latencies, 0.95), 1),
        # cores our processes got, and cores other users of the machine took meanwhile
        "cores_ours": round(ours / elapsed, 2),
        "cores_others": round(max(0.0, machine - ours) / elapsed, 2),
    }


def _pct(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, max(0, round(fraction * len(values) + 0.5) - 1))]


def main() -> None:
    """Run the benchmark and print one line per run, the ratio, then JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="seconds between arrivals (default 0: every fax lands at once, a burst)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of our processes; negative (root) shields a shared machine's load",
    )
    args = parser.parse_args()
    docs = fax_set(args.pages, args.seed)
    warm = [p for p, _ in fax_set(6, args.seed + 1)]
    redis = claim_redis_db(redis_base())
    runs: dict[str, Any] = {}
    for n in (int(x) for x in args.workers.split(",")):
        result = run(n, docs, warm, redis, interval=args.interval, nice=args.nice)
        runs[str(n)] = result
        print(
            f"{n} worker(s): {result['pages']} pages in {result['wall_s']} s = "
            f"{result['pages_per_s']} pages/s; landing → queue p50 {result['latency_p50_s']} s, "
            f"p95 {result['latency_p95_s']} s; quarantined {result['quarantined']}; cores: ours "
            f"{result['cores_ours']}, other processes {result['cores_others']}",
            flush=True,
        )
    import redis as redis_client

    redis_client.Redis.from_url(redis).flushdb()
    summary: dict[str, Any] = {
        "bench": "throughput",
        "cpus": os.cpu_count(),
        "interval_s": args.interval,
        "runs": runs,
    }
    if "1" in runs and "2" in runs:
        ratio = runs["2"]["pages_per_s"] / runs["1"]["pages_per_s"]
        summary["ratio_2_vs_1"] = round(ratio, 2)
        summary["target_ratio"] = TARGET_RATIO
        print(f"ratio 2 vs 1 workers: {ratio:.2f}x (target >= {TARGET_RATIO}x)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
