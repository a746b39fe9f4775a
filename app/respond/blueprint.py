"""The ``respond`` blueprint: the respondent journey (no login). Its routes are in the views modules
beside it.
"""

from flask import Blueprint

bp = Blueprint("respond", __name__)
