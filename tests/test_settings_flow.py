"""Settings that don't stand in the way (issue 10, item 6), through the test client.

Defaults, then one screen "Do you want to change how it looks or sounds?"; if yes, one setting
per screen in a fixed order with On before Off; reached again from a question with ``?then=``,
back to the same question with its answers unchanged; Back during a handover stays with the person.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import service_code, submission_id
from helpers.journey import answer, questions, stored
from helpers.visit_steps import hand_over, open_visit_for, token_in

from app.respond.forms import SETTINGS_CHOICES

ORDER = ["who", "text", "pictures", "contrast", "read_aloud", "autoplay"]


def chosen_start(client: FlaskClient, app: Flask, slug: str = "your-support") -> None:
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").headers["Location"] == "/settings"


def consent_yes(client: FlaskClient) -> None:
    page = client.get("/consent").get_data(as_text=True)
    result = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert result.headers["Location"] == "/q/1"


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]+)"', html)


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]+)" checked>', html)


def prefs_of(client: FlaskClient) -> dict[str, str]:
    with client.session_transaction() as session:
        return dict(session.get("ev_prefs", {}))


def test_the_first_screen_asks_once_and_no_goes_straight_to_consent_with_defaults(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    html = client.get("/settings").get_data(as_text=True)
    assert "Do you want to change how it looks or sounds?" in html
    assert 'value="no"' in html and "No, start" in html and 'value="yes"' in html and "Yes, change it" in html
    assert 'type="radio"' not in html  # no settings on this screen: just the question
    result = client.post("/settings", data={"action": "no"})
    assert result.headers["Location"] == "/consent"
    assert prefs_of(client) | {"locale": "x"} == {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": "x",
    }
    consent_yes(client)


def test_yes_shows_one_setting_per_screen_in_order_on_before_off(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    assert client.post("/settings", data={"action": "yes"}).headers["Location"] == "/settings/who"
    picks = {"who": "family", "text": "bigger", "pictures": "on", "contrast": "on", "read_aloud": "off"}
    for index, step in enumerate(ORDER):
        html = client.get(f"/settings/{step}").get_data(as_text=True)
        # This screen's setting and no other.
        assert radio_values(html, step) == [value for value, _ in SETTINGS_CHOICES[step]]
        assert all(radio_values(html, other) == [] for other in ORDER if other != step)
        if "on" in radio_values(html, step):
            assert radio_values(html, step) == ["on", "off"]  # On always before Off
        assert len(checked(html, step)) == 1  # the default (or the choice so far) is chosen
        assert f"Setting {index + 1} of 6" in html
        back = "/settings" if index == 0 else f"/settings/{ORDER[index - 1]}"
        assert f'class="button button-back" href="{back}"' in html
        assert "Next" in html
        result = client.post(f"/settings/{step}", data={step: picks.get(step, "off")})
        assert result.headers["Location"] == (
            f"/settings/{ORDER[index + 1]}" if index + 1 < len(ORDER) else "/consent"
        )
    assert {k: v for k, v in prefs_of(client).items() if k != "locale"} == {**picks, "autoplay": "off"}
    # The choice shows as chosen when the person comes back to a screen.
    assert checked(client.get("/settings/text").get_data(as_text=True), "text") == ["bigger"]
    consent_yes(client)
    assert 'class="text-bigger contrast-high' in client.get("/q/1").get_data(as_text=True)


def test_a_bad_setting_or_step_is_a_friendly_error(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    for step, value in [("text", "enormous"), ("who", "robot"), ("pictures", "maybe")]:
        result = client.post(f"/settings/{step}", data={step: value})
        assert result.status_code == 400 and "Something went wrong" in result.get_data(as_text=True)
    assert client.get("/settings/volume").status_code == 404
    assert client.post("/settings", data={"action": "explode"}).status_code == 400


def test_settings_mid_questionnaire_return_to_the_same_question_with_answers_kept(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    client.post("/settings", data={"action": "no"})
    consent_yes(client)
    qs = questions(no_csrf_app)
    answer(client, 1, qs[0].id, answer="happy")
    answer(client, 2, qs[1].id, answer=qs[1].choices[0].value)
    before = stored(no_csrf_app)
    html = client.get("/settings?then=3").get_data(as_text=True)
    assert 'class="button button-back" href="/q/3"' in html  # Back: to the question
    assert (
        client.post("/settings?then=3", data={"action": "yes"}).headers["Location"] == "/settings/who?then=3"
    )
    for step in ORDER:
        html = client.get(f"/settings/{step}?then=3").get_data(as_text=True)
        assert "?then=3" in html
        result = client.post(f"/settings/{step}?then=3", data={step: "bigger" if step == "text" else ""})
    assert result.headers["Location"] == "/q/3"
    assert prefs_of(client)["text"] == "bigger"
    html = client.get("/q/3").get_data(as_text=True)
    assert "text-bigger" in html and qs[2].text in html
    assert stored(no_csrf_app) == before
    # "No, start" from a closing step goes back to it too.
    assert client.post("/settings?then=room", data={"action": "no"}).headers["Location"] == "/end/room"


@pytest.mark.parametrize(
    "then",
    [
        "https://evil.example/",
        "//evil.example",
        "0",
        "99",
        "-1",
        "finish",
        "closing",
        "3 ",
        "%2F%2Fevil",
        "1" * 40,
    ],
)
def test_a_bad_then_never_leaves_the_journey(no_csrf_app: Flask, then: str) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    client.post("/settings", data={"action": "no"})
    consent_yes(client)
    html = client.get("/settings", query_string={"then": then}).get_data(as_text=True)
    assert "evil" not in html
    result = client.post("/settings", query_string={"then": then}, data={"action": "no"})
    assert result.headers["Location"] == "/consent"  # the normal next place, never elsewhere
    result = client.post("/settings", query_string={"then": then}, data={"action": "yes"})
    assert result.headers["Location"] == "/settings/who"


def test_then_without_an_open_response_is_ignored(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    chosen_start(client, no_csrf_app)
    assert client.post("/settings?then=3", data={"action": "no"}).headers["Location"] == "/consent"


def test_back_from_the_first_settings_screen_during_a_handover_stays_with_the_person(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id)
    assert client.get("/begin/your-support").headers["Location"] == "/settings"
    html = client.get("/settings").get_data(as_text=True)
    back = re.search(r'class="button button-back" href="([^"]+)"', html).group(1)
    assert back == "/begin/your-support"
    # Following Back lands on a respondent page (the settings again), not "Give the tablet back".
    result = client.get(back, follow_redirects=True)
    html = result.get_data(as_text=True)
    assert result.request.path == "/settings"
    assert "Do you want to change how it looks or sounds?" in html and "give-back" not in result.request.path
    # The one-per-screen settings are open to the person during the handover too.
    token = token_in(html)
    assert client.post("/settings", data={"action": "yes", "csrf_token": token}).headers["Location"] == (
        "/settings/who"
    )
    html = client.get("/settings/who").get_data(as_text=True)
    assert "Who is answering?" in html
    back = re.search(r'class="button button-back" href="([^"]+)"', html).group(1)
    assert back == "/settings"
