"""HTTP for changing an own questionnaire question by question (rules in editing.py).

Quality leads and admins of the organisation only; another organisation's questionnaire is a 404.
Every page works without JavaScript; editor.js adds the live easy-read checks and drag to reorder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from ..auth.access import actor
from ..db import db
from ..easyread import own_pictures
from ..easyread.pictures import find_symbols, load_symbol_index
from ..easyread.text import check_easy_read
from ..i18n import available_locales, language_label, offered_locales
from ..models import Organisation, OwnQuestionnaire
from ..provider.common import can_work, me
from ..provider.questionnaires_views import draft_checks
from ..questionnaires import own as own_service
from ..questionnaires.loader import SurveyError
from . import editing
from .blueprint import bp
from .forms import (
    KIND_PARTS,
    KINDS,
    TESTS,
    AboutForm,
    ConfirmForm,
    MoveForm,
    QuestionForm,
    StartForm,
    translations_form,
)

#: the most pictures a search shows
FOUND_PICTURES = 24


def _own(own_id: int) -> OwnQuestionnaire:
    found = own_service.own(db.session, me().organisation_id, own_id)
    if found is None:
        abort(404)
    return found


def _definition(item: OwnQuestionnaire) -> dict[str, Any]:
    try:
        return editing.read(item.source)
    except editing.EditError:
        abort(409)


def _own_question(own_id: int, question_id: str) -> tuple[OwnQuestionnaire, dict[str, Any], dict[str, Any]]:
    """The questionnaire, its draft, and the draft's question with this id (else a 404)."""
    item = _own(own_id)
    definition = _definition(item)
    try:
        _index, question = editing.find(definition, question_id)
    except editing.EditError:
        abort(404)
    return item, definition, question


def _save(item: OwnQuestionnaire, definition: dict[str, Any]) -> SurveyError | None:
    """Keep the changed draft if the loader takes it (audited); else its first mistake."""
    return own_service.save_draft(db.session, actor(), item, editing.write(definition), draft_checks())


def _symbol_index() -> dict[str, Any]:
    return load_symbol_index(Path(current_app.config["ASSETS_DIR"]) / "symbols" / "index.json")


def _picture_choices(find: str | None) -> list[tuple[str, str]]:
    """The pictures a search finds: the organisation's own first (by name or what they show),
    then the symbols by their keywords: (name, what it shows)."""
    if not find or not find.strip():
        return []
    index = _symbol_index()
    found = []
    for word in find.split()[:3]:
        found.extend(s for s in find_symbols(word, index) if s not in found and s.kind == "picture")
    words = [word.casefold() for word in find.split()]
    own = [
        (f"{own_pictures.PREFIX}{picture.name}", picture.alt_text)
        for picture in own_pictures.pictures_of(db.session, me().organisation_id)
        if any(word in picture.name or word in picture.alt_text.casefold() for word in words)
    ]
    return (own + [(symbol.name, symbol.meaning or symbol.label) for symbol in found])[:FOUND_PICTURES]


def _other_languages(item: OwnQuestionnaire) -> list[str]:
    """The languages besides the default the app has (its tablets' offered ones first): a lead
    may write the Welsh before an admin offers Welsh on the tablets."""
    organisation = db.session.get(Organisation, item.organisation_id)
    offered = offered_locales(current_app, organisation.languages if organisation else None)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [code for code in dict.fromkeys([*offered, *available_locales(current_app)]) if code != default]


def _preview_url(item: OwnQuestionnaire) -> str:
    return url_for("editor.preview", own_id=item.id)


# -- the questions -------------------------------------------------------------------------------
@bp.get("/<int:own_id>")
@can_work
def questions(own_id: int) -> str:
    """The questionnaire's questions in order: change, move, remove, add one; preview, publish."""
    item = _own(own_id)
    definition = _definition(item)
    rows = [
        (question, _asked_when(definition, question.get("show_if")), editing.kind_of(question))
        for question in editing.questions(definition)
    ]
    texts = editing.texts_of(definition)
    translations = definition.get("translations") or {}
    languages = [
        (code, language_label(code), sum(1 for text in texts if text not in (translations.get(code) or {})))
        for code in _other_languages(item)
    ]
    return render_template(
        "editor/questions.html",
        item=item,
        rows=rows,
        languages=languages,
        kinds=_kind_names(),
        preview_url=_preview_url(item),
    )


def _kind_names() -> dict[str, str]:
    return {value: str(text) for value, text in KINDS}


