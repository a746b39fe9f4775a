"""Provider forms. Values with a fixed list (statuses, sections) are checked by the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from ..models import ACTION_STATUSES


class StartForm(FlaskForm):
    period = IntegerField(validators=[DataRequired(), NumberRange(min=2000, max=2100)])


class SectionForm(FlaskForm):
    statement = TextAreaField(validators=[Optional(), Length(max=5000)])


class ActionForm(FlaskForm):
    what = StringField(validators=[DataRequired(), Length(max=500)])
    who = StringField(validators=[DataRequired(), Length(max=200)])
    by_when = DateField(validators=[DataRequired()])


class ActionUpdateForm(FlaskForm):
    status = StringField(validators=[DataRequired(), AnyOf(ACTION_STATUSES)])
    outcome = TextAreaField(validators=[Optional(), Length(max=2000)])
    #: optional: a changed "what" or "who" (e.g. when publishing asked for other words)
    what = StringField(validators=[Optional(), Length(max=500)])
    who = StringField(validators=[Optional(), Length(max=200)])


class QuoteForm(FlaskForm):
    """The review of one quote: the words (shortened, never added to) and the two confirmations
    (checked by the quote service, which says which is missing)."""

    text = TextAreaField(validators=[Optional(), Length(max=1000)])
    names_nobody = BooleanField()
    tells_no_harm = BooleanField()


class PublishForm(FlaskForm):
    """The "Are you sure?" page: ``confirm`` must be "yes"; the reasons for unwritten sections
    are read by the view, one field per section."""

    confirm = StringField(validators=[Optional(), Length(max=10)])


class ButtonForm(FlaskForm):
    """A form that is only a button (review, publish, acknowledge): CSRF and nothing else."""


class AnswerChallengeForm(FlaskForm):
    answer = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class CloseAlertForm(FlaskForm):
    outcome = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class LeadForm(FlaskForm):
    user_id = IntegerField(validators=[DataRequired()])


class ConcernWordForm(FlaskForm):
    word = StringField(validators=[DataRequired(), Length(min=2, max=80)])


class CopyForm(FlaskForm):
    """ "Make a copy" of a shipped questionnaire: the template's id is in the address."""


class OwnPublishForm(FlaskForm):
    """The "Are you sure?" page of publishing an own questionnaire: ``confirm`` must be "yes"."""

    confirm = StringField(validators=[Optional(), Length(max=10)])


class UploadForm(FlaskForm):
    """A changed questionnaire file (our YAML text), checked by the loader before it is kept."""

    file = FileField(validators=[FileRequired()])


class WorkbookForm(FlaskForm):
    """An XLSForm workbook (.xlsx) to bring in as an own questionnaire's draft."""

    workbook = FileField(validators=[FileRequired()])
