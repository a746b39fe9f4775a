"""The fixed answer cards (faces, yes / no) and the limits of a question's answers: used by the
schema and by each question type (types/), which never import the schema.

No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import N_

#: an id of a question or a value of an option
KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,79}$")
#: the most characters of an "other, say what" answer (a few words on a tablet's keyboard)
OTHER_TEXT_LENGTH = 80
#: a ``number`` question's whole numbers stay in this range (``min`` and ``max`` inside it)
NUMBER_LIMITS = (0, 9999)
#: at most this many bands in a number question's figures
MAX_BANDS = 8


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    symbol: str
    help: str | None = None
    #: on a choose_many question: chosen only on its own ("None of these" clears the others)
    exclusive: bool = False
    #: "Other": choosing it shows a short "Say what" box (its words are stored with the choice)
    other: bool = False


#: The fixed answer cards. Faces keep one order everywhere (people tend to pick the last one).
FACES = (
    Option("happy", N_("Happy"), "happy"),
    Option("ok", N_("OK"), "ok"),
    Option("sad", N_("Sad"), "sad"),
)
#: ``type: scale`` with ``points: 5``: the same order, a face more at each end
FACES_5 = (
    Option("very_happy", N_("Very happy"), "very_happy"),
    *FACES,
    Option("very_sad", N_("Very sad"), "very_sad"),
)
SCALE_POINTS = {3: FACES, 5: FACES_5}
YES_NO = (
    Option("yes", N_("Yes"), "yes"),
    Option("no", N_("No"), "no"),
)
#: "Not sure": offered only on a yes / no question that asks for it (``not_sure: true`` in its
#: file). Answers stored before it left the other yes / no questions keep this meaning in reports.
NOT_SURE = Option("not_sure", N_("Not sure"), "not_sure")
YES_NO_NOT_SURE = (*YES_NO, NOT_SURE)
