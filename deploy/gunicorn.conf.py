"""gunicorn settings of a Salesite web node (deploy/supervisor/salesite.conf passes --bind).

Workers: WEB_CONCURRENCY processes (default one per core, at least 2), each answering
GUNICORN_THREADS requests at once (default 2, gthread; 1: sync workers). On the 2-core bench
machine, PostgreSQL on the same machine, 4 sync workers spent 15.9 ms of CPU per "my work"
and 2 workers 13.8 ms (four processes and PostgreSQL's took turns on two cores); the second
thread keeps a node answering while a long export or report holds the other (README,
Benchmarks). A request may take up to GUNICORN_TIMEOUT seconds (exports, reports); on SIGTERM a
worker finishes the requests it has for up to 30 s, so a node stopped by the supervisor loses
no request that it had accepted.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a slow leak cannot grow for ever); jitter: not all at once.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-* are read by Django (TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket: the supervisor manages the nodes, and two nodes on one machine would share
# its default path ($HOME/.gunicorn/gunicorn.ctl).
control_socket_disable = True
