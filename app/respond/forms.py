"""Forms of the respondent journey. Flask-WTF gives each one its CSRF token.

Answer values are checked against the questionnaire by ``journey.parse_given``: one validation
path, whatever sent the form.
"""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..easyread.phrases import PHRASES


def new_submission_id() -> str:
    return uuid.uuid4().hex


class SubmissionForm(FlaskForm):
    """Every journey form carries an id made when the page was drawn: a resend is recognised."""

    submission_id = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    action = StringField(validators=[Length(max=32)])


class AnswerForm(SubmissionForm):
    answer = SelectMultipleField(choices=[], validate_choice=False)
    text = TextAreaField(validators=[Length(max=5000)])


class ConsentForm(SubmissionForm):
    pass


class PeopleForm(SubmissionForm):
    """Who helped / who else was in the room: several fixed choices, or nobody."""

    people = SelectMultipleField(choices=[], validate_choice=False)


def _choice(value: str, phrase: str) -> tuple[str, str]:
    return value, PHRASES[phrase]


ON_OFF = [_choice("on", "on"), _choice("off", "off")]


class SettingsForm(FlaskForm):
    text = RadioField(choices=[_choice("normal", "text_normal"), _choice("big", "text_big"),
                               _choice("bigger", "text_bigger")], default="normal")
    pictures = RadioField(choices=ON_OFF, default="on")
    contrast = RadioField(choices=ON_OFF, default="off")
    read_aloud = RadioField(choices=ON_OFF, default="on")
    autoplay = RadioField(choices=ON_OFF, default="off")
    who = RadioField(choices=[_choice("self", "who_self"), _choice("family", "who_family"),
                              _choice("staff", "who_staff"), _choice("other", "who_other")],
                     default="self")
    locale = RadioField(choices=[], validate_choice=True)
