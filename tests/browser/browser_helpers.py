"""Helpers of the browser tests: where things are, screenshots, the axe-core check."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TERC = ROOT / "demo" / "terc_sample.csv"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: the accessibility standard the law asks for: WCAG 2.1, levels A and AA
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ADMIN_EMAIL = "admin@rops.example.pl"
ADMIN_PASSWORD = "bardzo-tajne-haslo-123"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """Screenshot the page, then fail with a readable list if axe finds anything."""
    screenshot(page, name)
    title = page.title()  # WCAG 2.4.2: a short title that says what the page is
    sane = bool(title) and "<" not in title and len(title) < 200
    assert sane, f"{name}: tytuł strony {title!r}"
    violations = axe_violations(page)
    assert not violations, f"{name} ({page.url}):\n{describe(violations)}"
