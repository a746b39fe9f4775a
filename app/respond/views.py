"""HTTP for the respondent journey: read the request, call journey.py, render."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from sqlalchemy import select
from werkzeug.wrappers import Response as HTTPResponse

from .. import safeguarding, security
from ..audit import Actor
from ..auth.access import current_user
from ..db import db
from ..easyread import own_pictures
from ..i18n import offered_locales, speaks
from ..models import AnswerKind, OwnPicture, Response, Service, Tablet
from ..questionnaires import Questionnaire
from ..questionnaires.own import catalogue
from . import enrolment, journey, offline, page_cache
from .blueprint import bp
from .forms import (
    SETTINGS_CHOICES,
    SETTINGS_STEPS,
    AnswerForm,
    ConsentForm,
    PeopleForm,
    SettingsForm,
    ToldForm,
    new_submission_id,
)
from .short import FULL, SHORT, short_version

PREFS_DEFAULT = {
    "text": "normal",
    "pictures": "on",
    "contrast": "off",
    "read_aloud": "on",
    "autoplay": "off",
    "who": "self",
}
CLOSING_STEPS = ("helped", "room", "anything_else")
#: where "go on" leads after the last closing question's answer worried us: finish
FINISH = "finish"
TOLD_KEY = "ev_told"  # the response whose "what happens next" page was shown (once each)
THANKS_TOLD_KEY = "ev_thanks_told"  # thank you repeats the promise: "told" or "urgent"
SEEN_KEY = "ev_seen"  # when this person's last request came (seconds): a quiet tablet asks
ASKED_KEY = "ev_asked"  # when "Are you still there?" was first shown for this quiet spell
#: what the tablet forgets when the person is done (thank you, start again, walked away)
PERSON_KEYS = (
    "ev_response",
    "ev_questionnaire",
    "ev_prefs",
    "ev_start_id",
    "ev_length",
    "ev_break",
    TOLD_KEY,
    SEEN_KEY,
    ASKED_KEY,
)
QUIET_ANSWERS = ("still_here", "start_again")  # the two cards of "Are you still there?"
SEEN_EVERY = 15  # seconds: how often the time of the last request is written into the session
LENGTH_KEY = "ev_length"  # the questionnaire chosen in full, or its short version
BREAK_KEY = "ev_break"  # "Have a break": the step the person was on (the response stays open)
#: each settings screen: its title (a phrase name) and symbol; value symbols as "step:value"
SETTING_TITLES = {
    "who": "who_answers",
    "text": "text_size",
    "pictures": "pictures",
    "contrast": "contrast",
    "read_aloud": "read_aloud",
    "autoplay": "autoplay",
    "locale": "language",
}
SETTING_SYMBOLS = {
    "who": "people",
    "text": "text_size",
    "pictures": "picture",
    "contrast": "contrast",
    "read_aloud": "speaker",
    "autoplay": "autoplay",
    "locale": "language",
    "who:self": "person",
    "who:family": "family",
    "who:staff": "staff",
    "who:other": "someone_else",
    **{f"{name}:on": "yes" for name in ("pictures", "contrast", "read_aloud", "autoplay")},
    **{f"{name}:off": "no" for name in ("pictures", "contrast", "read_aloud", "autoplay")},
}


# -- helpers --------------------------------------------------------------------------------------
def prefs() -> dict[str, str]:
    found = g.get("prefs")
    if found is None:
        found = g.prefs = {**PREFS_DEFAULT, **session.get("ev_prefs", {})}
    return found


def _session() -> Any:
    """This request's session itself, not through Flask's proxy: a question page reads it many
    times, and each reading through the proxy costs a microsecond or more (issue 15)."""
    return session._get_current_object()  # type: ignore[attr-defined]


def questionnaires() -> dict[str, Questionnaire]:
    """What this session's service's organisation can use: the shipped ones and its own published."""
    if "questionnaires" not in g:
        service = current_service()
        g.questionnaires = catalogue(
            db.session,
            current_app.extensions["easyvoice.surveys"],
            service.organisation_id if service is not None else None,
        )
    return g.questionnaires


def current_service() -> Service | None:
    """The service of this session (a start link, an expert's handover), else the tablet's.

    A tablet without either cannot start a questionnaire: nothing lists the services.
    """
    service_id = session.get("ev_service")
    if service_id:
        return db.session.get(Service, service_id)
    tablet = enrolled_tablet()
    return tablet.service if tablet is not None else None


def enrolled_tablet() -> Tablet | None:
    """The enrolment in this tablet's signed cookie, if it is still in use."""
    if "tablet" not in g:
        g.tablet = enrolment.enrolled(
            db.session, current_app.secret_key, request.cookies.get(enrolment.COOKIE)
        )
    return g.tablet


def visit_context() -> dict[str, Any]:
    """Set by app/visits while an expert has handed the tablet over: the visit, "ask together"."""
    return session.get("ev_visit") or {}


def respondent_questionnaires() -> list[Questionnaire]:
    """The questionnaires a respondent may start in their language (an expert's own checklists
    are left out, and any that has not all its words in this language)."""
    locale = str(get_locale())
    return [q for q in questionnaires().values() if q.audience != "expert" and speaks(q, locale)]


def current_response(*, answering_quiet: bool = False) -> Response:
    """The open response of this tablet's session, or back to the start (shared tablets).

    After a quiet spell the page asked for is not shown: "Are you still there?" is, and when
    nobody answers that in time the response is closed as stopped and the tablet starts fresh.
    ``answering_quiet``: this request is a tap on one of that page's two cards.
    """
    response, g.questionnaire = _opened(journey.open_response, db.session)
    _mind_quiet(response.id, answering_quiet)
    return response


def response_seen() -> journey.Opened:
    """:func:`current_response` for a page that only shows: the response with every answer
    given so far, read in one query of plain columns."""
    opened, g.questionnaire = _opened(journey.open_response_seen, db.engine)
    _mind_quiet(opened.id, False)
    return opened


def _opened(open_with: Any, source: Any) -> Any:
    """``open_with(source, token)`` for this session's response, or back to the start."""
    token = session.get("ev_response")
    found = open_with(source, token) if token else None
    if found is None:
        session.pop("ev_response", None)
        abort(redirect(url_for("respond.start")))
    return found


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _mind_quiet(response_id: int, answering_quiet: bool) -> None:
    config, now, kept = current_app.config, time.time(), _session()
    quiet = config["VISIT_QUIET_MINUTES"] if kept.get("ev_visit") else config["QUIET_MINUTES"]
    seen = _seconds(kept.get(SEEN_KEY))
    state = journey.quiet_state(
        now,
        seen,
        _seconds(kept.get(ASKED_KEY)),
        quiet_seconds=float(quiet) * 60,
        answer_seconds=float(config["QUIET_ANSWER_MINUTES"]) * 60,
    )
    if state == journey.GONE:  # walked away: keep what was given, show nothing of it again
        response = db.session.get(Response, response_id)
        if response is not None:
            journey.finish(response, stopped=True)
        _forget_person()
        abort(redirect(url_for("respond.start")))
    if state == journey.ASKING and answering_quiet:
        return
    if state in (journey.ASK, journey.ASKING):
        # Whatever was sent (a tap on a card, a text) may be the next person's: it is not stored.
        if state == journey.ASK:
            kept[ASKED_KEY] = now
        abort(_still_there_page(float(config["QUIET_ANSWER_MINUTES"]) * 60))
    if seen is None or now - seen >= SEEN_EVERY:  # not every page: the cookie stays as it was
        kept[SEEN_KEY] = now


def _came_from() -> str:
    """The step of the page asked for, so "Yes, I am still here" leads back to it."""
    args = request.view_args or {}
    if request.endpoint == "respond.question":
        return str(args.get("number", ""))
    if request.endpoint == "respond.closing":
        return str(args.get("step", ""))
    return request.args.get("from") or request.args.get("then") or ""


def _still_there_page(answer_seconds: float) -> HTTPResponse:
    came_from = _came_from()
    came_from = came_from if _is_step(came_from) else ""
    form = ConsentForm()
    form.submission_id.data = new_submission_id()
    page = make_response(render_template("respond/still_there.html", form=form, came_from=came_from))
    # Nobody taps: the page asks again just after the time is up, and that closes the response.
    # (The Refresh header rather than <meta http-equiv="refresh">: the page itself is the warning
    # that WCAG 2.2.1 asks for, with a simple way to have more time.)
    page.headers["Refresh"] = (
        f"{int(answer_seconds) + 2}; url={url_for('respond.stop', **{'from': came_from})}"
    )
    return page


def _forget_person() -> None:
    """The person is done (or gone): the tablet keeps its service, and nothing of theirs."""
    for key in (*PERSON_KEYS, THANKS_TOLD_KEY, "ev_thanks_prefs"):
        session.pop(key, None)


def _new_person_url() -> str:
    """Where a new person starts: the visit's questionnaire on a handover, else the start page."""
    slug = visit_context().get("slug")
    return url_for("respond.begin", slug=slug) if slug else url_for("respond.start")


def fail_bad_input(error: journey.JourneyError) -> None:
    current_app.logger.info("Refused an answer: %s", error)
    abort(400)


def inject_prefs() -> dict[str, Any]:
    """For every page (create_app): the person's settings, the audio and symbol links, and
    whether this language has no voice set (the page then says so; the browser's voice tries)."""
    return {
        "prefs": prefs(),
        "audio_for": audio_for,
        "symbol_url": symbol_url,
        "symbol_alt": symbol_alt,
        "no_voice": str(get_locale()) not in current_app.config["VOICES"],
    }


def audio_for(text: str, locale: str | None = None) -> str | None:
    """The URL of a text's built audio, or None (the page then uses the browser's speech).

    ``locale``: a text in another language than the page's (a language's own name)."""
    if locale is None:
        if "locale" not in g:
            g.locale = str(get_locale())
        locale = g.locale
    name = current_app.extensions["easyvoice.audio"].lookup(locale, text)
    # A speaker button per text makes this hot: join the path rather than call url_for each time.
    return f"{request.script_root}/audio/{name}" if name else None


def symbol_url(name: str) -> str:
    if name.startswith(own_pictures.PREFIX):
        return _own_picture_url(own_pictures.picture_name(name))
    variant = "black" if prefs()["contrast"] == "on" else "svg"
    return f"{request.script_root}/symbols/{variant}/{name}.svg"


def symbol_alt(name: str) -> str:
    """A picture's alt text: an own picture's (what it shows); "" for a symbol, which is always
    beside the words it stands for."""
    if not name.startswith(own_pictures.PREFIX):
        return ""
    found = _own_pictures().get(own_pictures.picture_name(name))
    return found.alt_text if found is not None else ""


def _viewer_organisation_id() -> int | None:
    """Whose own pictures this page may show: the session's service's organisation (a tablet),
    else the signed-in member of staff's."""
    if session.get("ev_service") or request.cookies.get(enrolment.COOKIE):
        service = current_service()
        if service is not None:
            return service.organisation_id
    user = current_user()
    return user.organisation_id if user is not None else None


def _own_pictures() -> dict[str, OwnPicture]:
    if "own_pictures" not in g:
        organisation_id = _viewer_organisation_id()
        found = own_pictures.pictures_of(db.session, organisation_id) if organisation_id else []
        g.own_pictures = {picture.name: picture for picture in found}
    return g.own_pictures


def _own_picture_url(name: str) -> str:
    picture = _own_pictures().get(name)
    if picture is None:  # removed, or another organisation's: the missing-picture symbol
        return f"{request.script_root}/symbols/svg/question.svg"
    variant = "contrast" if prefs()["contrast"] == "on" else "plain"
    return url_for(
        "respond.own_picture",
        organisation_id=picture.organisation_id,
        variant=variant,
        name=picture.name,
        digest=picture.digest,
    )


# -- start, settings, consent -------------------------------------------------------------------
@bp.get("/")
def start() -> str | HTTPResponse:
    """Choose a questionnaire at this tablet's service; with no service, how to get one.

    No list of services is ever shown here: a start link, or a tablet enrolled by staff, says
    which service this is. A person back from a break (on this tablet, within the quiet time)
    is offered "Go on where you were" first.
    """
    service = current_service()
    if service is None:
        return render_template("respond/ask_for_link.html")
    if not _language_asked():
        return redirect(url_for("respond.language"))
    offers = []
    for questionnaire in respondent_questionnaires():
        short = short_version(questionnaire, current_app.config["SURVEYS_DIR"])
        if short is not None:
            offers.append((questionnaire, SHORT, _count(short)))
        offers.append((questionnaire, FULL if short is not None else None, _count(questionnaire)))
    return render_template("respond/start.html", service=service, offers=offers, go_on_url=_break_url())


def offered() -> list[str]:
    """The languages this session's service offers (its organisation's choice), default first."""
    if "offered" not in g:
        service = current_service()
        g.offered = offered_locales(current_app, service.organisation.languages if service else None)
    return g.offered


def _language_asked() -> bool:
    """True once this person chose a language, or when there is only 1 to choose."""
    return len(offered()) < 2 or "locale" in session.get("ev_prefs", {})


@bp.before_request
def language_from_address() -> None:
    """``?lang=cy`` on any respondent page switches the language (for this person, from now on).

    A language that is not offered is left alone: the page shows in the language already chosen.
    """
    if not request.query_string:  # most pages have no query: it is not even parsed
        return
    asked = request.args.get("lang")
    if not asked or len(asked) > 16:
        return
    wanted = asked.replace("-", "_")
    codes = {code.lower(): code for code in offered()}
    code = codes.get(wanted.lower()) or codes.get(wanted.split("_")[0].lower())
    if code is not None:
        session["ev_prefs"] = {**PREFS_DEFAULT, **session.get("ev_prefs", {}), "locale": code}
        g.pop("prefs", None)


@bp.route("/language", methods=["GET", "POST"])
def language() -> str | HTTPResponse:
    """ "Choose your language": each one's name in its own words and its own voice, no flags.

    The first page a tablet shows when more than 1 language is offered; Settings change it later.
    """
    locales = offered()
    form = SettingsForm()
    if request.method == "POST":
        if not form.validate() or form.locale.data not in locales:
            abort(400)
        session["ev_prefs"] = {**PREFS_DEFAULT, **session.get("ev_prefs", {}), "locale": form.locale.data}
        return redirect(url_for("respond.start"), code=303)
    return render_template(
        "respond/language.html",
        form=form,
        locales=locales,
        current=str(get_locale()) if _language_asked() else None,
    )


def _count(questionnaire: Questionnaire) -> int:
    """The questions a person is asked: the questionnaire's, and the closing ones after them."""
    return len(questionnaire.questions) + len(CLOSING_STEPS)


@bp.get("/at/<code>")
def at_service(code: str) -> HTTPResponse:
    """A tablet's start link: remember which service this session is at.

    Codes are unguessable (models.new_start_code) and shown only to the organisation's staff.
    A break at this same service is kept: the start page offers to go on (issue 10, item 5).
    """
    service = db.session.scalar(select(Service).where(Service.code == code)) if len(code) <= 64 else None
    if service is None:
        abort(404)
    kept = {}
    if session.get(BREAK_KEY) and session.get("ev_service") == service.id:
        kept = {key: session[key] for key in (*PERSON_KEYS, BREAK_KEY) if key in session}
    session.clear()
    session.update(kept)
    session["ev_service"] = service.id
    g.pop("offered", None)
    language_from_address()  # a start link may name the language: /at/<code>?lang=cy
    return redirect(url_for("respond.start"))


@bp.get("/begin/<slug>")
def begin(slug: str) -> HTTPResponse:
    """Start a questionnaire on this tablet: the settings question comes first."""
    if slug not in questionnaires() or current_service() is None:
        abort(404)
    if questionnaires()[slug].audience == "expert":
        abort(404)
    length = request.args.get("length", FULL)
    if length not in (SHORT, FULL):
        abort(404)
    if length == SHORT and short_version(questionnaires()[slug], current_app.config["SURVEYS_DIR"]) is None:
        abort(404)
    _end_break()
    for key in ("ev_response", TOLD_KEY, THANKS_TOLD_KEY, SEEN_KEY, ASKED_KEY):
        session.pop(key, None)
    session["ev_questionnaire"] = slug
    session[LENGTH_KEY] = length
    return redirect(url_for("respond.settings"))


def _chosen_questionnaire(slug: str) -> Questionnaire:
    """The questionnaire this person chose: the full one, or its short version."""
    full = questionnaires()[slug]
    if session.get(LENGTH_KEY) == SHORT:
        return short_version(full, current_app.config["SURVEYS_DIR"]) or full
    return full


# -- settings: defaults, one "change it?" screen, then one setting per screen (issue 10, item 6) --
def _setting_steps() -> list[str]:
    steps = list(SETTINGS_CHOICES)
    return ["locale", *steps] if len(offered()) > 1 else steps


def _settings_then() -> str:
    """``then``: a step of this tablet's open response (a question number, a closing step), else ""."""
    then = request.args.get("then", "")
    token = session.get("ev_response")
    if not then or len(then) > 16 or not isinstance(token, str):
        return ""
    found = journey.open_response(db.session, token)
    if found is None:
        return ""
    g.questionnaire = found[1]
    return then if _is_step(then) else ""


def _after_settings(then: str) -> str:
    """Back to the question the person came from, else on to consent."""
    return _continue_url(then) if then else url_for("respond.consent")


def _settings_url(step: str | None, then: str) -> str:
    extra = {"then": then} if then else {}
    if step is None:
        return url_for("respond.settings", **extra)
    return url_for("respond.setting", step=step, **extra)


def _keep_settings(form: SettingsForm, names: list[str]) -> None:
    """Store the settings sent (each checked); the others keep their value."""
    locales = offered()
    chosen = dict(session.get("ev_prefs") or {})
    for name in names:
        value = getattr(form, name).data
        if not value:
            continue
        if name == "locale" and value not in locales:
            abort(400)
        chosen[name] = value
    chosen.setdefault("locale", str(get_locale()))
    session["ev_prefs"] = {**PREFS_DEFAULT, **chosen}


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | HTTPResponse:
    """ "Do you want to change how it looks or sounds?": No, start / Yes, change it.

    ``?then=<step>``: opened from a question page; the settings lead back there afterwards.
    """
    then = _settings_then()
    form = SettingsForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        if form.action.data == "yes":
            return redirect(_settings_url(_setting_steps()[0], then))
        if form.action.data not in ("", None, "no"):
            abort(400)
        # "No, start" keeps the defaults (or the settings already chosen); the form may also
        # carry settings to keep, all at once.
        _keep_settings(form, list(SETTINGS_STEPS))
        return redirect(_after_settings(then))
    return render_template("respond/settings.html", form=form, then=then, back_url=_settings_back(then))


def _settings_back(then: str) -> str:
    """Back from the first settings screen: the question, else the start of this person's journey.

    During a handover the start page is the expert's side ("Give the tablet back"): Back leads
    to the start of the handed-over questionnaire instead, a respondent page.
    """
    if then:
        return _continue_url(then)
    slug = visit_context().get("slug")
    if slug:
        return url_for("respond.begin", slug=slug)
    return url_for("respond.start")


@bp.route("/settings/<step>", methods=["GET", "POST"])
def setting(step: str) -> str | HTTPResponse:
    """One setting per screen, with Back and Next."""
    steps = _setting_steps()
    if step not in steps:
        abort(404)
    then = _settings_then()
    index = steps.index(step)
    form = SettingsForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        _keep_settings(form, [step])
        if index + 1 < len(steps):
            return redirect(_settings_url(steps[index + 1], then))
        return redirect(_after_settings(then))
    current = str(get_locale()) if step == "locale" else prefs()[step]
    if step == "locale":
        choices = [(value, None, None) for value in offered()]
    else:
        choices = [
            (value, phrase, SETTING_SYMBOLS.get(f"{step}:{value}"))
            for value, phrase in SETTINGS_CHOICES[step]
        ]
    return render_template(
        "respond/setting_step.html",
        form=form,
        step=step,
        title=SETTING_TITLES[step],
        title_symbol=SETTING_SYMBOLS[step],
        choices=choices,
        current=current,
        number=index + 1,
        total=len(steps),
        back_url=_settings_url(steps[index - 1] if index else None, then),
    )


@bp.route("/consent", methods=["GET", "POST"])
def consent() -> str | HTTPResponse:
    """The easy-read consent page: yes starts the questions, no stores nothing."""
    slug, service = session.get("ev_questionnaire"), current_service()
    if slug not in questionnaires() or service is None:
        return redirect(url_for("respond.start"))
    form = ConsentForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        # Back from question 1 leads here: this person has a response already. "Yes" goes on with
        # it (a second "yes" must never start a second response); "No" stops it, keeping what was
        # given, as Stop does.
        token = session.get("ev_response")
        found = journey.open_response(db.session, token) if token else None
        if form.action.data == "no":
            if found is not None:
                journey.finish(found[0], stopped=True)
                session.pop("ev_response", None)
            return redirect(url_for("respond.no_thanks"))
        if form.action.data != "yes":
            abort(400)
        if found is not None:
            return redirect(url_for("respond.question", number=1))
        # Only the id this session was given may start (or find) a response: an id sent from
        # elsewhere must never attach this tablet to somebody else's answers.
        if form.submission_id.data != session.get("ev_start_id"):
            abort(400)
        try:
            response = journey.start_response(
                db.session,
                questionnaire=_chosen_questionnaire(slug),
                service=service,
                client_id=form.submission_id.data,
                answered_by=prefs()["who"],
                language=str(get_locale()),
                visit_id=visit_context().get("id"),
                asked_by_expert=bool(visit_context()),
            )
        except journey.JourneyError as error:
            fail_bad_input(error)
        session["ev_response"] = response.token
        session.pop(ASKED_KEY, None)
        session[SEEN_KEY] = time.time()
        return redirect(url_for("respond.question", number=1))
    form.submission_id.data = session["ev_start_id"] = new_submission_id()
    return render_template("respond/consent.html", form=form, questionnaire=_chosen_questionnaire(slug))


@bp.get("/no-thanks")
def no_thanks() -> str:
    """The person said no: nothing was stored, and they are thanked."""
    session.pop("ev_questionnaire", None)
    return render_template("respond/no_thanks.html")


# -- one question per page -----------------------------------------------------------------------
@bp.route("/q/<int:number>", methods=["GET", "POST"])
def question(number: int) -> str | HTTPResponse | tuple[str, int]:
    """One question per page: show it with its cards, store the answer when sent."""
    seen = None
    response: Response | journey.Opened
    method = request.method
    if method == "GET":  # showing only: the response and its answers in one read
        response = response_seen()
        seen = response.answers
    else:
        response = current_response()
    questionnaire = g.questionnaire
    questions = questionnaire.questions
    if not 1 <= number <= len(questions):
        abort(404)
    item = questions[number - 1]
    if seen is not None:
        chosen = journey.chosen_in(seen)
    else:
        chosen = journey.chosen_options(db.session, response, questionnaire)
    if not item.shown(chosen):  # its show_if is not met: it is not asked (stored as such)
        return redirect(_step_url(journey.next_shown(questionnaire, number, chosen)))
    then = _step_name(journey.next_shown(questionnaire, number + 1, chosen))
    if method == "POST":
        form = AnswerForm()
        if not form.validate():
            abort(400)
        if request.form.get("question") != item.id:
            abort(400)  # the page was changed on its way here
        action = form.action.data or None
        supported = bool(visit_context().get("together"))
        try:
            given = journey.parse_given(item, action, form.answer.data or [], form.text.data)
            stored = journey.answer_to(db.session, response, item.id)
            sent_empty = action in (None, "answer") and given.kind == AnswerKind.SKIPPED
            if journey.keeps(stored, given, sent_empty=sent_empty, supported=supported):
                return redirect(_continue_url(then))  # Back, then Next: the answer stays as it was
            journey.record_answer(
                db.session,
                response,
                item.id,
                given,
                form.submission_id.data,
                supported=supported,
                language=str(get_locale()),
            )
            journey.settle_not_asked(db.session, response, questionnaire, form.submission_id.data)
            chosen = journey.chosen_options(db.session, response, questionnaire)
            then = _step_name(journey.next_shown(questionnaire, number + 1, chosen))
            alert = safeguarding.check_answer(db.session, response, item, item.id, given)
        except journey.NumberNotFit:
            return _question_page(response, item, number, then, chosen, form, problem=True), 422
        except journey.JourneyError as error:
            fail_bad_input(error)
        if alert is not None and _first_told(response):
            return redirect(url_for("respond.told_us", then=then))
        return redirect(_continue_url(then))
    return _question_page(response, item, number, then, chosen, None, seen=seen)


def _question_page(
    response: Response | journey.Opened,
    item: Any,
    number: int,
    then: str,
    chosen: dict[str, frozenset[str]],
    form: AnswerForm | None,
    *,
    problem: bool = False,
    seen: dict[str, journey.Seen] | None = None,
) -> str:
    """The question page; ``form``: the form as sent (None: a GET); ``problem``: the number typed
    did not fit (it stays in the box); ``seen``: the answers already read with the response (else
    this question's is read here).

    On a GET with no message to show and no tablet wipe due (both are read once, by drawing the
    page), the page is kept and filled in (page_cache.py): it is the same for everyone in this
    state, so a kept page needs no form, no template and no second query."""
    answer = seen.get(item.id) if seen is not None else journey.answer_to(db.session, response, item.id)
    text = form.text.data if form is not None else None
    if not problem and answer is not None and answer.kind in (AnswerKind.TEXT, AnswerKind.NUMBER):
        text = answer.text
    if answer is not None and answer.kind == AnswerKind.OPTION and answer.text:  # "Say what" words
        text = answer.text
    submission_id = new_submission_id()
    back = journey.previous_shown(g.questionnaire, number, chosen)

    def draw(csrf_token: str | None, submission: str, words: str | None) -> str:
        page_form = form if form is not None else AnswerForm()
        csrf = getattr(page_form, "csrf_token", None)
        if csrf is not None and csrf_token is not None:
            csrf.current_token = csrf_token
        page_form.submission_id.data, page_form.text.data = submission, words
        drawn = render_template(
            "respond/question.html",
            form=page_form,
            question=item,
            number=number,
            total=_progress_total(),
            answer=answer,
            # The first question's Back leads to "Before we start", the page just before it.
            back_url=_back_url(back),
            next_url=_continue_url(then) if answer is not None else None,
            settings_url=url_for("respond.settings", then=str(number)),
            problem=problem,
        )
        return page_cache.without_indentation(drawn)

    app = current_app._get_current_object()  # type: ignore[attr-defined]  (read often: see _session)
    pages = app.extensions["easyvoice.pages"]
    if form is not None or problem or not pages.max_bytes or _drawn_once_only():
        return draw(None, submission_id, text)
    audio = app.extensions["easyvoice.audio"]
    build = audio.generation()  # the page is kept under this build, so it is drawn from it

    def kept() -> str | None:
        drawn = draw(page_cache.SLOT_CSRF, page_cache.SLOT_SUBMISSION, page_cache.SLOT_TEXT if text else text)
        return drawn if audio.generation() == build else None  # the audio was rebuilt meanwhile

    key = _page_key(response, item, number, back, then, answer, bool(text), build)
    page = pages.page(key, kept)
    if page is None:
        return draw(None, submission_id, text)
    token = security.csrf_token() if app.config["WTF_CSRF_ENABLED"] else ""
    return page_cache.fill(page, token, submission_id, text)


def _drawn_once_only() -> bool:
    """A page that shows something once: a flashed message, or the tablet's wipe (see
    offline_views.wipe_tablet)."""
    kept = _session()
    return "_flashes" in kept or offline.WIPE_KEY in kept


def _page_key(
    response: Response | journey.Opened,
    item: Any,
    number: int,
    back: int | None,
    then: str,
    answer: Any,
    typed: bool,
    audio_build: float | None,
) -> tuple:
    """Everything a question page is drawn from but the three slots (page_cache.py): the exact
    version and question, its place, the steps its Back and Next lead to (its links are made
    from those, the number and the address the site is served under, only when it is drawn),
    the language, the look (all the person's settings), the answer given (its kind and chosen
    values; the typed words are a slot), the build of the audio (Listen files), and the
    organisation's own pictures where the page shows one."""
    given = None
    if answer is not None:
        given = (answer.kind.value, tuple(sorted(answer.values)), typed)
    pictures: tuple = ()
    if _shows_own_picture(item):
        pictures = tuple(
            sorted((p.organisation_id, p.name, p.digest, p.alt_text) for p in _own_pictures().values())
        )
    return (
        response.version_id,
        item.id,
        number,
        back,
        then,
        str(get_locale()),
        tuple(sorted(prefs().items())),
        given,
        typed,
        audio_build,
        pictures,
        request.script_root,
    )


def _shows_own_picture(item: Any) -> bool:
    return any(name and name.startswith(own_pictures.PREFIX) for name in item.symbols)


def _step_name(number: int | None) -> str:
    """A question number as a step ("3"), or the first closing step when none is left."""
    return str(number) if number is not None else CLOSING_STEPS[0]


def _step_url(number: int | None) -> str:
    """The page of a question asked next, or the first closing question when none is left."""
    return _continue_url(_step_name(number))


def _back_url(number: int | None) -> str:
    """Back from a page: the last question asked before it, else "Before we start"."""
    return url_for("respond.question", number=number) if number else url_for("respond.consent")


def _progress_total() -> int:
    """The questions a respondent sees: the questionnaire's, then the 3 closing ones."""
    return len(g.questionnaire.questions) + journey.CLOSING_QUESTIONS


@bp.route("/end/<step>", methods=["GET", "POST"])
def closing(step: str) -> str | HTTPResponse:
    """The closing questions: who helped, who else was in the room, anything else."""
    if step not in CLOSING_STEPS:
        abort(404)
    response = current_response()
    index = CLOSING_STEPS.index(step)
    form = AnswerForm() if step == "anything_else" else PeopleForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            alert = _store_closing(response, step, form)
        except journey.JourneyError as error:
            fail_bad_input(error)
        if index + 1 < len(CLOSING_STEPS):
            return redirect(url_for("respond.closing", step=CLOSING_STEPS[index + 1]))
        if alert is not None and _first_told(response):
            return redirect(url_for("respond.told_us", then=FINISH))
        journey.finish(response)
        return _thank_you(response)
    form.submission_id.data = new_submission_id()
    last_asked = journey.previous_shown(
        g.questionnaire,
        len(g.questionnaire.questions) + 1,
        journey.chosen_options(db.session, response, g.questionnaire),
    )
    back = url_for("respond.closing", step=CLOSING_STEPS[index - 1]) if index else _back_url(last_asked)
    existing = journey.answers_by_question(db.session, response).get(journey.ANYTHING_ELSE)
    if step == "anything_else" and existing is not None:
        form.text.data = existing.text
    chosen = (response.helped_by if step == "helped" else response.others_present) or ""
    return render_template(
        f"respond/{step}.html",
        form=form,
        back_url=back,
        step=step,
        chosen=set(filter(None, chosen.split(","))),
        asked=(response.helped_by if step == "helped" else response.others_present) is not None,
        number=len(g.questionnaire.questions) + index + 1,
        total=_progress_total(),
        settings_url=url_for("respond.settings", then=step),
    )


def _store_closing(response: Response, step: str, form: Any) -> Any:
    """Store a closing answer; returns the response's alert when "anything else" worried us."""
    if step == "anything_else":
        given = journey.closing_words(form.text.data, int(current_app.config["MAX_FREE_TEXT"]))
        supported = bool(visit_context().get("together"))
        stored = journey.answers_by_question(db.session, response).get(journey.ANYTHING_ELSE)
        if journey.keeps(stored, given, sent_empty=False, supported=supported):
            return None  # Back, then Next: the words stay as they were
        journey.record_answer(
            db.session,
            response,
            journey.ANYTHING_ELSE,
            given,
            form.submission_id.data,
            supported=bool(visit_context().get("together")),
            language=str(get_locale()),
        )
        return safeguarding.check_answer(db.session, response, None, journey.ANYTHING_ELSE, given)
    people = [] if form.action.data == "nobody" else list(form.people.data or [])
    if step == "helped":
        journey.record_context(response, helped_by=people)
    else:
        journey.record_context(response, in_room=people)
    return None


@bp.route("/stop", methods=["GET", "POST"])
def stop() -> str | HTTPResponse:
    """Stop now: keep what was given, close the response.

    The two cards of "Are you still there?" come here too: "Yes, I am still here" goes back to
    the page the person was on; "No, start again" closes the response for a new person.
    """
    action = request.form.get("action") if request.method == "POST" else None
    response = current_response(answering_quiet=action in QUIET_ANSWERS)
    form = ConsentForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        if form.action.data == "still_here":
            session.pop(ASKED_KEY, None)
            session[SEEN_KEY] = time.time()
            return redirect(_continue_url(request.args.get("from", "")))
        if form.action.data == "break" and not visit_context():
            # Have a break: the response stays open; this tablet's start page offers to go on.
            session[BREAK_KEY] = _came_from_step(request.args.get("from", ""))
            session[SEEN_KEY] = time.time()
            session.pop(ASKED_KEY, None)
            return redirect(url_for("respond.start"))
        journey.finish(response, stopped=True)
        if form.action.data == "start_again":
            _forget_person()
            return redirect(_new_person_url())
        return _thank_you(response)
    form.submission_id.data = new_submission_id()
    return render_template(
        "respond/stop.html",
        form=form,
        continue_url=_continue_url(request.args.get("from", "")),
        can_break=not visit_context(),
    )


def _came_from_step(value: str) -> str:
    """The step a break was taken on (a question number or closing step), else question 1."""
    return value if _is_step(value) else "1"


# -- a break: back on the same tablet within the quiet time (issue 10, item 5) --------------------
def _break_url() -> str | None:
    """ "Go on where you were", when this tablet holds a break still within the quiet time.

    After the quiet time the break is over as a walk-away is today: the response is closed as
    stopped, and nothing of it is shown.
    """
    step, token = session.get(BREAK_KEY), session.get("ev_response")
    if not step or not isinstance(token, str):
        return None
    found = journey.open_response(db.session, token)
    if found is None:
        _forget_person()
        return None
    response, g.questionnaire = found
    state = journey.quiet_state(
        time.time(),
        _seconds(session.get(SEEN_KEY)),
        None,
        quiet_seconds=float(current_app.config["QUIET_MINUTES"]) * 60,
        answer_seconds=float(current_app.config["QUIET_ANSWER_MINUTES"]) * 60,
    )
    if state != journey.AWAKE:
        journey.finish(response, stopped=True)
        _forget_person()
        return None
    return url_for("respond.go_on")


def _end_break() -> None:
    """A new start on this tablet: a break still open is over (kept as stopped)."""
    token = session.get("ev_response")
    if session.pop(BREAK_KEY, None) and isinstance(token, str):
        found = journey.open_response(db.session, token)
        if found is not None:
            journey.finish(found[0], stopped=True)


@bp.get("/go-on")
def go_on() -> HTTPResponse:
    """Back from a break: to the page the person was on."""
    if _break_url() is None:
        return redirect(url_for("respond.start"))
    step = session.pop(BREAK_KEY)
    session[SEEN_KEY] = time.time()
    return redirect(_continue_url(step))


def _question_number(value: str) -> int | None:
    """A question number of this questionnaire given as text ("3"), else None."""
    if len(value) <= 4 and value.isascii() and value.isdigit():
        number = int(value)
        if 1 <= number <= len(g.questionnaire.questions):
            return number
    return None


def _continue_url(came_from: str) -> str:
    """Where "No, go on" leads: back to the question or closing page the person came from."""
    number = _question_number(came_from)
    if number is not None:
        return url_for("respond.question", number=number)
    step = came_from if came_from in CLOSING_STEPS else "helped"
    return url_for("respond.closing", step=step)


def _thank_you(response: Response) -> HTTPResponse:
    """Forget this person's response: the next person on the tablet cannot see it.

    Their settings are kept for the thank-you page only, so it looks as the rest did; so is
    whether something they said worried us (not what it was), so that page repeats the promise.
    """
    session["ev_thanks_prefs"] = session.get("ev_prefs", {})
    alert = safeguarding.alert_for_response(db.session, response.id)
    if alert is not None:
        session[THANKS_TOLD_KEY] = "urgent" if alert.urgent else "told"
    for key in PERSON_KEYS:
        session.pop(key, None)
    return redirect(url_for("respond.thank_you"))


@bp.get("/thank-you")
def thank_you() -> str:
    """Thank you: the response is finished and the tablet forgets it."""
    g.prefs = {**PREFS_DEFAULT, **session.pop("ev_thanks_prefs", {})}
    refresh()  # in their language too
    return render_template("respond/thank_you.html", told=session.pop(THANKS_TOLD_KEY, None))


# -- after an answer that worries us: what happens next ------------------------------------------
def _first_told(response: Response) -> bool:
    """True the first time for a response: its "what happens next" page is shown once."""
    if session.get(TOLD_KEY) == response.id:
        return False
    session[TOLD_KEY] = response.id
    return True


def _go_on_url(then: str) -> str | None:
    """Where "go on" leads (None: to the end, which finishes the response)."""
    return None if then == FINISH else _continue_url(then)


def _alert_of(response: Response) -> Any:
    alert = safeguarding.alert_for_response(db.session, response.id)
    if alert is None:  # nothing this person said worried us: there is nothing to tell
        abort(404)
    return alert


@bp.route("/told-us", methods=["GET", "POST"])
def told_us() -> str | HTTPResponse:
    """What you told us worries us: who we tell, what happens next; talk now, or go on."""
    response = current_response()
    alert = _alert_of(response)
    form = ToldForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        then = form.then.data or ""
        if form.action.data == "talk":
            safeguarding.mark_urgent(db.session, alert, Actor())
            return redirect(url_for("respond.talk_now", then=then))
        if form.action.data == "stop":
            journey.finish(response, stopped=True)
            return _thank_you(response)
        if form.action.data != "go_on":
            abort(400)
        go_on = _go_on_url(then)
        if go_on is None:
            journey.finish(response)
            return _thank_you(response)
        return redirect(go_on)
    return _told_page("respond/told_us.html", form)


@bp.get("/told-us/talk")
def talk_now() -> str:
    """Someone will come to talk to you: who to show the tablet to; then go on, or stop."""
    _alert_of(current_response())
    return _told_page("respond/talk_now.html", ToldForm(), on_visit=bool(visit_context()))


def _told_page(template: str, form: ToldForm, **context: Any) -> str:
    then = request.args.get("then", "")
    then = FINISH if then == FINISH else then if _is_step(then) else CLOSING_STEPS[0]
    form.submission_id.data = new_submission_id()
    return render_template(template, form=form, then=then, at_end=then == FINISH, **context)


def _is_step(value: str) -> bool:
    return _question_number(value) is not None or value in CLOSING_STEPS


# -- pictures and sound --------------------------------------------------------------------------
@bp.get("/symbols/<any(svg, black):variant>/<name>.svg")
def symbol(variant: str, name: str) -> HTTPResponse:
    """A picture symbol (SVG), plain or black-and-white, with long-lived cache headers."""
    from ..easyread.pictures import load_symbol_index

    root = Path(current_app.config["ASSETS_DIR"]) / "symbols"
    entry = load_symbol_index(root / "index.json").get(name)
    if entry is None:
        abort(404)
    return send_file(root / variant / entry.file, mimetype="image/svg+xml", max_age=86400 * 7)


@bp.get("/own-pictures/<int:organisation_id>/<any(plain, contrast):variant>/<name>/<digest>.png")
def own_picture(organisation_id: int, variant: str, name: str, digest: str) -> HTTPResponse:
    """An organisation's own picture: only for its own tablets and staff (anyone else: 404)."""
    picture = _own_pictures().get(name)
    if picture is None or picture.organisation_id != organisation_id or picture.digest != digest:
        abort(404)
    path = own_pictures.file_of(current_app.config["PHOTO_DIR"], picture, variant)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=31536000, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.get("/audio/<name>")
def audio(name: str) -> HTTPResponse:
    """A built audio file (read-aloud), served with immutable cache headers."""
    path = current_app.extensions["easyvoice.audio"].path(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="audio/ogg", max_age=31536000, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
