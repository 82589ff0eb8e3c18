"""Gunicorn settings for serving AICMO: `gunicorn config.wsgi` (this file is read from the working directory).

Static files are served by the application itself (whitenoise), so gunicorn behind any TLS proxy is
the whole deployment. Every value here can be overridden on the command line or in GUNICORN_CMD_ARGS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Requests that wait on the database or a webhook must not hold a worker forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# The proxy's address(es) whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application logs every request once, in JSON with its request id (kernel.logs): no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the application once in the master, so a broken configuration stops the start, not each worker.
preload_app = True
