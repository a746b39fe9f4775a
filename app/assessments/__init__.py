"""Self-assessments: the workflow (``workflow``), which answers may be quoted (``quotes``), and the
checks and frozen snapshot of publication (``publication``). Plain services: no request, no views."""
