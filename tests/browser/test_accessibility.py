"""axe-core on every respondent page: no WCAG 2.0 / 2.1 / 2.2 A or AA violations.

Each page is checked in portrait and landscape tablet sizes, in the default look and with the
biggest text, with pictures off, and in black and white. The test id names the setting, the size
and the page, e.g. ``test_no_axe_violations[bigger-1024x768-choose_many]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import LANDSCAPE, PORTRAIT, LiveServer
from tests.browser.helpers import begin, path_of, wait_for_scripts

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


@dataclass
class Tablet:
    """A respondent's tablet in one setting: a questionnaire under way, question 11 answered."""

    server: LiveServer
    setting: str
    page: Page
    context: BrowserContext

    def goto(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status == status, \
            f"{path}: {response.status if response else None}"
        wait_for_scripts(self.page)

    def with_session(self, **values: object) -> Page:
        """A fresh page whose session holds ``values`` and this setting's choices.

        For pages that the journey reaches only with a session it has just cleared (the list of
        services, the start page, thank you): the page is drawn as the person would see it with
        their settings.
        """
        app = self.server.app
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {**values, "ev_prefs": SETTINGS[self.setting]})
        self.context.clear_cookies()
        self.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                                   "url": self.server.url}])
        return self.page


def service_id(server: LiveServer) -> int:
    from app.db import db
    from app.models import Service

    with server.app.app_context():
        return db.session.query(Service).filter_by(name="Oak House").one().id


# How to reach each page from a tablet.
def _services(t: Tablet) -> None:
    t.with_session()
    t.goto("/")


def _start(t: Tablet) -> None:
    t.with_session(ev_service=service_id(t.server))
    t.goto("/")


def _thank_you(t: Tablet) -> None:
    t.with_session(ev_service=service_id(t.server))
    t.goto("/thank-you")


def _no_thanks(t: Tablet) -> None:
    t.with_session(ev_service=service_id(t.server), ev_questionnaire="your-support")
    t.goto("/no-thanks")


def _chosen_after_back(t: Tablet) -> None:
    t.goto("/q/12")
    t.page.click("a.button-back")
    t.page.wait_for_url("**/q/11")
    wait_for_scripts(t.page)
    assert t.page.locator("button.card[aria-pressed=true]").count() == 1


def _bad_request(t: Tablet) -> None:
    t.goto("/q/3")
    t.page.evaluate("document.querySelector('input[name=question]').value = 'not-this-one'")
    with t.page.expect_response(lambda r: r.request.method == "POST") as info:
        t.page.click("button.card[value=me]")
    assert info.value.status == 400
    wait_for_scripts(t.page)


def _path(path: str, status: int = 200) -> Callable[[Tablet], None]:
    return lambda t: t.goto(path, status)


PAGES: dict[str, Callable[[Tablet], None]] = {
    "services": _services,
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
def tablets(browser: Browser, module_live_server: LiveServer) -> Iterator[Callable[[str], Tablet]]:
    made: dict[str, Tablet] = {}

    def get(setting: str) -> Tablet:
        tablet = made.get(setting)
        if tablet is not None:
            # Pages reached through a made-up session leave it without a questionnaire.
            tablet.page.goto(module_live_server.url + "/q/1")
            if path_of(tablet.page) == "/q/1":
                return tablet
            tablet.context.close()
        context = browser.new_context(viewport=PORTRAIT)
        context.set_default_timeout(10_000)
        page = context.new_page()
        begin(page, module_live_server.url, module_live_server.code(),
              settings=SETTINGS[setting])
        page.goto(module_live_server.url + "/q/11")
        page.click("button.card[value=happy]")
        page.wait_for_url("**/q/12")
        made[setting] = tablet = Tablet(module_live_server, setting, page, context)
        return tablet

    yield get
    for tablet in made.values():
        tablet.context.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').strip()}"
                         .replace("\n", " "))
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_no_axe_violations(setting: str, size: str, name: str, tablets) -> None:
    tablet = tablets(setting)
    tablet.page.set_viewport_size(SIZES[size])
    PAGES[name](tablet)
    body_class = tablet.page.evaluate("document.body.className")
    expected_class = {"default": "text-normal", "bigger": "text-bigger",
                      "no-pictures": "pictures-off", "contrast": "contrast-high"}[setting]
    assert expected_class in body_class.split(), f"{name} is not in the {setting} look"
    results = AXE.run(tablet.page, options={"runOnly": {"type": "tag", "values": TAGS}})
    violations = results.response["violations"]
    assert not violations, (f"axe found {len(violations)} problems on {name} "
                            f"({path_of(tablet.page)}), {setting}, {size}:\n{describe(violations)}")
