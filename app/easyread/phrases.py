"""Every fixed text a respondent can see and hear, in one place.

Templates show these through ``P.<name>`` (translated for the page's language), and
``flask build-audio`` reads the same list, so every text on a respondent's screen has its audio.
Keep each sentence to 15 words or fewer (the easy-read tests check).
"""

from __future__ import annotations

from flask_babel import gettext

from ..i18n import N_
from ..questionnaires.schema import FACES_5, YES_NO, default_lines

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
    "choose_language": N_("Choose your language"),
    "next": N_("Next"),
    "back": N_("Back"),
    "stop": N_("Stop"),
    "consent_title": N_("Before we start"),
    # (the consent page's own lines are the questionnaire's, or the shared defaults in
    # app/questionnaires/schema.py: see CONSENT_TEXTS below)
    "listen_all": N_("Listen to all of this"),
    "consent_ask": N_("Do you want to answer the questions?"),
    "consent_yes": N_("Yes, start"),
    "consent_no": N_("No, thank you"),
    "dont_know": N_("I don't know"),
    "dont_want_to_say": N_("I don't want to say"),
    "skip": N_("Skip"),
    "does_not_apply": N_("This does not happen to me"),
    "what_means": N_("What this means"),
    "you_chose": N_("You chose this"),
    "choose_many_hint": N_("You can choose more than 1."),
    "write_hint": N_("Write your answer here. You can leave it empty."),
    "other_hint": N_("Say what. Use a few words."),
    "number_hint": N_("Type the number. Then tap Next."),
    "number_keypad": N_("Number keys"),
    "number_wrong": N_("That number does not fit. Try again."),
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
    "thanks_next": N_("Give the tablet back to the person who gave it to you."),
    "thanks_help": N_("Or ask someone you trust for help."),
    "thanks_again": N_("Start again for a new person"),
    "thanks_told": N_("You told us something that worries us."),
    "thanks_talk": N_("Someone will come to talk to you."),
    # -- after an answer that worries us (a safeguarding alert): what happens next ----------
    "told_title": N_("What you told us worries us"),
    "told_safe": N_("We want you to be safe."),
    "told_lead": N_("We will tell the person whose job is to keep people safe."),
    "told_read": N_("They will read what you told us."),
    "told_talk": N_("They may come and talk to you."),
    "told_help": N_("You can tell them if you want help."),
    "told_ask": N_("What do you want to do now?"),
    "told_talk_now": N_("I want to talk to someone now"),
    "told_go_on": N_("Go on with the questions"),
    "told_finish": N_("Go on to the end"),
    "talk_title": N_("Someone will come to talk to you"),
    "talk_telling": N_("We are telling the person whose job is to keep people safe."),
    "talk_show_expert": N_("Show this tablet to the Expert by Experience or your supporter."),
    "talk_show_anyone": N_("You can show this tablet to someone you trust."),
    "talk_then": N_("You can go on with the questions. Or you can stop."),
    "talk_stop": N_("Stop now"),
    # -- a tablet without wifi (issue 14): the always-visible status, and getting ready ----------
    "offline_saved": N_("Saved on this tablet"),
    "offline_sent": N_("Sent"),
    "offline_get_ready": N_("Get ready for no wifi"),
    "offline_intro": N_("This keeps the questions on this tablet. Then you can ask them without wifi."),
    "offline_wait": N_("Getting ready. Please wait."),
    "offline_ready": N_("Ready. You can use this without wifi."),
    "offline_failed": N_("That did not work. Check the wifi. Then try again."),
    "offline_script": N_("This needs the tablet's JavaScript turned on."),
    "no_title": N_("That is OK"),
    "no_body": N_("You do not have to answer. Thank you."),
    # -- a tablet with no service yet, and a quiet tablet (app/respond) ---------------------
    "link_title": N_("Ask the staff for this tablet's start link"),
    "link_not_ready": N_("This tablet is not ready for questions yet."),
    "link_ask": N_("Ask a member of staff to get it ready for you."),
    "link_staff": N_("Staff: open your start link here. Or sign in to set up the tablet."),
    "link_sign_in": N_("Staff: sign in"),
    "quiet_title": N_("Are you still there?"),
    "quiet_body": N_("Nobody has touched the tablet for a while."),
    "quiet_ask": N_("Tap Yes if you are still answering."),
    "quiet_fresh": N_("If nobody taps, the tablet starts again for a new person."),
    "quiet_yes": N_("Yes, I am still here"),
    "quiet_no": N_("No, start again"),
    "sign_in": N_("Sign in"),
    "sign_in_intro": N_("Sign in to plan and run visits."),
    "email": N_("Your email address"),
    "password": N_("Your password"),
    "sign_in_wrong": N_("The email or the password is not right. Try again."),
    "sign_in_missing": N_("Please fill in both boxes."),
    "sign_in_idle": N_("You were signed out. Nobody used the tablet for a while."),
    "sign_in_wait": N_("Tried many times? Wait 15 minutes. Then try again."),
    "sign_in_everywhere": N_("You are signed out on every tablet and computer."),
    "sign_out": N_("Sign out"),
    "sign_out_everywhere": N_("Sign out everywhere"),
    "account_title": N_("Your sign-in"),
    "account_lost": N_("Lost a tablet? Signed in on a computer you do not use now?"),
    "account_everywhere": N_("Sign out everywhere. Then sign in again here."),
    "error_title": N_("Something went wrong"),
    "error_not_found": N_("We cannot find this page."),
    "error_bad": N_("We could not use that answer."),
    "error_expired": N_("This page was open too long, or it came from somewhere else."),
    "error_conflict": N_("This cannot be changed now."),
    "error_too_big": N_("That was too big to send."),
    "error_busy": N_("Too many tries. Wait a minute, then try again."),
    "error_forbidden": N_("You cannot open this page."),
    "error_server": N_("Our computer had a problem. Your answers so far are safe."),
    "error_try": N_("Please go back and try again."),
    "error_home": N_("Go to the start"),
    # -- Experts by Experience: visits (app/visits) ------------------------------------------
    "visits_title": N_("Your visits"),
    "visits_none": N_("You have no visits yet."),
    "visit_plan_new": N_("Plan a new visit"),
    "status_planned": N_("Planned"),
    "status_open": N_("Open now"),
    "status_closed": N_("Finished"),
    "plan_title": N_("Plan a visit"),
    "plan_where": N_("Where are you going?"),
    "plan_when": N_("Which day is the visit?"),
    "plan_questions": N_("Which questions will you ask?"),
    "plan_co_checker": N_("Who checks with you?"),
    "plan_supporter": N_("Your supporter's name"),
    "leave_empty": N_("You can leave it empty."),
    "plan_save": N_("Save the visit"),
    "plan_problem_service": N_("Choose where you are going."),
    "plan_problem_visit_date": N_("Choose the day of the visit."),
    "plan_problem_questionnaires": N_("Choose the questions to ask."),
    "plan_problem_co_checker": N_("Choose who checks with you."),
    "plan_problem_supporter_name": N_("The supporter's name is too long."),
    "plan_problem_status": N_("You can only change a visit before it starts."),
    "visit_change": N_("Change the visit"),
    "visit_open": N_("Open the visit"),
    "visit_open_hint": N_("Open the visit when you get there."),
    "visit_close": N_("Finish the visit"),
    "visit_close_hint": N_("Nobody can answer on this visit after you finish it."),
    "visit_finished": N_("This visit is finished."),
    "visit_closed": N_("This visit is finished. You cannot add things now."),
    "visit_not_yours": N_("Only the experts on this visit can do this."),
    "alert_locked": N_("Someone typed a wrong pin number 5 times."),
    "alert_locked_then": N_("The tablet was locked until someone signed in."),
    "alert_seen": N_("I have seen this"),
    "handover_title": N_("Hand the tablet over"),
    "handover_intro": N_("Give the tablet to the person who will answer."),
    "handover_alone": N_("Start with a new person"),
    "handover_together": N_("Ask together"),
    "handover_together_hint": N_("You read the questions. The person points to the answer."),
    "handover_no_pin": N_("You have no pin number. You need to sign in again after."),
    "visit_people": N_("People who took part"),
    "back_to_visit": N_("Back to the visit"),
    "give_back_title": N_("Give the tablet back"),
    "give_back_body": N_("Please give the tablet back to the Expert by Experience."),
    "give_back_urgent": N_("Someone asked to talk now."),
    "give_back_tell_lead": N_("Tell the safeguarding lead now."),
    "give_back_pin": N_("Expert by Experience: type your pin number."),
    "give_back_button": N_("Get the tablet back"),
    "give_back_sign_in": N_("Or sign in with your email and password."),
    "pin_missing": N_("Type your pin number first."),
    "pin_wrong": N_("That pin number is not right."),
    "pin_locked": N_("The tablet is locked. Only a full sign-in opens it."),
    "pin_account_locked": N_("Your pin number is locked. Sign in with your password, or ask your admin."),
    "observe_title": N_("What you saw"),
    "observe_start": N_("Start the questions"),
    "observe_done": N_("You answered this"),
    "observe_not_done": N_("Not answered yet"),
    "note_label": N_("Your note"),
    "note_hint": N_("Write a note if you want. Then tap Save and go on."),
    # i18n: the button that sends an observation: its answer and its note together
    "save_go_on": N_("Save and go on"),
    "photos_title": N_("Photos of places and things"),
    "photo_rule_places": N_("Take photos of places and things only."),
    "photo_rule_people": N_("Never take photos of people."),
    "photo_rule_private": N_("We take hidden details out of the photo, like where it was taken."),
    "photo_choose": N_("Choose a photo"),
    "photo_caption": N_("What is in the photo?"),
    "photo_no_people": N_("There are no people in this photo"),
    "photo_add": N_("Add the photo"),
    "photos_none": N_("There are no photos yet."),
    "photos_done": N_("Done"),
    "photo_people": N_("Tick the box to say there are no people in the photo."),
    "photo_empty": N_("Choose a photo first."),
    "photo_not_image": N_("This file is not a photo. Choose a photo."),
    "photo_corrupt": N_("We cannot open this photo. Try another photo."),
    "photo_too_big": N_("This photo is too big. Choose a smaller photo."),
    "photo_too_many_pixels": N_("This photo has too many dots. Choose a smaller photo."),
    "verify_title": N_("Check what the provider says"),
    "verify_intro": N_("Read what the provider says about each part. Then say what you think."),
    "verify_check": N_("Check this part"),
    "verify_change": N_("Change your answer"),
    "verify_not_done": N_("Not checked yet"),
    "provider_says": N_("What the provider says"),
    "provider_silent": N_("The provider has not written about this yet."),
    "statement_changed": N_("The provider changed this text. Please read it again."),
    "verify_text_changed": N_("The provider changed this text after you checked it."),
    "verdict_question": N_("What do you think?"),
    "verdict_agree": N_("We agree"),
    "verdict_partly": N_("We partly agree"),
    "verdict_disagree": N_("We don't agree"),
    "why_title": N_("Why do you think that?"),
    "why_hint": N_("Write why here. You can leave it empty."),
    "reason_people_said": N_("People told us"),
    "reason_we_saw": N_("We saw it"),
    "reason_not_seen": N_("We did not see it"),
    "reason_staff_said": N_("Staff told us"),
    "reason_we_read": N_("We read it"),
    "todo_title": N_("What should the provider do?"),
    "todo_hint": N_("Write it here. You can leave it empty."),
    "save": N_("Save"),
    "sign_title": N_("Sign your check"),
    "sign_final": N_("After you sign, nobody can change your check."),
    "sign_note_later": N_("You can still add a note later."),
    "sign_stamp": N_("We keep the time and the tablet you used."),
    "sign_co_pin": N_("The other expert can type their pin number to sign too."),
    "sign_button": N_("Sign now"),
    "signed_title": N_("This check is signed"),
    "signed_cannot": N_("You cannot change a signed check."),
    "signed_can_note": N_("You can add a note to it."),
    "signed_by": N_("Signed by"),
    "back_to_check": N_("Back to the check"),
    # -- signing with parts not checked, and finishing a visit (app/visits) --------------------
    "sign_all_checked": N_("You checked every part."),
    "sign_not_checked": N_("These parts are not checked yet:"),
    "sign_confirm_title": N_("Do you want to sign anyway?"),
    "sign_confirm_some": N_("Some parts are not checked."),
    "sign_confirm_later": N_("Nobody can check them on this visit after you sign."),
    "sign_confirm_needed": N_("Tap Sign anyway if you want to sign."),
    "sign_go_back": N_("Go back and check"),
    "sign_anyway": N_("Sign anyway"),
    "finish_title": N_("Are you sure you want to finish the visit?"),
    "finish_summary": N_("What happened on this visit"),
    "finish_no_more": N_("You cannot add what you saw or photos after that."),
    "finish_not_signed": N_("Your check is not signed yet."),
    "finish_sign_later": N_("You can still sign it after the visit."),
    "finish_alerts_stay": N_("The person who keeps people safe will still deal with them."),
    "finish_yes": N_("Yes, finish the visit"),
    "finish_no": N_("No, go back"),
    "notes_title": N_("Notes"),
    "note_add": N_("Add a note"),
    "note_write": N_("Write your note here."),
    "report_title": N_("Visit report"),
    "report_people": N_("How many people took part"),
    "report_hidden": N_("Some numbers are hidden. This keeps people's answers private."),
    "report_observations": N_("What we saw"),
    "report_verification": N_("What we think of what the provider says"),
    "report_print": N_("Print the report"),
    "report_no_answer": N_("No answer"),
    "report_not_signed": N_("The experts have not signed their check yet."),
    "report_back": N_("Back to the report"),
    "total": N_("Everyone"),
    # -- the published self-assessment, easy read (app/public) ----------------------------------
    "public_title": N_("What we say about our support"),
    "public_intro": N_("We asked people what they think. Then we wrote this."),
    "public_said": N_("What we say"),
    "public_people_said": N_("What people told us"),
    "public_checked": N_("What Experts by Experience said"),
    "public_we_will": N_("What we will do"),
    "public_you_said": N_("You said, we did"),
    "public_challenge": N_("Do you disagree? You can tell us."),
    "public_challenge_button": N_("Tell us you disagree"),
    "public_answer_in": N_("We answer in public within 4 weeks."),
    "public_answers": N_("What people challenged, and our answers"),
    "public_waiting": N_("We have not answered this yet."),
    "public_overdue": N_("Our answer is late."),
    "public_pdf": N_("Easy-read report to print"),
    "challenge_title": N_("Tell us you disagree"),
    "challenge_what": N_("What do you disagree with?"),
    "challenge_who": N_("Who are you?"),
    "challenge_contact": N_("How can we contact you? You can leave it empty."),
    "challenge_send": N_("Send"),
    "challenge_thanks": N_("Thank you. We will answer on this page within 4 weeks."),
    "challenge_too_long": N_("That is too long. Please write less."),
    "challenge_empty": N_("Please write what you disagree with."),
    "challenger_person_supported": N_("I get support"),
    "challenger_family": N_("Family"),
    "challenger_staff": N_("Staff"),
    "challenger_commissioner": N_("I pay for support"),
    "challenger_public": N_("Someone else who cares"),
    "challenger_other": N_("Other"),
    # -- the question pages (issue 10): the Settings button on every question page ------------
    "settings": N_("Settings"),
}

