"""Every fixed text a respondent can see and hear, in one place.

Templates show these through ``P.<name>`` (translated for the page's language), and
``flask build-audio`` reads the same list, so every text on a respondent's screen has its audio.
Keep each sentence to 15 words or fewer (the easy-read tests check).
"""

from __future__ import annotations

from flask_babel import gettext

from ..questionnaires.schema import FACES, N_, YES_NO

PHRASES: dict[str, str] = {
    # i18n: the button that reads a text aloud
    "listen": N_("Listen"),
    "start_title": N_("Choose your questions"),
    "start_intro": N_("Tap the picture to start."),
    "service_title": N_("Where do you get support?"),
    "settings_title": N_("Make it right for you"),
    "settings_intro": N_("You can change these things. Then tap Next."),
    "text_size": N_("Size of the words"),
    "text_normal": N_("Normal"),
    "text_big": N_("Big"),
    "text_bigger": N_("Bigger"),
    "pictures": N_("Pictures"),
    "contrast": N_("Black and white"),
    "read_aloud": N_("Read aloud"),
    "autoplay": N_("Read each question by itself"),
    "on": N_("On"),
    "off": N_("Off"),
    "who_answers": N_("Who is answering?"),
    "who_self": N_("Me"),
    "who_family": N_("A family member"),
    "who_staff": N_("Staff"),
    "who_other": N_("Someone else"),
    "language": N_("Language"),
    "next": N_("Next"),
    "back": N_("Back"),
    "stop": N_("Stop"),
    "consent_title": N_("Before we start"),
    "consent_why": N_("We want to know what you think about your support."),
    "consent_use": N_("Your answers help to make support better."),
    "consent_choice": N_("You do not have to answer."),
    "consent_stop": N_("You can stop at any time."),
    "consent_skip": N_("You can skip any question."),
    "consent_name": N_("We do not keep your name with your answers."),
    "consent_hurt": N_("If you tell us someone hurts you, we must tell someone who can help."),
    "consent_ask": N_("Do you want to answer the questions?"),
    "consent_yes": N_("Yes, start"),
    "consent_no": N_("No, thank you"),
    "dont_know": N_("I don't know"),
    "dont_want_to_say": N_("I don't want to say"),
    "skip": N_("Skip"),
    "what_means": N_("What this means"),
    "you_chose": N_("You chose this"),
    "choose_many_hint": N_("You can choose more than 1."),
    "write_hint": N_("Write your answer here. You can leave it empty."),
    "helped_title": N_("Who helped you answer?"),
    "helped_nobody": N_("Nobody"),
    "room_title": N_("Who else was in the room?"),
    "room_nobody": N_("Nobody else"),
    "family": N_("Family"),
    "friend": N_("A friend"),
    "staff": N_("Staff"),
    "advocate": N_("An advocate"),
    "someone_else": N_("Someone else"),
    "anything_else": N_("Is there anything else you want to tell us?"),
    "anything_else_hint": N_("You can write it here. Or someone can write it for you."),
    "stop_title": N_("Do you want to stop?"),
    "stop_keep": N_("We keep the answers you gave."),
    "stop_yes": N_("Yes, stop now"),
    "stop_no": N_("No, go on"),
    "thanks_title": N_("Thank you"),
    "thanks_body": N_("Thank you for telling us what you think."),
    "thanks_next": N_("Now give the tablet back."),
    "thanks_again": N_("Start again for a new person"),
    "no_title": N_("That is OK"),
    "no_body": N_("You do not have to answer. Thank you."),
    "sign_in": N_("Sign in"),
    "sign_in_intro": N_("Sign in to plan and run visits."),
    "email": N_("Your email address"),
    "password": N_("Your password"),
    "sign_in_wrong": N_("The email or the password is not right. Try again."),
    "sign_in_missing": N_("Please fill in both boxes."),
    "sign_in_idle": N_("You were signed out. Nobody used the tablet for a while."),
    "sign_out": N_("Sign out"),
    "error_title": N_("Something went wrong"),
    "error_not_found": N_("We cannot find this page."),
    "error_bad": N_("We could not use that answer."),
    "error_expired": N_("This page was open too long, or it came from somewhere else."),
    "error_too_big": N_("That was too big to send."),
    "error_busy": N_("Too many tries. Wait a minute, then try again."),
    "error_forbidden": N_("You cannot open this page."),
    "error_server": N_("Our computer had a problem. Your answers so far are safe."),
    "error_try": N_("Please go back and try again."),
    "error_home": N_("Go to the start"),
}

#: The fixed answer cards' words are spoken too.
CARD_TEXTS = [option.text for option in FACES + YES_NO]


class Phrases:
    """``P.name`` (or ``P[name]``) in a template: the phrase in the current request's language."""

    def __getattr__(self, name: str) -> str:
        try:
            return gettext(PHRASES[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> str:
        return gettext(PHRASES[name])


def all_texts() -> list[str]:
    """Every fixed respondent text, untranslated (build-audio translates per language)."""
    return list(PHRASES.values()) + CARD_TEXTS
