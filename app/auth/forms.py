"""Sign-in forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class SignInForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


class KeypadForm(FlaskForm):
    """One key of the on-screen PIN keypad: the digits typed so far come back with the page."""

    entered = StringField(validators=[Optional(), Regexp(r"^[0-9]{0,3}$")])
    key = StringField(validators=[DataRequired(), Length(max=5)])


class PictureForm(FlaskForm):
    picture = StringField(validators=[DataRequired(), Length(max=40)])
