"""gunicorn settings for ``make serve``: ``gunicorn -c gunicorn.conf.py 'app:create_app()'``.

Everything comes from the environment, so one file serves every host:

* ``ESMON_BIND`` (default ``127.0.0.1:8000``): where to listen; behind a reverse proxy keep it
  on loopback and set ``ESMON_PROXY_FIX=1``.
* ``ESMON_WORKERS`` (default 2): processes; about 2 × CPU cores is usual. The app keeps no
  state in memory that matters (sessions are signed cookies, everything else is in the
  database), so processes and hosts can be added freely. With more than one, rate limits are
  counted in Redis (``ESMON_REDIS_URL``, default ``redis://127.0.0.1:6379``) unless
  ``RATELIMIT_STORAGE_URI`` is set.
* ``ESMON_THREADS`` (default 1): threads a process; above 1 gunicorn uses the gthread worker.
  Sync is the default because a respondent's request is CPU-bound (~15 ms CPU, the database on
  the same host): one request per process gave the lowest latency at light load (bench/
  latency_bench.py, 2 cores: p95 91 ms at 1 client, 2 × 1 sync, against 206 ms for 2 × 4
  gthread). gthread (``ESMON_THREADS=4``) carried about twice the submissions a second at 16
  clients in the same runs, with a higher p95; choose it where the database is on another
  host (its round trips then overlap) or many slow clients hold connections.
* ``ESMON_TIMEOUT`` (default 60 s): a request running longer is killed (large exports run as
  ``flask reports export``, not in a request).

gunicorn is the production server, so ``ESMON_ENV`` defaults to ``production`` here: the app
then refuses to start with the development ``SECRET_KEY``.
"""

from __future__ import annotations

import os

os.environ.setdefault("ESMON_ENV", "production")

bind = os.environ.get("ESMON_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ESMON_WORKERS", "2"))
# With several processes, limits counted in each one's memory let most guesses through (with
# 4 workers, 3 in 4): they are counted in Redis instead unless RATELIMIT_STORAGE_URI says
# otherwise (ESMON_REDIS_URL, default the local Redis). The workers inherit the setting.
if workers > 1:
    os.environ.setdefault("RATELIMIT_STORAGE_URI",
                          os.environ.get("ESMON_REDIS_URL", "redis://127.0.0.1:6379"))
threads = int(os.environ.get("ESMON_THREADS", "1"))
timeout = int(os.environ.get("ESMON_TIMEOUT", "60"))
graceful_timeout = 30
# the app writes one structured line a request itself (logging_setup.py)
accesslog = None
errorlog = "-"
loglevel = os.environ.get("ESMON_LOG_LEVEL", "info").lower()
# gunicorn's own events (boot, worker exits, timeouts) in the app's one-line format
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"esmon": {"()": "logging_setup.JsonFormatter"
                             if os.environ.get("ESMON_LOG_FORMAT") == "json"
                             else "logging_setup.KeyValueFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "esmon",
                            "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": []},  # the app installs its own (no doubles)
    "loggers": {"gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"],
                                   "propagate": False}},
}
# X-Forwarded-* are handled by the app (ESMON_PROXY_FIX), not by gunicorn
forwarded_allow_ips = "127.0.0.1,::1"
# a worker that leaks is replaced now and then (jitter: not all at once); a restart costs one
# app start (~1.3 s CPU), spread over 5000 requests, and the jitter keeps both workers from
# restarting in the same minute (none fell inside a benchmark run of ~2000 requests)
max_requests = 5000
max_requests_jitter = 500


def post_worker_init(worker: object) -> None:
    """The app is loaded in this worker: its long-lived objects out of the collector's way
    (``serving.settle``)."""
    from serving import settle

    settle()
