"""HTTP for previewing a draft exactly as a respondent sees it, in every look.

The draft is drawn through the one question macro, as the respondent's question page draws a
published questionnaire. Nothing is kept: an answer sent from a preview page only leads on to the
next question. The look (text size, high contrast, pictures) is chosen for this page only, from
the address, and never changes anyone's settings.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from ..db import db
from ..provider.common import can_work, me
from ..provider.questionnaires_views import draft_checks
from ..questionnaires import Questionnaire
from ..questionnaires import own as own_service
from ..questionnaires.conditions import Condition
from ..questionnaires.loader import SurveyFileError
from ..respond import journey
from ..respond.forms import SETTINGS_CHOICES, AnswerForm, new_submission_id
from ..respond.views import PREFS_DEFAULT
from .blueprint import bp

#: the parts of the look a preview may show, each with the values a respondent can choose
LOOK = ("text", "contrast", "pictures")


def _look() -> dict[str, str]:
    """The look asked for in the address (anything else: the default look)."""
    chosen = {}
    for name in LOOK:
        value = request.args.get(name)
        if value in {v for v, _phrase in SETTINGS_CHOICES[name]}:
            chosen[name] = value
    return chosen


def _draft(own_id: int) -> tuple[Any, Questionnaire | None, Any]:
    """The organisation's own questionnaire, its draft as a respondent would get it (None when
    the draft has a mistake) and that mistake."""
    item = own_service.own(db.session, me().organisation_id, own_id)
    if item is None:
        abort(404)
    try:
        return item, own_service.check_draft(item, item.source, draft_checks()), None
    except SurveyFileError as exc:
        return item, None, exc.error


@bp.get("/<int:own_id>/preview")
@can_work
def preview(own_id: int) -> HTTPResponse:
    """The preview starts at the draft's first question."""
    _draft(own_id)
    return redirect(url_for("editor.preview_question", own_id=own_id, number=1, **_look()))


@bp.route("/<int:own_id>/preview/<int:number>", methods=["GET", "POST"])
@can_work
def preview_question(own_id: int, number: int) -> str | HTTPResponse | tuple[str, int]:
    """One question of the draft as a respondent sees it, in the chosen look; an answer sent
    here is not kept, the next question follows."""
    item, questionnaire, error = _draft(own_id)
    if questionnaire is None:
        return render_template("editor/preview_refused.html", item=item, error=error), 409
    questions = questionnaire.questions
    if not 1 <= number <= len(questions):
        abort(404)
    question = questions[number - 1]
    look = _look()
    form = AnswerForm()
    problem = False
    if request.method == "POST":
        if not form.validate() or request.form.get("question") != question.id:
            abort(400)
        try:
            journey.parse_given(question, form.action.data or None, form.answer.data or [], form.text.data)
        except journey.NumberNotFit:
            problem = True
        except journey.JourneyError:
            abort(400)
        if not problem:
            if number == len(questions):
                flash(gettext("That was the last question. Nothing you chose was kept."))
                return redirect(url_for("editor.questions", own_id=own_id), code=303)
            return redirect(
                url_for("editor.preview_question", own_id=own_id, number=number + 1, **look), code=303
            )
    g.prefs = {**PREFS_DEFAULT, **look}  # this page's look only: nobody's settings change
    form.submission_id.data = new_submission_id()
    back = (
        url_for("editor.preview_question", own_id=own_id, number=number - 1, **look)
        if number > 1
        else url_for("editor.questions", own_id=own_id)
    )
    page = render_template(
        "editor/preview.html",
        item=item,
        form=form,
        question=question,
        number=number,
        total=len(questions),
        back_url=back,
        stop_url=url_for("editor.questions", own_id=own_id),
        next_url=(
            url_for("editor.preview_question", own_id=own_id, number=number + 1, **look)
            if number < len(questions)
            else None
        ),
        asked_when=_asked_when(questionnaire, question.show_if),
        asked_any=question.show_if is not None and question.show_if.test == "any",
        look=look,
        choices={name: [v for v, _phrase in SETTINGS_CHOICES[name]] for name in LOOK},
        problem=problem,
    )
    return (page, 422) if problem else page


def _asked_when(questionnaire: Questionnaire, condition: Condition | None) -> list[str]:
    """A question's ``show_if`` in words, one line a test ([] when it is always asked)."""
    if condition is None:
        return []
    if condition.parts:
        return [line for part in condition.parts for line in _asked_when(questionnaire, part)]
    earlier = questionnaire.question(condition.question)
    texts = {option.value: option.text for option in earlier.choices} if earlier is not None else {}
    answers = ", ".join(f"'{texts.get(value, value)}'" for value in condition.values)
    asked = f"'{earlier.text if earlier is not None else condition.question}'"
    if condition.test == "none_of":
        return [gettext("The answer to %(question)s is not %(answers)s.", question=asked, answers=answers)]
    return [gettext("The answer to %(question)s is %(answers)s.", question=asked, answers=answers)]
