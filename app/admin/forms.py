"""Admin forms. Choices (organisations, roles) are checked in views against the database."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp


class OrganisationForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Use a-z, 0-9 and -."),
        ]
    )
    suppression_threshold = IntegerField(default=5, validators=[NumberRange(min=1, max=100)])
    #: the languages offered besides the default (checked in the view against the catalogs)
    languages = SelectMultipleField(choices=[], validate_choice=False)


class ServiceForm(FlaskForm):
    organisation_id = IntegerField(validators=[DataRequired()])
    name = StringField(validators=[DataRequired(), Length(max=200)])


class UserForm(FlaskForm):
    organisation_id = IntegerField(validators=[DataRequired()])
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    name = StringField(validators=[DataRequired(), Length(max=120)])
    role = StringField(validators=[DataRequired(), Length(max=20)])
    password = PasswordField(validators=[DataRequired(), Length(min=10, max=200)])
    pin = StringField(validators=[Optional(), Regexp(r"^\d{4}$", message=lazy_gettext("4 digits."))])


class UserChangeForm(FlaskForm):
    role = StringField(validators=[DataRequired(), Length(max=20)])
    active = BooleanField()
    password = PasswordField(validators=[Optional(), Length(min=10, max=200)])
    pin = StringField(validators=[Optional(), Regexp(r"^\d{4}$", message=lazy_gettext("4 digits."))])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = StringField(validators=[Optional(), Length(max=60)])
    user_id = IntegerField(validators=[Optional()])
    organisation_id = IntegerField(validators=[Optional()])
    since = StringField(validators=[Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$")])
    until = StringField(validators=[Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$")])