def _asked_when(definition: dict[str, Any], condition: Any) -> str | None:
    """A ``show_if`` in words ("Asked only when ..."), or None when always asked."""
    if not isinstance(condition, dict):
        return None
    if "question" not in condition:
        return gettext("Asked only when its condition in the file is met.")
    try:
        _index, earlier = editing.find(definition, str(condition["question"]))
    except editing.EditError:
        return None
    words = dict(editing.choices_of(earlier))
    test = next((name for name in ("equals", "any_of", "none_of") if name in condition), "any_of")
    values = condition[test] if isinstance(condition[test], list) else [condition[test]]
    answers = ", ".join(f"'{gettext(words.get(str(v), str(v)))}'" for v in values)
    if test == "none_of":
        return gettext(
            "Asked only when the answer to '%(question)s' is not %(answers)s.",
            question=earlier.get("text"),
            answers=answers,
        )
    return gettext(
        "Asked only when the answer to '%(question)s' is %(answers)s.",
        question=earlier.get("text"),
        answers=answers,
    )


@bp.post("/<int:own_id>/questions/<question_id>/move")
@can_work
def move_question(own_id: int, question_id: str) -> HTTPResponse | tuple[str, int]:
    """Move a question up, down or to a place (Move up / Move down buttons; drag with script)."""
    item = _own(own_id)
    form = MoveForm()
    if not form.validate():
        abort(400)
    definition = _definition(item)
    try:
        editing.move(definition, question_id, form.to.data)
    except editing.EditError as exc:
        return _refused(item, str(exc))
    error = _save(item, definition)
    if error is not None:
        return _refused(item, error.message)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"moved": question_id})  # type: ignore[return-value]
    return redirect(url_for("editor.questions", own_id=item.id, _anchor=f"question-{question_id}"), code=303)


def _refused(item: OwnQuestionnaire, message: str) -> tuple[str, int]:
    return render_template("editor/refused.html", item=item, message=message), 409