# -- issue 10, item 13: pages a busy person can read (the visit report's summary, the plan's folds) --
PHRASES.update(
    {
        "report_stands_out": N_("What stands out"),
        "report_not_good": N_("What was not good"),
        "report_all_good": N_("We did not see anything bad."),
        "report_not_agreed": N_("Parts we do not fully agree with"),
        "report_all_agreed": N_("We agree with every part we checked."),
        "report_since_last": N_("Since the last visit"),
        "report_first_visit": N_("This is the first visit here. There is nothing to compare yet."),
        "report_nothing_changed": N_("Nothing we saw got better or worse."),
        "report_before": N_("Before:"),
        "report_now": N_("Now:"),
        "report_other_things": N_("Other things we saw"),
        "report_photos": N_("Photos"),
        "report_see_alerts": N_("See the safety worries"),
        "plan_more": N_("More: who comes with you"),
    }
)

# -- Expert sign-in with a picture and a pin number (issue 10, item 12; app/auth) ----------
PHRASES.update(
    {
        "expert_sign_in_title": N_("Who are you?"),
        "expert_sign_in_intro": N_("Expert by Experience: tap your picture."),
        "expert_sign_in_password": N_("Sign in with email and password"),
        "expert_sign_in_others": N_("Staff and new tablets: sign in with email and password."),
        "pin_title": N_("Type your pin number"),
        "pin_intro": N_("Tap the 4 numbers of your pin number."),
        "pin_resume_title": N_("Put in your pin number to go on"),
        "pin_resume_why": N_("Nobody used the tablet for a while. Your visit is still open."),
        "pin_typed_0": N_("You typed no numbers yet."),
        "pin_typed_1": N_("You typed 1 number."),
        "pin_typed_2": N_("You typed 2 numbers."),
        "pin_typed_3": N_("You typed 3 numbers."),
        "pin_delete": N_("Delete"),
        "pin_clear": N_("Start again"),
        "pin_not_you": N_("Not you? Choose your picture again."),
        "pin_sign_in_wrong": N_("That pin number is not right. Try again."),
        "picture_title": N_("Your picture"),
        "picture_intro": N_("Choose a picture. You tap it to sign in on a tablet."),
        "picture_saved": N_("We saved your picture."),
        "picture_dog": N_("Dog"),
        "picture_star": N_("Star"),
        "picture_music": N_("Music"),
        "picture_bus": N_("Bus"),
        "picture_car": N_("Car"),
        "picture_football": N_("Football"),
        "picture_tea": N_("Cup of tea"),
        "picture_camera": N_("Camera"),
        "picture_paint": N_("Paint"),
        "picture_tree": N_("Tree"),
    }
)

