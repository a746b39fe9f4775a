"""HTTP for the dashboard: the overview, one questionnaire's figures, one framework section's."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, render_template
from flask_babel import format_date, gettext

from ..assessments import challenges as challenge_service
from ..db import db
from ..i18n import N_, language_label, locale_name, offered_locales
from ..models import Answer, utcnow
from ..reports.figures import (
    APART_ANSWERS,
    HOW_LABELS,
    NOT_ANSWERS,
    TEXT,
    by_duq_section,
    by_questionnaire,
    changes,
    participation,
    question_figures,
    stands_out,
    start_of_day,
    version_ids,
    written_answers,
    year_bounds,
)
from ..reports.suppression import difference, percent
from ..safeguarding import open_alerts
from ..safeguarding.alerts import open_count
from .blueprint import bp
from .common import (
    can_look,
    chosen_year,
    frameworks,
    may_work,
    me,
    organisation,
    questionnaires,
    section_title,
)

FREE_TEXT_SHOWN = 50


def _as_of() -> datetime:
    """Figures count answers up to the start of today, local time (see start_of_day)."""
    return start_of_day(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _common(year: int) -> dict[str, object]:
    return {
        "year": year,
        "percent": percent,
        "difference": difference,
        "as_of_day": format_date(_as_of(), "d MMMM yyyy"),
        "how_label": lambda how: gettext(HOW_LABELS[how]),
        "language_label": language_label,
        "not_answers": NOT_ANSWERS,
        "apart_answers": APART_ANSWERS,
        "TEXT": TEXT,
        "may_work": may_work(me()),
        "org": organisation(),
    }


@bp.get("/")
@can_look
def index() -> str:
    """The overview: alerts and overdue challenges first, then who took part, then the figures."""
    org, year, user = organisation(), chosen_year(), me()
    forms = questionnaires()
    grid, names = participation(
        db.session, org.id, org.suppression_threshold, year, list(forms), as_of=_as_of()
    )
    working = may_work(user)
    challenges = challenge_service.challenges_for(db.session, org.id) if working else []
    groups: dict[str, list] = {}
    for questionnaire in forms.values():
        groups.setdefault(questionnaire.audience, []).append(questionnaire)
    return render_template(
        "provider/index.html",
        participation=grid,
        service_names=names,
        forms=forms,
        groups=groups,
        frameworks=frameworks(),
        alerts=open_alerts(db.session, org.id) if working else [],
        challenges=[c for c in challenges if c.answered_at is None],
        now=utcnow(),
        pdf_languages=[(code, locale_name(code)) for code in offered_locales(current_app, org.languages)[1:]],
        **_common(year),
    )


@bp.get("/questionnaire/<slug>")
@can_look
def questionnaire(slug: str) -> str:
    """One questionnaire's figures for the year, small groups hidden."""
    forms = questionnaires()
    if slug not in forms:
        abort(404)
    org, year = organisation(), chosen_year()
    figures = question_figures(
        db.session, org.id, org.suppression_threshold, year, {slug: forms[slug]}, as_of=_as_of()
    )
    texts = (
        _free_texts(org.id, slug, year, [f.question.id for f in figures if f.question.takes_words])
        if may_work(me())
        else {}
    )
    folds = [
        (ref, section_title(ref) if ref else N_("Other questions"), items)
        for ref, items in by_duq_section(figures)
    ]
    return render_template(
        "provider/figures.html",
        title=forms[slug].title,
        figures=figures,
        folds=folds,
        texts=texts,
        **_summary(org.id, figures),
        **_common(year),
    )


def _summary(organisation_id: int, figures: list) -> dict[str, object]:
    """ "What stands out": from shown figures only, and open alerts for those who may see them."""
    return {
        "stands_out": stands_out(figures),
        "changes": changes(figures),
        "open_alerts": open_count(db.session, organisation_id) if may_work(me()) else None,
    }


@bp.get("/section/<ref>")
@can_look
def section(ref: str) -> str:
    """One Driving Up Quality section's figures from every questionnaire, small groups hidden."""
    framework_id, _, section_id = ref.partition(":")
    framework = frameworks().get(framework_id)
    found = next((s for s in framework.sections if s.id == section_id), None) if framework else None
    if found is None:
        abort(404)
    org, year = organisation(), chosen_year()
    figures = question_figures(
        db.session, org.id, org.suppression_threshold, year, questionnaires(), section=ref, as_of=_as_of()
    )
    forms = questionnaires()
    folds = [(slug, forms[slug].title, items) for slug, items in by_questionnaire(figures)]
    return render_template(
        "provider/figures.html",
        title=found.title,
        section=found,
        framework=framework,
        figures=figures,
        folds=folds,
        texts={},
        **_summary(org.id, figures),
        **_common(year),
    )


def _free_texts(organisation_id: int, slug: str, year: int, keys: list[str]) -> dict[str, list[Answer]]:
    """Written answers, newest first, for those allowed to read them (never for viewers)."""
    if not keys:
        return {}
    start, end = year_bounds(year)
    versions = version_ids(db.session, [slug])
    query = written_answers(organisation_id, keys, versions, start, end)
    rows = db.session.scalars(query.limit(FREE_TEXT_SHOWN * len(keys)))
    out: dict[str, list[Answer]] = {}
    for answer in rows:
        out.setdefault(answer.question_key, []).append(answer)
    return out
