"""What every visits view needs: who may open what, and finding a visit without revealing it."""

from __future__ import annotations

from flask import abort, current_app

from ..auth.access import current_user, roles_required
from ..db import db
from ..models import Role, User, Visit
from ..questionnaires import Questionnaire
from ..questionnaires.own import catalogue
from ..questionnaires.schema import Framework
from . import planning

#: plan, open, hand over, observe, verify and sign: the Experts by Experience (and admins)
run_visits = roles_required(Role.EXPERT, Role.ADMIN)
#: reports and photos: everyone signed in at the organisation
read_visits = roles_required(*Role)
#: the provider's statements: quality leads (and admins)
edit_statements = roles_required(Role.QUALITY_LEAD, Role.ADMIN)


def me() -> User:
    user = current_user()
    if user is None:  # the role decorators run first; this is only for the type checker
        abort(403)
    return user


def the_visit(visit_id: int) -> Visit:
    """The visit, if it is the user's organisation's; a 404 otherwise (never "it exists")."""
    visit = planning.visit_for(db.session, me(), visit_id)
    if visit is None:
        abort(404)
    return visit


def visit_to_run(visit_id: int) -> Visit:
    """The visit, if this user is one of its experts (or an admin)."""
    visit = the_visit(visit_id)
    if not planning.can_run(me(), visit):
        abort(403)
    return visit


def surveys() -> dict[str, Questionnaire]:
    """The questionnaires of the user's organisation (a visit is always its own organisation's)."""
    return catalogue(db.session, current_app.extensions["easyvoice.surveys"], me().organisation_id)


def framework() -> Framework:
    return current_app.extensions["easyvoice.surveys"].frameworks["duq"]
