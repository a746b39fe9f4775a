"""The ``admin`` blueprint: users, organisations, services and the audit trail (admins only). Its
routes are in the views modules beside it.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
