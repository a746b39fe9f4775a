"""axe-core on every respondent page: no WCAG 2.0 / 2.1 / 2.2 A or AA violations.

Each page is checked in portrait and landscape tablet sizes, in the default look and with the
biggest text, with pictures off, and in black and white, in English, Welsh and Urdu (the shipped
catalogs; Urdu right to left). The test id names the language, the setting, the size and the page,
e.g. ``test_no_axe_violations[ur-bigger-1024x768-choose_many]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from .helpers import LANDSCAPE, PORTRAIT, LiveServer, begin, path_of, wait_for_scripts

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()

SETTINGS = {
    "default": {},
    "bigger": {"text": "bigger"},
    "no-pictures": {"pictures": "off"},
    "contrast": {"contrast": "on"},
}
SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
LANGUAGES = ["en_GB", "cy", "ur"]


@dataclass
class Tablet:
    """A respondent's tablet in one setting: a questionnaire under way, question 11 answered.

    ``visitor`` is a second tablet whose session the test writes itself, for pages that the
    journey reaches only with a session it has just cleared (the list of services, the start
    page, thank you): they are drawn as the person would see them with their settings.
    """

    server: LiveServer
    setting: str
    lang: str
    page: Page
    visitor: Page

    def goto(self, path: str, status: int = 200, page: Page | None = None) -> Page:
        page = page or self.page
        response = page.goto(self.server.url + path)
        assert response is not None and response.status == status, (
            f"{path}: {response.status if response else None}"
        )
        wait_for_scripts(page)
        return page

    def visit_with_session(self, path: str, **values: object) -> Page:
        app = self.server.app
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {**values, "ev_prefs": {**SETTINGS[self.setting], "locale": self.lang}}
        )
        context = self.visitor.context
        context.clear_cookies()
        context.add_cookies(
            [{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": self.server.url}]
        )
        return self.goto(path, page=self.visitor)


def service_id(server: LiveServer) -> int:
    from app.db import db
    from app.models import Service

    with server.app.app_context():
        return db.session.query(Service).filter_by(name="Oak House").one().id


# How to reach each page from a tablet.
def _services(t: Tablet) -> Page:
    return t.visit_with_session("/")


def _start(t: Tablet) -> Page:
    return t.visit_with_session("/", ev_service=service_id(t.server))


def _thank_you(t: Tablet) -> Page:
    # Thank you is drawn with the settings of the person who has just finished.
    return t.visit_with_session(
        "/thank-you",
        ev_service=service_id(t.server),
        ev_thanks_prefs={**SETTINGS[t.setting], "locale": t.lang},
    )


def _no_thanks(t: Tablet) -> Page:
    return t.visit_with_session("/no-thanks", ev_service=service_id(t.server))


def _chosen_after_back(t: Tablet) -> Page:
    page = t.goto("/q/12")
    page.click("a.button-back")
    page.wait_for_url("**/q/11")
    wait_for_scripts(page)
    assert page.locator("button.card[aria-pressed=true]").count() == 1
    return page


def _bad_request(t: Tablet) -> Page:
    page = t.goto("/q/3")
    page.evaluate("document.querySelector('input[name=question]').value = 'not-this-one'")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("button.card[value=me]")
    assert info.value.status == 400
    wait_for_scripts(page)
    return page


def _path(path: str, status: int = 200) -> Callable[[Tablet], Page]:
    return lambda t: t.goto(path, status)


PAGES: dict[str, Callable[[Tablet], Page]] = {
    "services": _services,
    "language": _path("/language"),
    "start": _start,
    "settings": _path("/settings"),
    "consent": _path("/consent"),
    "faces": _path("/q/1"),
    "choose_one": _path("/q/2"),
    "choose_many": _path("/q/6"),
    "yes_no": _path("/q/7"),
    "free_text": _path("/q/21"),
    "chosen_after_back": _chosen_after_back,
    "helped": _path("/end/helped"),
    "room": _path("/end/room"),
    "anything_else": _path("/end/anything_else"),
    "stop": _path("/stop?from=4"),
    "thank_you": _thank_you,
    "no_thanks": _no_thanks,
    "not_found": _path("/no-such-page", 404),
    "bad_request": _bad_request,
}


@pytest.fixture(scope="module")
def tablets(browser: Browser, module_live_server: LiveServer) -> Iterator[Callable[[str, str], Tablet]]:
    from helpers.i18n import offer_languages

    offer_languages(module_live_server.app, " ".join(LANGUAGES[1:]))
    made: dict[tuple[str, str], Tablet] = {}
    contexts: list[BrowserContext] = []

    def new_page() -> Page:
        context = browser.new_context(viewport=PORTRAIT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    def get(setting: str, lang: str) -> Tablet:
        if (setting, lang) not in made:
            page = new_page()
            server = module_live_server
            begin(page, server.url, server.code(), settings=SETTINGS[setting], lang=lang)
            page.goto(server.url + "/q/11")
            page.click("button.card[value=happy]")
            page.wait_for_url("**/q/12")
            made[setting, lang] = Tablet(server, setting, lang, page, new_page())
        return made[setting, lang]

    yield get
    for context in contexts:
        context.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').strip()}".replace("\n", " "))
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_axe_violations(lang: str, setting: str, size: str, name: str, tablets) -> None:
    tablet = tablets(setting, lang)
    tablet.page.set_viewport_size(SIZES[size])
    tablet.visitor.set_viewport_size(SIZES[size])
    page = PAGES[name](tablet)
    body_class = page.evaluate("document.body.className")
    expected_class = {
        "default": "text-normal",
        "bigger": "text-bigger",
        "no-pictures": "pictures-off",
        "contrast": "contrast-high",
    }[setting]
    assert expected_class in body_class.split(), f"{name} is not in the {setting} look"
    assert page.get_attribute("html", "lang") == lang.replace("_", "-"), f"{name} is not in {lang}"
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    violations = results.response["violations"]
    assert not violations, (
        f"axe found {len(violations)} problems on {name} "
        f"({path_of(page)}), {lang}, {setting}, {size}:\n{describe(violations)}"
    )
