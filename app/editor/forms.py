"""The editor's forms (Flask-WTF, so each carries its CSRF token). What the values may be is
checked against the questionnaire by ``editing.py`` and the loader, not here."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from ..questionnaires.schema import AUDIENCES, NUMBER_LIMITS
from ..questionnaires.types import registry
from .editing import LINE_ROWS, OPTION_ROWS

#: the kinds of question, in everyday words, in the order a person thinks of them
#: (each type says its own: questionnaires/types/, ``editor_kinds``)
KINDS = [(kind, lazy_gettext(words)) for kind, words, _type in registry.editor_kinds()]
#: the parts of the question form each kind uses ("answers", "number"), for the page's script
KIND_PARTS = {kind: " ".join(qtype.editor_parts) for kind, _words, qtype in registry.editor_kinds()}
TESTS = [
    ("any_of", lazy_gettext("is one of the ticked answers")),
    ("none_of", lazy_gettext("is none of the ticked answers")),
]
AUDIENCE_NAMES = {
    "person_supported": lazy_gettext("People we support"),
    "family": lazy_gettext("Families"),
    "staff": lazy_gettext("Staff"),
}


class OptionRow(Form):
    """One answer of a choose question: its words, picture, what it means, and how it behaves."""

    text = StringField(validators=[Optional(), Length(max=80)])
    symbol = StringField(validators=[Optional(), Length(max=80)])
    help = StringField(validators=[Optional(), Length(max=400)])
    exclusive = BooleanField()
    other = BooleanField()


class QuestionForm(FlaskForm):
    """A question: its words and picture, its kind, its answers, and when it is asked."""

    text = TextAreaField(validators=[DataRequired(), Length(max=400)])
    help = TextAreaField(validators=[Optional(), Length(max=400)])
    kind = StringField(default="faces", validators=[AnyOf([value for value, _label in KINDS])])
    symbol = StringField(validators=[Optional(), Length(max=80)])
    #: a picture chosen from those found ("Find pictures"): it replaces the name written
    symbol_pick = StringField(validators=[Optional(), Length(max=80)])
    find = StringField(validators=[Optional(), Length(max=40)])
    sections = SelectMultipleField(choices=[], validate_choice=False)
    safeguarding = BooleanField()
    does_not_apply = BooleanField()
    escapes = SelectMultipleField(choices=[], validate_choice=False)
    min = IntegerField(validators=[Optional(), NumberRange(*NUMBER_LIMITS)])
    max = IntegerField(validators=[Optional(), NumberRange(*NUMBER_LIMITS)])
    options = FieldList(FormField(OptionRow), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)
    when_question = StringField(validators=[Optional(), Length(max=80)])
    when_test = StringField(default="any_of", validators=[AnyOf([value for value, _label in TESTS])])
    when_values = SelectMultipleField(choices=[], validate_choice=False)
    action = StringField(validators=[Optional(), Length(max=16)])


class MoveForm(FlaskForm):
    to = StringField(validators=[DataRequired(), Length(max=8)])


class ConfirmForm(FlaskForm):
    """An irreversible step, asked again: "yes" goes ahead."""

    confirm = StringField(validators=[Optional(), Length(max=8)])


class StartForm(FlaskForm):
    """An empty questionnaire: its title and who answers it."""

    title = StringField(validators=[DataRequired(), Length(max=120)])
    audience = StringField(validators=[AnyOf([a for a in AUDIENCES if a != "expert"])])


class PictureForm(FlaskForm):
    """A picture of the organisation's own, with a name and what it shows."""

    picture = FileField()
    name = StringField(validators=[DataRequired(), Length(max=60)])
    alt_text = StringField(validators=[DataRequired(), Length(max=150)])


class LineRow(Form):
    """One line of the consent page: a sentence or two, and its picture."""

    text = StringField(validators=[Optional(), Length(max=400)])
    symbol = StringField(validators=[Optional(), Length(max=80)])


class AboutForm(FlaskForm):
    """The questionnaire's title, and its own lines on the consent page."""

    title = StringField(validators=[DataRequired(), Length(max=120)])
    introduction = FieldList(FormField(LineRow), min_entries=LINE_ROWS, max_entries=LINE_ROWS)
    consent = FieldList(FormField(LineRow), min_entries=LINE_ROWS, max_entries=LINE_ROWS)


def translations_form(texts: list[str]) -> type[FlaskForm]:
    """A form with one box per text of the questionnaire (``text-0``, ``text-1``, ...)."""

    class TranslationsForm(FlaskForm):
        pass

    for n, _text in enumerate(texts):
        setattr(TranslationsForm, f"text-{n}", StringField(validators=[Optional(), Length(max=400)]))
    return TranslationsForm
