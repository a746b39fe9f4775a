"""Languages: which locale a request gets, marking strings for translation, and formatting.

Everything a person reads that depends on the language lives here: the locale chosen for a
request, ``N_`` (mark a string for extraction, translate it where it is shown), the text
direction, and dates and numbers through Babel (never ``strftime``, which gives English names).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import (
    Babel,
    force_locale,
    format_date,
    format_datetime,
    get_locale,
    get_translations,
    gettext,
)

from .labels import label


def N_(text: str) -> str:  # noqa: N802 - the gettext "mark only" convention
    """Mark a string for translation; it is translated where it is shown."""
    return text


def init_app(app: Flask) -> None:
    """Babel with the locale selector, and the template helpers for language and direction."""
    # One Babel per app: its translations cache is then the app's own (a module-level one would
    # hand one app's catalog for a language to another app in the same process).
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        page_lang=page_lang, page_dir=page_dir, script_sheets=script_sheets, tr=tr, label=label
    )
    app.jinja_env.filters["locale_name"] = locale_name


def available_locales(app: Flask) -> list[str]:
    """The default locale plus every locale with a catalog in translations/ (read once per app)."""
    if "easyvoice.locales" not in app.extensions:
        app.extensions["easyvoice.locales"] = _find_locales(app)
    return app.extensions["easyvoice.locales"]


def _find_locales(app: Flask) -> list[str]:
    found = {app.config["BABEL_DEFAULT_LOCALE"]}
    for directory in str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";"):
        for po in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            found.add(po.parent.parent.name)
    return sorted(found)


def offered_locales(app: Flask, chosen: str | None) -> list[str]:
    """The languages an organisation's tablets offer: the default first, then those it chose
    (``Organisation.languages``, e.g. "cy ur") that have a catalog here."""
    default = app.config["BABEL_DEFAULT_LOCALE"]
    available = available_locales(app)
    extra = [code for code in (chosen or "").split() if code in available and code != default]
    return [default, *dict.fromkeys(extra)]


def select_locale() -> Locale:
    """The person's chosen language (kept in their session, or the settings a page draws with:
    thank you keeps the settings of the person who has just finished), else the default.

    As a parsed Locale, each made once per process (Babel takes one as it is): parsing the code
    on every request cost a kept question page about 3 us (issue 15)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  (one lookup, not four)
    chosen = (g.get("prefs") or session.get("ev_prefs") or {}).get("locale")
    if chosen not in available_locales(app):
        chosen = app.config["BABEL_DEFAULT_LOCALE"]
    found = _LOCALES.get(chosen)
    if found is None:
        found = _LOCALES[chosen] = Locale.parse(chosen)
    return found


#: code -> parsed Locale (only codes that have a catalog, so it stays small)
_LOCALES: dict[str, Locale] = {}


def page_lang() -> str:
    """The <html lang> value: BCP 47 with a hyphen (en-GB), from the request's locale."""
    return str(get_locale()).replace("_", "-")


def page_dir() -> str:
    """The <html dir> value: rtl for Urdu and Arabic, else ltr."""
    locale = get_locale()
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def script_sheets(every: bool = False) -> list[str]:
    """The style sheets (under static/) with the font of a language's own script: the page's
    language only, or ``every`` one for a page that shows languages by their own names. A page in
    a Latin-script language links none, so it never carries @font-face rules it cannot use."""
    app = current_app
    if "easyvoice.script_sheets" not in app.extensions:
        css = Path(app.static_folder or "") / "css"
        found = {s.stem.removeprefix("script-"): f"css/{s.name}" for s in css.glob("script-*.css")}
        app.extensions["easyvoice.script_sheets"] = dict(sorted(found.items()))
    sheets: dict[str, str] = app.extensions["easyvoice.script_sheets"]
    if every:
        return list(sheets.values())
    language = str(get_locale() or "").split("_")[0]
    return [sheets[language]] if language in sheets else []


def locale_name(code: str) -> str:
    """A language's name in that language (people look for their own language's name)."""
    return Locale.parse(code).get_display_name(code) or code


def language_label(code: str) -> str:
    """A language's name for a reader of reports: in the reader's language ("Welsh"), and in its
    own ("Cymraeg") when that differs; "Not recorded" for answers kept before languages were."""
    if not code:
        return gettext("Not recorded")
    try:
        language = Locale.parse(code)
    except (ValueError, TypeError):
        return code
    reader = language.get_display_name(get_locale() or "en_GB") or code
    own = language.get_display_name(code) or code
    return reader if own == reader else f"{reader} ({own})"


def tr(text: str | None) -> str | None:
    """A text that is in the catalog but not written in the template, in the reader's language.

    For a questionnaire's or framework's own words (questions, answers, titles: extracted from
    surveys/ by questionnaires/extract.py) and for strings marked with ``N_`` where Python code
    defines them. Templates call this, never ``_(variable)``: a stored value (a status, a role)
    goes through ``label`` instead (app/labels.py), so that its name is in the catalog.

    An organisation's own questionnaire holds its own translations: the words of the
    questionnaire on this page (``g.questionnaire``) or listed on it (``g.questionnaires``) come
    first, then the catalog.
    """
    if not text:
        return text
    return own_words(text) or gettext(text)


def speaks(questionnaire: object, locale: str) -> bool:
    """True when every text of ``questionnaire`` has words in ``locale`` (its own, or the
    catalog's): a questionnaire is offered in a language only then, never half in English."""
    if locale == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return True
    own = getattr(questionnaire, "translations", {}).get(locale, {})
    with force_locale(locale):
        known = getattr(get_translations(), "_catalog", {})
        return all(
            " ".join(text.split()) in own or text in known or " ".join(text.split()) in known
            for text in questionnaire.texts()  # type: ignore[attr-defined]
        )


def own_words(text: str) -> str | None:
    """``text`` in this request's language from the questionnaires this request uses, if one has it."""
    if not has_request_context():
        return None
    shown = [g.questionnaire] if g.get("questionnaire") is not None else []
    shown += list((g.get("questionnaires") or {}).values())
    if not shown:
        return None
    locale, key = str(get_locale()), " ".join(text.split())
    for questionnaire in shown:
        found = getattr(questionnaire, "translations", {}).get(locale, {}).get(key)
        if found:
            return str(found)
    return None


#: how staff pages show a time: local (TIMEZONE), by Babel, e.g. "1 December 2026, 19:06"
TIME_FORMAT = "d MMMM yyyy, HH:mm"
DATE_FORMAT = "d MMMM yyyy"


def local_time(moment: datetime | None) -> str:
    """A moment as staff read it: local time (TIMEZONE), month named in the reader's language."""
    return format_datetime(moment, TIME_FORMAT) if moment is not None else ""


def local_date(moment: date | datetime | None) -> str:
    """A day as staff read it: a moment's day in local time (TIMEZONE), e.g. "2 July 2026"."""
    return format_date(moment, DATE_FORMAT) if moment is not None else ""
