"""HTTP for the public pages: a published self-assessment (standard and easy read), its PDF, and
the challenge form. Only published self-assessments exist here; drafts are a 404. Every page and
the PDF draw on the vetted snapshot (app/assessments/publication.py: public_snapshot), never on
live answers: a quote that fails the quote rules now is held back."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HTTPResponse
from wtforms import StringField, TextAreaField

from .. import throttle
from ..assessments import challenges, publication
from ..db import db
from ..models import CHALLENGER_RELATIONSHIPS, Organisation, SelfAssessment, utcnow
from ..questionnaires.own import catalogue
from ..reports import told_us
from .blueprint import bp

CHALLENGES_PER_WINDOW, WINDOW_SECONDS = 5, 600
PDFS_PER_WINDOW = 30  # per address per 10 minutes: plenty to read, too few to keep a worker busy


class ChallengeForm(FlaskForm):
    """Lengths and the relationship are checked in the view, so each gets its own clear message."""

    what = TextAreaField()
    relation = StringField()
    contact = StringField()


def _published(org_slug: str, assessment_id: int) -> SelfAssessment:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug)) or abort(404)
    item = db.session.get(SelfAssessment, assessment_id)
    if item is None or item.organisation_id != org.id or not item.frozen:
        abort(404)
    return item


@bp.get("/<org_slug>/")
def index(org_slug: str) -> str:
    """An organisation's published self-assessments (no sign-in)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug)) or abort(404)
    items = db.session.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.organisation_id == org.id, SelfAssessment.status == "published")
        .order_by(SelfAssessment.published_at.desc())
    ).all()
    return render_template("public/index.html", org=org, items=items)


@bp.get("/<org_slug>/<int:assessment_id>")
def assessment(org_slug: str, assessment_id: int) -> str:
    """A published self-assessment, from its frozen snapshot, with its challenges."""
    item = _published(org_slug, assessment_id)
    return render_template(
        "public/assessment.html",
        item=item,
        snap=publication.public_snapshot(db.session, item),
        now=utcnow(),
        withheld=publication.withheld_challenges(db.session, item),
        section_title=_section_title,
    )


@bp.get("/<org_slug>/<int:assessment_id>/easy-read")
def easy_read(org_slug: str, assessment_id: int) -> str:
    """The easy-read page of a published self-assessment, from its frozen snapshot (no sign-in)."""
    item = _published(org_slug, assessment_id)
    return render_template(
        "public/easy_read.html",
        item=item,
        snap=publication.public_snapshot(db.session, item),
        now=utcnow(),
        withheld=publication.withheld_challenges(db.session, item),
        section_easy=_section_easy,
    )


@bp.get("/<org_slug>/<int:assessment_id>/report.pdf")
def report_pdf(org_slug: str, assessment_id: int) -> Response:
    """The published easy-read PDF: made once per content, at most PDFS_PER_WINDOW per address."""
    key = f"public_pdf:ip:{request.remote_addr}"
    if not throttle.kept(db.session, lambda own: throttle.allow(own, key, PDFS_PER_WINDOW, WINDOW_SECONDS)):
        abort(429)
    item = _published(org_slug, assessment_id)
    forms = catalogue(db.session, current_app.extensions["easyvoice.surveys"], item.organisation_id)
    data = told_us.published_pdf(
        item.organisation,
        item.period,
        publication.public_snapshot(db.session, item),
        forms,
        Path(current_app.config["ASSETS_DIR"]),
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{org_slug}-{item.period}.pdf"'},
    )


@bp.route("/<org_slug>/<int:assessment_id>/challenge", methods=["GET", "POST"])
def challenge(org_slug: str, assessment_id: int) -> str | HTTPResponse | tuple[str, int]:
    """The public "Challenge this" form for a published self-assessment."""
    item = _published(org_slug, assessment_id)
    form = ChallengeForm()
    if request.method == "GET":
        return render_template(
            "public/challenge.html", item=item, form=form, problem=None, relations=CHALLENGER_RELATIONSHIPS
        )
    key = f"challenge:ip:{request.remote_addr}"
    # counted on its own connection: the count stays although this request may be refused
    if not throttle.kept(
        db.session, lambda own: throttle.allow(own, key, CHALLENGES_PER_WINDOW, WINDOW_SECONDS)
    ):
        abort(429)
    if not form.validate():
        abort(400)
    try:
        sent = challenges.check_sent(form.what.data, form.contact.data, form.relation.data)
    except ValueError:
        abort(400)
    if sent.problem:
        form.what.data = sent.what[: challenges.MAX_CHALLENGE]
        return render_template(
            "public/challenge.html",
            item=item,
            form=form,
            problem=sent.problem,
            relations=CHALLENGER_RELATIONSHIPS,
        ), sent.status
    challenges.add_challenge(db.session, item, sent.what, form.relation.data, sent.contact or None)
    return redirect(url_for("public.challenge_sent", org_slug=org_slug, assessment_id=item.id))


@bp.get("/<org_slug>/<int:assessment_id>/challenge/sent")
def challenge_sent(org_slug: str, assessment_id: int) -> str:
    """Tells the person their challenge was received and when it will be answered."""
    item = _published(org_slug, assessment_id)
    return render_template("public/challenge_sent.html", item=item)


def _section(ref: str):  # type: ignore[no-untyped-def]
    framework_id, _, section_id = ref.partition(":")
    framework = current_app.extensions["easyvoice.surveys"].frameworks.get(framework_id)
    return next((s for s in framework.sections if s.id == section_id), None) if framework else None


def _section_title(ref: str) -> str:
    found = _section(ref)
    return found.title if found else ref


def _section_easy(ref: str) -> tuple[str, str]:
    found = _section(ref)
    if found is None:
        return ref, "information"
    return found.easy_read or found.title, found.symbol or "information"
