"""The ``provider`` blueprint: the dashboard, downloads, the self-assessment, challenges and alerts.
Its routes are in the views modules beside it.
"""

from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/provider")
