"""Plain words for an alert: who answered, who helped, who else was in the room, the question.

Staff read these on the alert pages: never a code ("self", "_anything_else"). "Nobody else was in
the room" and "Not asked" are two different facts and stay apart.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext

from ..models import SafeguardingAlert, SafeguardingSignal
from .alerts import ANYTHING_ELSE_KEY, ANYTHING_ELSE_TEXT

PEOPLE = {
    "family": lazy_gettext("a family member"),
    "friend": lazy_gettext("a friend"),
    "staff": lazy_gettext("staff"),
    "advocate": lazy_gettext("an advocate"),
    "other": lazy_gettext("someone else"),
}


def _facts(alert: SafeguardingAlert) -> dict[str, Any]:
    """The response's own final answers while it exists, else what was kept when it was raised."""
    response = alert.response
    if response is not None:
        return {
            "answered_by": response.answered_by,
            "helped_by": response.helped_by,
            "others_present": response.others_present,
            "expert": response.respondent_role == "expert",
            "on_visit": response.visit_id is not None,
            "asked_by_expert": bool(response.asked_by_expert),
        }
    context = alert.context or {}
    return {
        "answered_by": context.get("answered_by"),
        "helped_by": context.get("helped_by"),
        "others_present": context.get("others_present"),
        "expert": alert.source == "observation",
        "on_visit": alert.source == "observation",
        "asked_by_expert": False,
    }


def people(codes: str) -> str:
    names = [str(PEOPLE.get(code, PEOPLE["other"])) for code in codes.split(",") if code]
    return ", ".join(names)


def who_answered(alert: SafeguardingAlert) -> str:
    """They answered by themselves / with help / someone answered for them."""
    facts = _facts(alert)
    if facts["expert"]:
        return gettext("An Expert by Experience wrote this down on a visit.")
    by, helped = facts["answered_by"], facts["helped_by"]
    if by and by != "self":
        return gettext("Someone answered for them: %(who)s.", who=people(by))
    if helped:
        return gettext("They answered with help from %(who)s.", who=people(helped))
    if helped == "":
        return gettext("They answered by themselves.")
    if by == "self":
        return gettext("They answered by themselves. We did not get to ask if anyone helped.")
    return gettext("Not known.")


def in_the_room(alert: SafeguardingAlert) -> str:
    facts = _facts(alert)
    present = facts["others_present"]
    if present is None:
        return gettext("Not asked.")
    if present == "":
        return gettext("Nobody else was in the room.")
    return gettext("These people were in the room: %(who)s.", who=people(present))


def asked_by_expert(alert: SafeguardingAlert) -> bool:
    facts = _facts(alert)
    return bool(facts["asked_by_expert"]) and not facts["expert"]


def question_asked(signal: SafeguardingSignal) -> str:
    """The question as it was asked (never its key)."""
    if signal.question_text:
        return signal.question_text
    if signal.question_key == ANYTHING_ELSE_KEY:
        return gettext(ANYTHING_ELSE_TEXT)
    return gettext("A question we no longer have the words of.")


def signal_kind(signal: SafeguardingSignal) -> str:
    return {
        "answer": gettext("A worrying answer"),
        "free_text": gettext("Written words that worry us"),
        "observation": gettext("What an Expert by Experience saw"),
    }.get(signal.source, "")
