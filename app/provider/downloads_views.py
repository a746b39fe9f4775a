"""HTTP for downloads: raw CSV, summary CSV, easy-read PDF. Every download is audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Response, abort, current_app, request, stream_with_context
from flask_babel import force_locale, gettext

from .. import audit, throttle
from ..auth.access import actor
from ..db import db
from ..i18n import available_locales
from ..models import utcnow
from ..reports import exports, told_us
from ..reports.figures import question_figures, start_of_day
from .blueprint import bp
from .common import can_look, can_work, chosen_year, organisation, questionnaires

GROUPS = ("person_supported", "family")


def _language() -> str:
    lang = request.args.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang not in available_locales(current_app):
        abort(400)
    return lang


def _csv(lines: Iterator[str], name: str) -> Response:
    return Response(
        lines, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/download/answers.csv")
@can_work
def raw_csv() -> Response:
    """Every answer of the year, one row each, labels in the chosen language (no names)."""
    org, year, lang = organisation(), chosen_year(), _language()
    who = actor()
    # written at once on its own connection: the record stands even if the download is broken off
    throttle.kept(
        db.session,
        lambda own: audit.record(
            own,
            who,
            "export.raw_csv",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            year=year,
            language=lang,
        ),
    )
    secret = current_app.config["SECRET_KEY"]

    def lines() -> Iterator[str]:
        with force_locale(lang):
            yield from exports.raw_rows(db.session, org.id, year, secret, gettext)

    return _csv(stream_with_context(lines()), f"{org.slug}-answers-{year}.csv")


@bp.get("/download/summary.csv")
@can_look
def summary_csv() -> Response:
    """The dashboard's figures, suppressed exactly as on screen."""
    org, year, lang = organisation(), chosen_year(), _language()
    with force_locale(lang):
        figures = question_figures(
            db.session,
            org.id,
            org.suppression_threshold,
            year,
            questionnaires(),
            as_of=start_of_day(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        )
        body = "".join(exports.summary_rows(figures, gettext))
    audit.record(
        db.session,
        actor(),
        "export.summary_csv",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        year=year,
        language=lang,
    )
    return _csv(iter([body]), f"{org.slug}-summary-{year}.csv")


@bp.get("/download/what-people-told-us.pdf")
@can_look
def report_pdf() -> Response:
    """The easy-read report for people supported (or families, ?group=family)."""
    org, year, lang = organisation(), chosen_year(), _language()
    group = request.args.get("group", "person_supported")
    if group not in GROUPS:
        abort(400)
    with force_locale(lang):
        data = told_us.report_pdf(
            db.session,
            org,
            year,
            questionnaires(),
            Path(current_app.config["ASSETS_DIR"]),
            audience=group,
            as_of=start_of_day(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        )
    audit.record(
        db.session,
        actor(),
        "export.report_pdf",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        year=year,
        group=group,
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{org.slug}-what-people-told-us-{year}.pdf"'},
    )