#: Sentences with numbers in them: templates call ``P.count(name, **numbers)``. Each is spoken
#: ahead of time for the small numbers listed (its own PHRASES entry, "name:3:5"); a bigger number
#: falls back to the browser's own speech.
COUNTED: dict[str, tuple[str, list[dict[str, int]]]] = {
    "sign_count": (
        N_("You checked %(done)s of %(total)s parts."),
        [{"done": d, "total": t} for t in range(1, 7) for d in range(t + 1)],
    ),
    "finish_people": (N_("People who took part: %(num)s."), [{"num": n} for n in range(21)]),
    "finish_observed": (
        N_("Questions you answered about what you saw: %(num)s."),
        [{"num": n} for n in range(13)],
    ),
    "finish_photos": (N_("Photos you took: %(num)s."), [{"num": n} for n in range(11)]),
    "finish_alerts": (N_("Safety worries still open: %(num)s."), [{"num": n} for n in range(1, 6)]),
    # -- the question pages (issue 10): the progress, spoken for every questionnaire's length
    # by build-audio (app/cli.py spoken_texts), not from a fixed list here
    "progress": (N_("Question %(number)s of %(total)s"), []),
    # a number question's range (issue 12): any numbers, so the browser's voice reads it
    "number_range": (N_("A number from %(low)s to %(high)s."), []),
    # the error page's code, for whoever helps the person (app/errors.py REASONS)
    "error_code": (
        N_("Error code: %(code)s"),
        [{"code": code} for code in (400, 403, 404, 405, 409, 413, 429, 500)],
    ),
}
for _name, (_text, _numbers) in COUNTED.items():
    for _values in _numbers:
        PHRASES[":".join([_name, *map(str, _values.values())])] = _text % _values

