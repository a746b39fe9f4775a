"""The ``auth`` blueprint: sign in, sign out, roles. Its routes are in the views modules beside it."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
