"""The ``visits`` blueprint: Experts by Experience's visits (login). Its routes are in the views
modules beside it.
"""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")