# -- Settings screens, short version, a break, a lost page (issue 10, items 5, 6 and 9) ----------
PHRASES.update(
    {
        "settings_ask": N_("Do you want to change how it looks or sounds?"),
        "settings_no": N_("No, start"),
        "settings_yes": N_("Yes, change it"),
        "settings_choose": N_("Choose 1. Then tap Next."),
        "length_short": N_("Short version"),
        "length_full": N_("All the questions"),
        "stop_break": N_("Have a break"),
        "break_title": N_("Welcome back"),
        "break_go_on": N_("Go on where you were"),
        "error_open_too_long": N_("This page was open too long."),
        "error_answers_safe": N_("The answers you gave before this page are safe."),
        "error_staff_home": N_("Go to your home page"),
    }
)
MY_COUNTED: dict[str, tuple[str, list[dict[str, int]]]] = {
    "settings_number": (
        N_("Setting %(number)s of %(total)s"),
        [{"number": n, "total": t} for t in (6, 7) for n in range(1, t + 1)],
    ),
    # the start page's counts (questions and the 3 closing ones); others use the browser's voice
    "questions_count": (N_("%(num)s questions"), [{"num": n} for n in (13, 15, 24)]),
}
COUNTED.update(MY_COUNTED)
for _name, (_text, _numbers) in MY_COUNTED.items():
    for _values in _numbers:
        PHRASES[":".join([_name, *map(str, _values.values())])] = _text % _values

