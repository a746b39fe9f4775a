"""The ``public`` blueprint: published self-assessments and challenges (no sign-in). Its routes are in
the views modules beside it.
"""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/published")
