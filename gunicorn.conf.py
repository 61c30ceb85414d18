"""Production server settings: `gunicorn` (run from the repository root) reads this file."""

import os

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
preload_app = True
accesslog = "-"
# Never log query strings: a sign-in link's token must not reach a log file.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def post_fork(server, worker):
    # Connections opened in the parent must not be shared by the forked workers.
    worker.app.wsgi().extensions["db"].dispose(close=False)
