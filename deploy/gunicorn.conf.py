"""gunicorn settings for Tsunagu (docs/operations.md "The application server").

Read by deploy/systemd/tsunagu.service:  gunicorn -c /opt/tsunagu/app/deploy/gunicorn.conf.py
Every value can be overridden from the environment file (GUNICORN_*), none needs to be.
"""

import gc
import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# Only nginx on the same host talks to gunicorn. Behind a load balancer on another host, bind to
# the host's private address instead and list the balancer in TRUSTED_PROXIES.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: Django's ORM and Tsunagu's code are synchronous (WSGI), every request is a short
# transaction, and PDFs are rendered in memory. One process per request at a time, no threads
# sharing a connection. One worker per core (at least two): a page is CPU work with PostgreSQL a
# loopback round trip away, and more workers than cores only queue on the cores (bench/serve.py on
# 2 cores: the case page at 169 requests/s with 2 workers, 149 with 2 x cores + 1 = 5; p95 with 50
# users 319 ms against 470). PostgreSQL on another host: GUNICORN_WORKERS = 2 x cores.
workers = int(os.environ.get("GUNICORN_WORKERS", str(max(2, multiprocessing.cpu_count()))))
worker_class = "sync"

# A request that takes longer than this is killed and its worker replaced (a PDF of a long case
# history is the slowest page, a few seconds). nginx gives up a little later (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On restart or upgrade, requests in flight get this long to finish.
graceful_timeout = 30
# Between requests from the same client through nginx.
keepalive = 5

# Each worker is replaced after about this many requests (jittered, so they do not all restart at
# once): any slow leak (a library's cache, fragmentation) stays bounded. A new worker's first
# requests are slow (its database connection, templates compiled, caches empty): at 2,000 a busy
# worker was replaced every 20 s, and the case page's p95 with 50 users was 285-312 ms against
# 257-268 at 20,000 (bench/serve.py, 2 cores) — that is every few minutes at full load, every few
# hours at a ward's usual one.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000

# The workers import the application before forking: a broken keyring, setting or import stops
# the service at start, with the reason in the journal, instead of in every worker.
preload_app = True


def pre_fork(server, worker) -> None:
    """What the master imported (Django, the app, about 190,000 objects) is set aside from the
    cyclic garbage collector before each fork: a worker's full collections no longer walk it
    (about 80 ms every few hundred requests, a stall for every request queued behind it), and
    its pages stay shared with the master instead of being copied when the collector touches them."""
    gc.freeze()


# No access log of gunicorn's own: it would write every URL with its query string (what someone
# searched for). Tsunagu logs one JSON line per request with the view's name, the status and the
# request id (config/logging.py). Errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The scheme and client address are decided by Django (BEHIND_PROXY, TRUSTED_PROXIES), not here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "tsunagu"
# Under systemd (RuntimeDirectory=tsunagu in deploy/systemd/tsunagu.service) /run/tsunagu, a tmpfs
# owned by the service user: the workers' heartbeat files (in memory, not on a disk that may stall)
# and gunicorn's control socket (gunicornc), instead of a home directory.
_runtime = os.environ.get("RUNTIME_DIRECTORY", "")
if _runtime:
    worker_tmp_dir = _runtime
if os.environ.get("GUNICORN_CONTROL_SOCKET") or _runtime:
    control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(_runtime, "gunicorn.ctl")
control_socket_mode = 0o600
