"""HTTP for a tablet without wifi (issue 14): the service worker, the journey's page that runs
from the tablet's store, the store itself (a visit's package) and the outbox's way in.

The package's pages are drawn by the journey's own templates (the one question macro), one set
per language, so the person sees offline exactly what they see online.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import current_app, g, jsonify, render_template, request, send_file, session, url_for
from flask_babel import force_locale, gettext
from werkzeug.wrappers import Response as HTTPResponse

from ..audit import Actor, record
from ..db import db
from ..easyread.phrases import Phrases
from ..i18n import offered_locales, page_dir, page_lang, speaks
from ..models import Visit
from ..questionnaires import Questionnaire
from ..questionnaires.own import catalogue
from ..security import csrf
from . import journey, offline
from .blueprint import bp
from .forms import SETTINGS_CHOICES, AnswerForm, ConsentForm, PeopleForm, SettingsForm, ToldForm
from .views import CLOSING_STEPS, PREFS_DEFAULT, SETTING_SYMBOLS, SETTING_TITLES

_MAIN = re.compile(r'<main id="main">(.*)</main>', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_FILES = re.compile(r'(?:src|data-audio)="([^"]+)"')
#: the store's name on the tablet (Cache Storage); the service worker and offline.js use it too
CACHE_NAME = "easyvoice-ready"


def wipe_tablet() -> bool:
    """For every page (create_app): True once after a sign-out or "Stop using this tablet here"
    (offline.WIPE_KEY); the page then tells offline.js to wipe the tablet's store (answers not
    sent yet stay in its outbox until they are)."""
    return bool(session.pop(offline.WIPE_KEY, False)) if offline.WIPE_KEY in session else False


@bp.get("/sw.js")
def service_worker() -> HTTPResponse:
    """The service worker, from the site's root so that it may serve the journey's page offline."""
    response = send_file(Path(current_app.static_folder or "") / "js" / "sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_journey() -> str:
    """The journey's page on a ready tablet: offline.js draws each step from the tablet's store."""
    return render_template("respond/offline.html", cache_name=CACHE_NAME)


@bp.post("/offline/send")
@csrf.exempt  # the ready key in the body is the proof: a page elsewhere cannot know it
def offline_send() -> tuple[HTTPResponse, int]:
    """One item of a tablet's outbox. 200: stored (or stored before), the tablet forgets it;
    409: not yet (its response has not arrived), sent again later; 410: the ready key is too old,
    kept on the tablet until the "Get ready" page gives it a new one; 422: never storable."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(result="refused"), 422
    try:
        ready = offline.read_key(current_app.secret_key or "", body.get("key"))
    except offline.KeyTooOld:
        return jsonify(result="key_too_old"), 410  # kept on the tablet until it has a new key
    except offline.ItemRefused as error:
        current_app.logger.warning("Refused an offline item: %s", error)
        return jsonify(result="refused"), 422
    try:
        result = offline.store(
            db.session, ready, body.get("item"), max_free_text=int(current_app.config["MAX_FREE_TEXT"])
        )
    except offline.ItemRefused as error:
        current_app.logger.warning("Refused an offline item: %s", error)
        return jsonify(result="refused"), 422
    except offline.NotYet:
        return jsonify(result="not_yet"), 409
    except journey.JourneyError as error:
        current_app.logger.warning("Refused an offline answer: %s", error)
        return jsonify(result="refused"), 422
    if result in offline.CHANGES:  # the visit changed while the tablet was offline: kept, and said
        record(
            db.session,
            Actor(),
            offline.CHANGES[result],
            organisation_id=ready.organisation_id,
            object_type="visit",
            object_id=ready.visit_id,
        )
    return jsonify(result=result), 200


def visit_package(visit: Visit) -> dict[str, Any]:
    """Everything a tablet needs for ``visit`` without wifi: every page of each questionnaire in
    each offered language (drawn by the journey's templates), the pictures and audio they use, and
    the key its outbox sends with. Served by app/visits/ready_views.py to the visit's expert."""
    found = catalogue(db.session, current_app.extensions["easyvoice.surveys"], visit.organisation_id)
    locales = offered_locales(current_app, visit.organisation.languages)
    package: dict[str, Any] = {
        "visit": visit.id,
        "key": offline.make_key(current_app.secret_key or "", visit),
        "questionnaires": {},
        "languages": {},
    }
    files: set[str] = set()
    for slug in visit.questionnaires:
        questionnaire = found.get(slug)
        if questionnaire is None or questionnaire.audience == "expert":
            continue
        # The exact version is stored now: an answer sent later points at what was asked.
        journey.version_for(db.session, questionnaire, visit.organisation_id)
        spoken = [code for code in locales if speaks(questionnaire, code)]
        if not spoken:  # no language has all its words: it is not offered (as online)
            continue
        pages = {code: _pages(questionnaire, code, spoken) for code in spoken}
        for steps in pages.values():
            for step in steps.values():
                files.update(_files(step["html"]))
        package["questionnaires"][slug] = {
            "version": questionnaire.content_hash,
            "questions": [q.id for q in questionnaire.questions],
            "numbers": {
                q.id: [q.min_value, q.max_value] for q in questionnaire.questions if q.kind.typed_range
            },
            "show_if": offline.conditions(questionnaire),
            "worry": offline.worrying(questionnaire),
            "pages": pages,
        }
        for code in spoken:
            package["languages"][code] = _language(code)
    files.update(_shell_files())
    # Black-and-white pictures too: "Black and white" may be chosen on the tablet.
    files.update({url.replace("/symbols/svg/", "/symbols/black/") for url in files if "/symbols/svg/" in url})
    package["files"] = sorted(files)
    return package


