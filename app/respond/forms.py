"""Forms of the respondent journey. Flask-WTF gives each one its CSRF token.

Answer values are checked against the questionnaire by ``journey.parse_given``: one validation
path, whatever sent the form.
"""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional


def new_submission_id() -> str:
    """A new form's id: 128 random bits as 32 hex digits (as uuid4().hex was, in a third of the time)."""
    return secrets.token_hex(16)


class ValuesField(Field):
    """Every value sent under one name (ticked cards); checked by the service, not here."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = [value[:80] for value in valuelist[:20]]

    def _value(self) -> str:
        return ""


class SubmissionForm(FlaskForm):
    """Every journey form carries an id made when the page was drawn: a resend is recognised."""

    submission_id = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    action = StringField(validators=[Length(max=32)])


class AnswerForm(SubmissionForm):
    answer = ValuesField(default=list)
    text = TextAreaField(validators=[Length(max=5000)])


class ConsentForm(SubmissionForm):
    pass


class ToldForm(SubmissionForm):
    """After an answer that worries us: talk now, go on or stop, and where "go on" leads."""

    then = StringField(validators=[Length(max=32)])


class PeopleForm(SubmissionForm):
    """Who helped / who else was in the room: several fixed choices, or nobody."""

    people = ValuesField(default=list)


#: The settings a respondent can change, one screen each, in this order (issue 10, item 6):
#: field -> [(value, phrase name)]. "On" always comes before "Off". Defaults: views.PREFS_DEFAULT.
SETTINGS_CHOICES: dict[str, list[tuple[str, str]]] = {
    "who": [("self", "who_self"), ("family", "who_family"), ("staff", "who_staff"), ("other", "who_other")],
    "text": [("normal", "text_normal"), ("big", "text_big"), ("bigger", "text_bigger")],
    "pictures": [("on", "on"), ("off", "off")],
    "contrast": [("on", "on"), ("off", "off")],
    "read_aloud": [("on", "on"), ("off", "off")],
    "autoplay": [("on", "on"), ("off", "off")],
}
#: the settings screens in order; "locale" comes last, and only when there is more than 1 language
SETTINGS_STEPS = (*SETTINGS_CHOICES, "locale")


def _setting(name: str) -> StringField:
    """Optional: a form sends the settings it changes (1 per screen, or several at once)."""
    values = [value for value, _phrase in SETTINGS_CHOICES[name]]
    return StringField(validators=[Optional(strip_whitespace=False), AnyOf(values)])


class SettingsForm(FlaskForm):
    """The settings screens: "No, start" / "Yes, change it" (action), or settings to keep."""

    action = StringField(validators=[Length(max=16)])
    who = _setting("who")
    text = _setting("text")
    pictures = _setting("pictures")
    contrast = _setting("contrast")
    read_aloud = _setting("read_aloud")
    autoplay = _setting("autoplay")
    locale = StringField(validators=[Length(max=16)])