#: The fixed answer cards' words are spoken too.
CARD_TEXTS = [option.text for option in FACES_5 + YES_NO]


class Phrases:
    """``P.name`` (or ``P[name]``) in a template: the phrase in the current request's language."""

    def __getattr__(self, name: str) -> str:
        try:
            return gettext(PHRASES[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> str:
        return gettext(PHRASES[name])

    def count(self, name: str, **numbers: int) -> str:
        """A COUNTED sentence with its numbers, e.g. ``P.count("sign_count", done=1, total=5)``."""
        return gettext(COUNTED[name][0]) % numbers


#: The shared consent-page lines (for a questionnaire file that gives none, and the rights).
CONSENT_TEXTS = [line.text for line in default_lines()]


def all_texts() -> list[str]:
    """Every fixed respondent text, untranslated (build-audio translates per language), but the
    COUNTED sentences: those are translated before their numbers go in (``counted_texts``)."""
    counted = {
        ":".join([name, *map(str, values.values())]) for name, (_t, ns) in COUNTED.items() for values in ns
    }
    return [text for key, text in PHRASES.items() if key not in counted] + CARD_TEXTS + CONSENT_TEXTS


def counted_texts() -> list[str]:
    """Every COUNTED sentence with its numbers, in the request's language ("15 cwestiwn")."""
    return [gettext(text) % values for text, numbers in COUNTED.values() for values in numbers]
