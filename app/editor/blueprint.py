"""The ``editor`` blueprint: changing an own questionnaire, its preview. Routes in views*.py."""

from flask import Blueprint

bp = Blueprint("editor", __name__, url_prefix="/editor")
