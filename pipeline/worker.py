"""Entry module for ``dramatiq pipeline.worker`` and ``intake worker`` (Polar's worker/run.py).

Importing it configures the broker from the environment and only then imports the actors,
which is the order dramatiq needs. Run as many of these, on as many machines, as you like:
they share Redis (``INTAKE_BROKER_URL``), the database (``INTAKE_DATABASE_URL``) and the file
store (``INTAKE_FILE_STORE`` / ``INTAKE_DATA_DIR``).
"""

from __future__ import annotations

import os

from pipeline.broker import QUEUES, configure_broker
from pipeline.logs import adopt_root_handlers
from pipeline.settings import get_settings

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # page parallelism is ours, not Tesseract's
os.umask(0o077)  # PHI: a second line of defence, every writer also sets its mode

adopt_root_handlers(get_settings().log_format)  # dramatiq's worker processes log through us
broker = configure_broker(get_settings())

# after the broker (the decorator binds to it); the runner's heavy imports once, before consuming
from pipeline import actors, runner  # noqa: E402

__all__ = ["actors", "broker", "main", "runner"]


def main(*, processes: int = 1, threads: int = 0, verbose: bool = False) -> int:
    """Run ``processes`` dramatiq worker processes of ``threads`` threads on both queues.

    Returns:
        dramatiq's exit code (0 after a clean SIGTERM/SIGINT shutdown).
    """
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    # dramatiq's default prefetch (2 x threads) is kept on purpose: with fewer, a consumer
    # that reached its limit sleeps up to a second before fetching the next page
    threads = threads or get_settings().worker_threads or os.cpu_count() or 1
    argv = [
        "pipeline.worker",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
        "--worker-shutdown-timeout",
        "30000",
        "--queues",
        *QUEUES,
    ]
    if verbose:
        argv.append("--verbose")
    return int(dramatiq_main(make_argument_parser().parse_args(argv)) or 0)
