"""Forms of the visits area. Flask-WTF gives each one its CSRF token; choices (services, experts,
questionnaires, reasons) are checked by the services against the database and the survey files."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..respond.forms import AnswerForm, ValuesField


class ActionForm(FlaskForm):
    """A button that changes something (open, close, sign ...): only the CSRF token."""


class PlanForm(FlaskForm):
    service = IntegerField(validators=[Optional()])
    visit_date = DateField(validators=[Optional()])
    questionnaires = ValuesField(default=list)
    co_checker = IntegerField(validators=[Optional()])
    supporter_name = StringField(validators=[Optional(), Length(max=120)])


class HandoverForm(FlaskForm):
    questionnaire = StringField(validators=[DataRequired(), Length(max=80)])
    mode = StringField(validators=[DataRequired(), AnyOf(["alone", "together"])])
    #: "1": the tablet is ready for no wifi, the journey runs from its store (respond/offline_views)
    offline = StringField(validators=[Optional(), AnyOf(["", "1"])])


class PinForm(FlaskForm):
    pin = StringField(validators=[Optional(), Length(max=12)])


class ObservationForm(AnswerForm):
    """A checklist answer, as on a respondent's page, with the expert's note."""

    note = TextAreaField(validators=[Optional(), Length(max=500)])


class PhotoForm(FlaskForm):
    """Checked for CSRF by the view itself, after it has raised the upload limit."""

    class Meta:
        csrf = False

    photo = FileField()
    no_people = BooleanField()
    caption = StringField(validators=[Optional(), Length(max=200)])


class VerdictForm(FlaskForm):
    verdict = StringField(validators=[DataRequired(), Length(max=16)])
    #: the fingerprint of the statement the experts read (app/visits/verification.py digest)
    seen = StringField(validators=[DataRequired(), Length(max=16)])


class WhyForm(FlaskForm):
    reasons = ValuesField(default=list)
    why = TextAreaField(validators=[Optional(), Length(max=1000)])


class ProviderShouldForm(FlaskForm):
    text = TextAreaField(validators=[Optional(), Length(max=1000)])


class SignForm(FlaskForm):
    co_pin = StringField(validators=[Optional(), Length(max=12)])
    #: the parts not checked that the experts chose to sign anyway (refs, space separated)
    unchecked_ok = StringField(validators=[Optional(), Length(max=400)])


class FinishForm(FlaskForm):
    """Finishing a visit: only with the answer "Yes" from the "Are you sure?" page."""

    confirm = StringField(validators=[Optional(), Length(max=8)])


class NoteForm(FlaskForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=1000)])