def _language(code: str) -> dict[str, str]:
    with force_locale(code):
        return {
            "lang": page_lang(),
            "dir": page_dir(),
            "saved": Phrases().offline_saved,
            "sent": Phrases().offline_sent,
            "credit": gettext("Symbols: OpenMoji (openmoji.org), licence CC BY-SA 4.0."),
        }


def _shell_files() -> set[str]:
    static = Path(current_app.static_folder or "")
    names = ["js/easyvoice.js", "js/offline.js", "favicon.svg"]
    names += [f"css/{sheet.name}" for sheet in sorted((static / "css").glob("*.css"))]
    names += [f"fonts/{font.name}" for font in sorted((static / "fonts").glob("*.woff2"))]
    return {url_for("static", filename=name) for name in names} | {url_for("respond.offline_journey")}


def _files(html: str) -> set[str]:
    found: set[str] = set()
    for value in _FILES.findall(html):
        found.update(part for part in value.split() if part.startswith("/"))
    return found


def _pages(questionnaire: Questionnaire, code: str, spoken: list[str]) -> dict[str, dict[str, str]]:
    """Every step of the journey in one language, drawn by the journey's templates."""
    g.questionnaire = questionnaire
    g.prefs = {**PREFS_DEFAULT, "locale": code}
    g.pop("locale", None)  # audio_for keeps the page's language
    no_csrf = {"meta": {"csrf": False}}
    total = len(questionnaire.questions) + journey.CLOSING_QUESTIONS
    pages: dict[str, dict[str, str]] = {}
    with force_locale(code):
        pages["settings"] = _page(
            "respond/settings.html", form=SettingsForm(**no_csrf), then="", back_url="#"
        )
        steps = (["locale"] if len(spoken) > 1 else []) + list(SETTINGS_CHOICES)
        for index, step in enumerate(steps):
            if step == "locale":
                choices = [(value, None, None) for value in spoken]
            else:
                choices = [
                    (value, phrase, SETTING_SYMBOLS.get(f"{step}:{value}"))
                    for value, phrase in SETTINGS_CHOICES[step]
                ]
            pages[f"setting-{step}"] = _page(
                "respond/setting_step.html",
                form=SettingsForm(**no_csrf),
                step=step,
                title=SETTING_TITLES[step],
                title_symbol=SETTING_SYMBOLS[step],
                choices=choices,
                current=code if step == "locale" else PREFS_DEFAULT[step],
                number=index + 1,
                total=len(steps),
                back_url="#",
            )
        pages["consent"] = _page(
            "respond/consent.html", form=ConsentForm(**no_csrf), questionnaire=questionnaire
        )
        for number, item in enumerate(questionnaire.questions, start=1):
            context = {
                "question": item,
                "number": number,
                "total": total,
                "answer": None,
                "back_url": "#",
                "next_url": None,
                "settings_url": "#",
            }
            pages[f"q{number}"] = _page(
                "respond/question.html", form=AnswerForm(**no_csrf), problem=False, **context
            )
            if item.kind.typed_range:  # "That number does not fit": the same page, saying so
                pages[f"q{number}-problem"] = _page(
                    "respond/question.html", form=AnswerForm(**no_csrf), problem=True, **context
                )
        for index, step in enumerate(CLOSING_STEPS):
            pages[step] = _page(
                f"respond/{step}.html",
                form=AnswerForm(**no_csrf) if step == "anything_else" else PeopleForm(**no_csrf),
                back_url="#",
                step=step,
                chosen=set(),
                asked=False,
                number=len(questionnaire.questions) + index + 1,
                total=total,
                settings_url="#",
            )
        for name, template in (("told_us", "respond/told_us.html"), ("talk_now", "respond/talk_now.html")):
            for at_end in (False, True):
                pages[name + ("-end" if at_end else "")] = _page(
                    template, form=ToldForm(**no_csrf), then="", at_end=at_end, on_visit=True, offline=True
                )
        pages["stop"] = _page(
            "respond/stop.html", form=ConsentForm(**no_csrf), continue_url="#", can_break=False
        )
        pages["thank_you"] = _page("respond/thank_you.html", told=None)
        pages["thank_you-told"] = _page("respond/thank_you.html", told="told")
        pages["thank_you-urgent"] = _page("respond/thank_you.html", told="urgent")
        pages["no_thanks"] = _page("respond/no_thanks.html")
    g.pop("locale", None)
    g.pop("prefs", None)
    return pages


def _page(template: str, **context: Any) -> dict[str, str]:
    """One step: the page's title and what its <main> holds."""
    html = render_template(template, **context)
    main, title = _MAIN.search(html), _TITLE.search(html)
    return {"html": main.group(1).strip() if main else "", "title": title.group(1).strip() if title else ""}
