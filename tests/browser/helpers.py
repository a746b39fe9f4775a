"""Helpers shared by the browser tests: the journey's start, the database's view, measuring."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from helpers.app import service_code
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Response

SHOTS = Path("/tmp/shots")
PORTRAIT = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
#: the most a page may move while it loads (cumulative layout shift, as Lighthouse counts it)
MAX_SHIFT = 0.01

#: Records every layout shift from the first paint on (buffered), as Lighthouse counts them, and
#: what moved (the start of each moved element's tag, for the failure's message).
CLS_SCRIPT = """
window.__shifts = 0;
window.__moved = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) { continue; }
    window.__shifts += entry.value;
    for (const source of entry.sources || []) {
      const node = source.node;
      window.__moved.push(node && node.outerHTML ? node.outerHTML.slice(0, 60) : String(node));
    }
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@dataclass
class LiveServer:
    url: str
    app: Flask

    def code(self, name: str = "Oak House") -> str:
        return service_code(self.app, name)

    def service_url(self, name: str = "Oak House") -> str:
        return f"{self.url}/at/{self.code(name)}"


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page picture in /tmp/shots for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def tap_and_wait(page: Page, selector: str, url_glob: str) -> None:
    """Tap the one element ``selector`` finds, then wait for the next page and its scripts."""
    locator = page.locator(selector)
    expect(locator).to_have_count(1)
    locator.tap()
    page.wait_for_url(url_glob)
    wait_for_scripts(page)


