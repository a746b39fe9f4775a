"""Production serving: `make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`.

Several workers (and several hosts) share one database (EASYVOICE_DATABASE_URL) and one audio
directory (EASYVOICE_AUDIO_DIR). Speech is never made inside workers: `flask build-audio` runs
ahead of time, so no worker holds a speech engine across a fork.
"""

import os

bind = os.environ.get("EASYVOICE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EASYVOICE_WORKERS", "4"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Bounds on what one request may send in its head (bodies are limited by MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
accesslog = "-"
