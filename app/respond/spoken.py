"""What a respondent can hear: every text, per language, as the audio build and the audio worker
name it. ``flask build-audio`` builds them all ahead of time; publishing an organisation's own
questionnaire queues just its texts for ``flask audio-worker`` (app/easyread/audio_queue.py)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from ..easyread import audio_queue
from ..easyread.phrases import COUNTED, all_texts, counted_texts
from ..i18n import available_locales, locale_name, speaks
from ..questionnaires import Questionnaire
from .journey import CLOSING_QUESTIONS
from .short import short_version


def spoken_texts(app: Flask, questionnaires: Iterable[Questionnaire] | None = None) -> list[tuple[str, str]]:
    """(locale, text) for every text a respondent can hear, translated per locale.

    Given ``questionnaires``, only theirs (their questions, answers and "Question 3 of 10"), not
    the fixed phrases: what publishing a questionnaire queues for the audio worker.
    """
    if questionnaires is None:
        chosen = list(app.extensions["easyvoice.surveys"].questionnaires.values())
        source = [(None, text) for text in all_texts()] + [(q, text) for q in chosen for text in q.texts()]
    else:
        chosen = list(questionnaires)
        source = [(q, text) for q in chosen for text in q.texts()]
    # a short version's pages count its own length: "Question 3 of 13"
    shorter = [
        short for short in (short_version(q, app.config["SURVEYS_DIR"]) for q in chosen) if short is not None
    ]
    out: list[tuple[str, str]] = []
    for locale in available_locales(app):
        with app.test_request_context(), force_locale(locale):
            silent = {id(q) for q in chosen if not speaks(q, locale)}  # not offered in this language
            for owner, text in source:
                if owner is not None and id(owner) in silent:
                    continue
                # an organisation's own questionnaire holds its own words for this language
                own = owner.translations.get(locale, {}).get(" ".join(text.split())) if owner else None
                out.append((locale, " ".join((own or gettext(text)).split())))
            out.extend((locale, text) for text in progress_texts(chosen + shorter))
            if questionnaires is None:  # the fixed counts, and the language's own name in its voice
                out.extend((locale, text) for text in counted_texts())
                out.append((locale, locale_name(locale)))
    return out


def progress_texts(questionnaires: Iterable[Questionnaire]) -> list[str]:
    """ "Question 3 of 24" for every length a question page shows, in the request's language.

    A respondent's questionnaire counts its 3 closing questions (who helped, who else was in the
    room, anything else); an expert's checklist does not.
    """
    sentence = gettext(COUNTED["progress"][0])
    totals = {len(q.questions) + (0 if q.audience == "expert" else CLOSING_QUESTIONS) for q in questionnaires}
    return list(
        dict.fromkeys(
            sentence % {"number": n, "total": total} for total in sorted(totals) for n in range(1, total + 1)
        )
    )


def _by_locale(app: Flask, questionnaire: Questionnaire) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for locale, text in spoken_texts(app, [questionnaire]):
        out.setdefault(locale, []).append(text)
    return out


def queue_audio(session: Session, app: Flask, questionnaire: Questionnaire) -> int:
    """Queue every text of a newly published questionnaire that has no audio yet, in every
    language; the audio worker builds them. How many were queued."""
    return sum(
        audio_queue.queue_texts(session, locale, texts)
        for locale, texts in _by_locale(app, questionnaire).items()
    )


def audio_progress(session: Session, app: Flask, questionnaire: Questionnaire) -> audio_queue.Progress:
    """How many of the questionnaire's texts can be heard as built audio, over every language:
    "12 of 40 read aloud ready"."""
    ready = total = 0
    for locale, texts in _by_locale(app, questionnaire).items():
        found = audio_queue.progress(session, texts, locale)
        ready, total = ready + found.ready, total + found.total
    return audio_queue.Progress(ready, total)