def settle(page: Page) -> float:
    """Wait for the page and its script, two frames more; the layout shift so far (CLS_SCRIPT)."""
    wait_for_scripts(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(100)
    return float(page.evaluate("() => window.__shifts"))


def path_of(page: Page) -> str:
    """The page's path (and query), without the server's address."""
    url = page.url
    return url[url.index("/", len("http://")) :]


def wait_for_scripts(page: Page) -> None:
    """The speaker buttons are shown by easyvoice.js once the document is ready."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('button.speak[hidden], .speak[data-wait]')")


# -- what the database holds -------------------------------------------------------------------------
@dataclass
class StoredAnswer:
    kind: str
    values: list[str] = field(default_factory=list)
    text: str | None = None


@dataclass
class StoredResponse:
    status: str
    finished: bool
    consent: bool
    answered_by: str
    helped_by: str | None
    others_present: str | None
    questionnaire: str
    answers: dict[str, StoredAnswer]


def stored_responses(app: Flask) -> list[StoredResponse]:
    """Every response in the database, read fresh in its own app context."""
    with app.app_context():
        out = []
        for response in db.session.scalars(select(Response).order_by(Response.id)):
            answers = {
                answer.question_key: StoredAnswer(answer.kind.value, answer.values, answer.text)
                for answer in response.answers
            }
            out.append(
                StoredResponse(
                    status=response.status,
                    finished=response.finished_at is not None,
                    consent=response.consent,
                    answered_by=response.answered_by,
                    helped_by=response.helped_by,
                    others_present=response.others_present,
                    questionnaire=response.version.slug,
                    answers=answers,
                )
            )
        return out


# -- colour and size ---------------------------------------------------------------------------------
def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour with 0-255 channels."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


# One script reads, for every visible element that holds text of its own, what the eye gets:
# its font size, its colour, and the colour behind it (the nearest ancestor with an opaque
# background; semi-transparent layers are mixed over what is beneath them).
TEXT_STYLES_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const background = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== 'none') layers.push({image: node.tagName});
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push({colour});
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255];  // the canvas behind everything
    for (let i = layers.length - 1; i >= 0; i--) {
      if (layers[i].colour) result = over(layers[i].colour, result);
    }
    return {rgb: result, images: layers.filter(l => l.image).map(l => l.image)};
  };
  const hidden = (element) => {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return true;
      if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return true;
    }
    const box = element.getBoundingClientRect();
    return box.width <= 1 || box.height <= 1;
  };
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += '#' + element.id;
    if (element.classList.length) name += '.' + [...element.classList].join('.');
    return name;
  };
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(element.tagName)) continue;
    const ownText = [...element.childNodes]
      .filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    const isField = element.tagName === 'TEXTAREA' || element.tagName === 'INPUT';
    if (!ownText && !isField) continue;
    if (element.tagName === 'INPUT' && ['hidden', 'checkbox', 'radio'].includes(element.type)) continue;
    if (hidden(element)) continue;
    const style = getComputedStyle(element);
    const bg = background(element);
    out.push({
      element: describe(element),
      text: (ownText || element.value || element.placeholder || '').slice(0, 40),
      fontSize: parseFloat(style.fontSize),
      color: parse(style.color),
      background: bg.rgb,
      backgroundImages: bg.images,
    });
  }
  return out;
}
"""


# -- the journey's first pages ------------------------------------------------------------------------
def begin(
    page: Page,
    base_url: str,
    code: str,
    slug: str = "your-support",
    settings: dict[str, str] | None = None,
    lang: str | None = None,
) -> None:
    """From the tablet's start link to question 1, choosing ``settings`` on the way (by clicks);
    ``lang`` names the language in the start link, as an organisation's printed link can."""
    page.goto(f"{base_url}/at/{code}" + (f"?lang={lang}" if lang else ""))
    page.click(f"a[href='/begin/{slug}'], a[href='/begin/{slug}?length=full']")
    choose_settings(page, settings)
    page.click("button[name=action][value=yes]")
    page.wait_for_url("**/q/1")


def choose_settings(page: Page, settings: dict[str, str] | None = None) -> None:
    """From the first settings screen to consent: "No, start", or one screen per setting."""
    page.wait_for_url("**/settings")
    if not settings:
        page.click("button[name=action][value=no]")
        page.wait_for_url("**/consent")
        return
    page.click("button[name=action][value=yes]")
    while "/settings/" in page.url:
        step = page.url.rsplit("/settings/", 1)[1].split("?")[0]
        if step in settings:
            page.click(f"label.card-check:has(input[name={step}][value={settings[step]}])")
        page.click("button.button-next")
        page.wait_for_load_state("load")
    page.wait_for_url("**/consent")


def assert_easy_read_sizes(page: Page, name: str, controls: str) -> None:
    """The easy-read rules measured in the browser: every visible control matching ``controls`` is
    at least 64 x 64 CSS px, and every visible text is at least 20 px with contrast of 7:1."""
    boxes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
      .filter(e => e.getClientRects().length)
      .map(e => { const r = e.getBoundingClientRect();
                  return {what: e.outerHTML.slice(0, 80), width: r.width, height: r.height}; })""",
        controls,
    )
    small = [b for b in boxes if b["width"] < 64 or b["height"] < 64]
    assert small == [], f"{name}: " + "; ".join(
        f"{b['width']:.0f}x{b['height']:.0f} {b['what']}" for b in small
    )
    problems = []
    for item in page.evaluate(TEXT_STYLES_JS):
        if item["fontSize"] < 20:
            problems.append(f"{item['fontSize']}px {item['element']} {item['text']!r}")
        ratio = contrast_ratio(tuple(item["color"][:3]), tuple(item["background"]))
        if ratio < 7:
            problems.append(f"contrast {ratio:.1f} {item['element']} {item['text']!r}")
    assert problems == [], f"{name}: " + "; ".join(problems)


#: The axe-core rule sets every page must pass: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE = Axe()


def assert_axe_clean(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, f"{name} ({path_of(page)}): " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:5]]}" for v in violations
    )


def axe_clean_at_both_sizes(page: Page, name: str) -> None:
    """axe-core finds nothing on this page at 1024 x 768 and 768 x 1024 (a picture kept of each)."""
    wait_for_scripts(page)
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{size['width']}")
        assert_axe_clean(page, f"{name} at {size['width']}x{size['height']}")
    page.set_viewport_size(LANDSCAPE)


def quality_lead_page(live_server: LiveServer, new_context) -> Page:  # type: ignore[no-untyped-def]
    """A quality lead of the demo organisation, signed in, on the overview (add_users first)."""
    from helpers.app import PASSWORD

    page = new_context(viewport=LANDSCAPE).new_page()
    page.goto(f"{live_server.url}/auth/sign-in")
    page.fill("#email", "quality_lead@demo.example")
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_url("**/provider/")
    return page