@bp.route("/<int:own_id>/questions/<question_id>/remove", methods=["GET", "POST"])
@can_work
def remove_question(own_id: int, question_id: str) -> str | HTTPResponse | tuple[str, int]:
    """ "Remove this question?" first: answers already given stay with their version."""
    item, definition, question = _own_question(own_id, question_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        if form.confirm.data != "yes":
            return redirect(url_for("editor.questions", own_id=item.id), code=303)
        try:
            editing.remove(definition, question_id)
        except editing.EditError as exc:
            return _refused(item, str(exc))
        error = _save(item, definition)
        if error is not None:
            return _refused(item, error.message)
        flash(gettext("The question is removed from your draft."))
        return redirect(url_for("editor.questions", own_id=item.id), code=303)
    return render_template("editor/remove.html", item=item, question=question, form=form)


# -- one question's form -------------------------------------------------------------------------
@bp.route("/<int:own_id>/questions/new", methods=["GET", "POST"])
@can_work
def new_question(own_id: int) -> str | HTTPResponse | tuple[str, int]:
    """Add a question (after the one named by ``?after=``, else at the end)."""
    item = _own(own_id)
    definition = _definition(item)
    after = request.args.get("after") or None
    if after is not None and after not in {q.get("id") for q in editing.questions(definition)}:
        abort(404)
    return _question(item, definition, None, after)


@bp.route("/<int:own_id>/questions/<question_id>", methods=["GET", "POST"])
@can_work
def edit_question(own_id: int, question_id: str) -> str | HTTPResponse | tuple[str, int]:
    """Change a question: its words, picture, kind, answers, and when it is asked."""
    item, definition, question = _own_question(own_id, question_id)
    return _question(item, definition, question, None)


def _question(
    item: OwnQuestionnaire, definition: dict[str, Any], old: dict[str, Any] | None, after: str | None
) -> str | HTTPResponse | tuple[str, int]:
    before = old.get("id") if old else _next_id(definition, after)
    if request.method == "GET":
        form = QuestionForm(data=_form_data(definition, old, after))
        return _question_page(item, definition, form, old, after, before)
    form = QuestionForm()
    if not form.validate():
        return _question_page(item, definition, form, old, after, before, status=400)
    if form.symbol_pick.data:
        form.symbol.data = form.symbol_pick.data
    if form.action.data == "find":  # "Find pictures": the same form again, with the pictures found
        return _question_page(item, definition, form, old, after, before)
    fields = {name: getattr(form, name).data for name in _FIELDS}
    target = fields["when_question"] or ""
    fields["when_values"] = [
        value.split("=", 1)[1] for value in form.when_values.data if value.startswith(f"{target}=")
    ]
    try:
        question, problems = editing.build_question(fields, [row.data for row in form.options], old)
        if problems:
            return _question_page(item, definition, form, old, after, before, problems=problems, status=422)
        taken = {
            q.get("id") for q in editing.questions(definition) if not old or q.get("id") != old.get("id")
        }
        question["id"] = old["id"] if old else editing.new_id(question["text"], taken)
        question = {"id": question.pop("id"), **question}
        editing.put_question(definition, question, replacing=old.get("id") if old else None, after=after)
    except editing.EditError as exc:
        return _question_page(item, definition, form, old, after, before, message=str(exc), status=422)
    error = _save(item, definition)
    if error is not None:
        return _question_page(
            item, definition, form, old, after, before, message=error.message, hint=error.hint, status=422
        )
    flash(gettext("Your question is kept in the draft. Publish when the draft is ready."))
    return redirect(
        url_for("editor.questions", own_id=item.id, _anchor=f"question-{question['id']}"), code=303
    )


_FIELDS = (
    "text",
    "help",
    "kind",
    "symbol",
    "sections",
    "safeguarding",
    "does_not_apply",
    "escapes",
    "min",
    "max",
    "when_question",
    "when_test",
)


def _next_id(definition: dict[str, Any], after: str | None) -> str | None:
    """The question a new one goes before (its 'ask only when' may look only above it)."""
    items = editing.questions(definition)
    if after is None:
        return None
    ids = [q.get("id") for q in items]
    index = ids.index(after) + 1
    return str(ids[index]) if index < len(ids) else None


def _form_data(definition: dict[str, Any], old: dict[str, Any] | None, after: str | None) -> dict[str, Any]:
    """The form's values for a question (a new one: faces, and the sections of the one above)."""
    items = editing.questions(definition)
    if old is None:
        near = next((q for q in items if q.get("id") == after), items[-1] if items else {})
        return {
            "kind": "faces",
            "sections": list(near.get("sections") or []),
            "escapes": ["dont_know", "dont_want_to_say"],
        }
    kind = editing.kind_of(old)
    condition = old.get("show_if")
    when_question, when_test, when_values = "", "any_of", []
    if isinstance(condition, dict):
        if "question" in condition:
            when_question = str(condition["question"])
            test = next((name for name in ("equals", "any_of", "none_of") if name in condition), "any_of")
            when_test = "none_of" if test == "none_of" else "any_of"
            values = condition[test] if isinstance(condition[test], list) else [condition[test]]
            when_values = [f"{when_question}={value}" for value in values]
        else:
            when_question = "keep"
    options = [
        {
            "text": o.get("text"),
            "symbol": o.get("symbol"),
            "help": o.get("help"),
            "exclusive": bool(o.get("exclusive")),
            "other": bool(o.get("other")),
        }
        for o in old.get("options") or []
    ][: editing.OPTION_ROWS]
    return {
        "text": old.get("text"),
        "help": old.get("help"),
        "kind": kind,
        "symbol": old.get("symbol"),
        "sections": list(old.get("sections") or []),
        "safeguarding": bool(old.get("safeguarding")),
        "does_not_apply": bool(old.get("does_not_apply")),
        "escapes": [e for e in old.get("escapes") or ["dont_know", "dont_want_to_say"] if e != "skip"],
        "min": old.get("min"),
        "max": old.get("max"),
        "options": options + [{}] * (editing.OPTION_ROWS - len(options)),
        "when_question": when_question,
        "when_test": when_test,
        "when_values": when_values,
    }


def _question_page(
    item: OwnQuestionnaire,
    definition: dict[str, Any],
    form: QuestionForm,
    old: dict[str, Any] | None,
    after: str | None,
    before: str | None,
    *,
    problems: editing.TextProblems | None = None,
    message: str | None = None,
    hint: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    registry = current_app.extensions["easyvoice.surveys"]
    sections = sorted(
        (f"{framework.id}:{section.id}", f"{framework.title}: {section.title}")
        for framework in registry.frameworks.values()
        for section in framework.sections
    )
    page = render_template(
        "editor/question.html",
        item=item,
        form=form,
        old=old,
        after=after,
        sections=sections,
        earlier=editing.earlier_choices(definition, before),
        found=_picture_choices(form.find.data),
        problems=problems.by_field if problems else {},
        message=message,
        hint=hint,
        kinds=KINDS,
        kind_parts=KIND_PARTS,
        tests=TESTS,
        kept_condition=isinstance((old or {}).get("show_if"), dict) and "question" not in old["show_if"],
    )
    return page, status


# -- the title and the consent page -------------------------------------------------------------
@bp.route("/<int:own_id>/about", methods=["GET", "POST"])
@can_work
def about(own_id: int) -> str | HTTPResponse | tuple[str, int]:
    """The title, and the consent page's own lines: what the questions are for, who sees the
    answers. (Every consent page also says the person need not answer, and what happens if they
    tell us someone hurts them: those lines are not the questionnaire's to change.)"""
    item = _own(own_id)
    definition = _definition(item)
    if request.method == "GET":
        rows = {
            key: [dict(line) for line in definition.get(key) or []][: editing.LINE_ROWS]
            for key in ("introduction", "consent")
        }
        data = {
            "title": definition.get("title"),
            **{key: lines + [{}] * (editing.LINE_ROWS - len(lines)) for key, lines in rows.items()},
        }
        return render_template("editor/about.html", item=item, form=AboutForm(data=data), problems={})
    form = AboutForm()
    if not form.validate():
        return render_template("editor/about.html", item=item, form=form, problems={}), 400
    problems = editing.set_about(
        definition,
        form.title.data,
        [row.data for row in form.introduction],
        [row.data for row in form.consent],
    )
    if problems:
        return render_template("editor/about.html", item=item, form=form, problems=problems.by_field), 422
    error = _save(item, definition)
    if error is not None:
        return (
            render_template(
                "editor/about.html", item=item, form=form, problems={}, message=error.message, hint=error.hint
            ),
            422,
        )
    flash(gettext("The title and the first page are kept in your draft."))
    return redirect(url_for("editor.questions", own_id=item.id), code=303)


# -- the questionnaire in other languages --------------------------------------------------------
@bp.route("/<int:own_id>/languages/<locale>", methods=["GET", "POST"])
@can_work
def languages(own_id: int, locale: str) -> str | HTTPResponse | tuple[str, int]:
    """Each text of the questionnaire with a box for its words in ``locale`` (one the
    organisation offers), and which still have none: people are offered the questionnaire in
    that language only when every text has words."""
    item = _own(own_id)
    offered = _other_languages(item)
    if locale not in offered:
        abort(404)
    definition = _definition(item)
    texts = editing.texts_of(definition)
    given = (definition.get("translations") or {}).get(locale) or {}
    form_class = translations_form(texts)
    if request.method == "GET":
        form = form_class(data={f"text-{n}": given.get(text, "") for n, text in enumerate(texts)})
        return _languages_page(item, locale, offered, texts, form)
    form = form_class()
    if not form.validate():
        return _languages_page(item, locale, offered, texts, form), 400
    words = {text: str(form[f"text-{n}"].data or "") for n, text in enumerate(texts)}
    editing.set_translations(definition, locale, words)
    error = _save(item, definition)
    if error is not None:
        return _languages_page(item, locale, offered, texts, form, error), 422
    flash(gettext("The %(language)s words are kept in your draft.", language=language_label(locale)))
    return redirect(url_for("editor.languages", own_id=item.id, locale=locale), code=303)


def _languages_page(
    item: OwnQuestionnaire,
    locale: str,
    offered: list[str],
    texts: list[str],
    form: Any,
    error: SurveyError | None = None,
) -> str:
    rows = [(text, form[f"text-{n}"]) for n, text in enumerate(texts)]
    return render_template(
        "editor/languages.html",
        item=item,
        locale=locale,
        language=language_label(locale),
        offered=[(code, language_label(code)) for code in offered],
        rows=rows,
        missing=sum(1 for _text, field in rows if not (field.data or "").strip()),
        form=form,
        message=error.message if error else None,
        hint=error.hint if error else None,
    )


# -- starting, and the live checks --------------------------------------------------------------
@bp.post("/start")
@can_work
def start() -> HTTPResponse | tuple[str, int]:
    """An empty questionnaire with a title and 1 question to change, then its questions page."""
    form = StartForm()
    if not form.validate():
        flash(gettext("Write a title for the new questionnaire, then press Start."))
        return redirect(url_for("provider.questionnaires_page", _anchor="start"), code=303)
    try:
        made = own_service.start_empty(
            db.session,
            actor(),
            me().organisation_id,
            current_app.extensions["easyvoice.surveys"],
            form.title.data,
            form.audience.data,
            draft_checks(),
        )
    except own_service.OwnError:
        abort(400)
    return redirect(url_for("editor.questions", own_id=made.id), code=303)


@bp.post("/check")
@can_work
def check() -> HTTPResponse:
    """The easy-read checks of one text, for the live checks beside each text box (JSON)."""
    data = request.get_json(silent=True) if request.is_json else request.form
    text = str((data or {}).get("text") or "")[:2000]
    problems = [problem.message for problem in check_easy_read(text)] if text.strip() else []
    return jsonify({"problems": problems})
