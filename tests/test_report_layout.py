"""The HTML report in a meeting room and on a phone: what headless Chromium draws.

Screenshots at 390 and 1400 CSS pixels wide are saved in the test output
folder (`test-output/` at the repository root, or $SALESFLOW_TEST_OUTPUT) for a
person to look at. From the DOM, the page's own script reports which elements
reach past the viewport and which stage labels are not shown whole; both lists
must be empty at both widths.

Headless Chromium will not make a window narrower than 500 pixels, so the
phone width is an iframe 390 pixels wide: its viewport, media queries and
layout are those of a 390-pixel screen.
"""

from __future__ import annotations

import html
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, WS
from tests.test_report_browser import FLAGS, Cells, chromium  # noqa: F401  (fixture)

LONG_STAGE = "Commercial negotiation with the customer's procurement and legal departments"
WIDTHS = (390, 1400)


def output_folder() -> Path:
    folder = Path(os.environ.get("SALESFLOW_TEST_OUTPUT") or REPO / "test-output")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def phone_frame(page: Path, width: int) -> Path:
    """A page holding the report in an iframe `width` pixels wide (srcdoc: same origin)."""
    text = page.read_text(encoding="utf-8")
    frame = page.with_name(f"frame-{width}.html")
    frame.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{margin:0;"
        "background:#444}iframe{border:0;background:#fff;display:block}</style></head><body>"
        f'<iframe id="f" width="{width}" height="3000" srcdoc="{html.escape(text, quote=True)}">'
        "</iframe><div id='outer-facts'></div><script>"
        "document.getElementById('f').addEventListener('load', function () {"
        "var inner = this.contentDocument.getElementById('render-facts');"
        "var out = document.getElementById('outer-facts');"
        "for (var i = 0; i < inner.attributes.length; i++) {"
        "var a = inner.attributes[i]; if (a.name.indexOf('data-') === 0) "
        "out.setAttribute(a.name, a.value); } });"
        "</script></body></html>", encoding="utf-8")
    return frame


def draw(browser: str, page: Path, width: int, tmp_path: Path, name: str) -> dict[str, str]:
    """Screenshot `page` at `width` into the output folder; the render facts from its DOM."""
    target = page if width >= 500 else phone_frame(page, width)
    window = f"--window-size={max(width, 500)},3000"
    flags = [a for a in FLAGS if not a.startswith("--window-size")]
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    shot = output_folder() / f"{name}-{width}.png"
    done = subprocess.run([browser, *flags, window, profile, f"--screenshot={shot}",
                           target.as_uri()], capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0 and shot.stat().st_size > 10_000, done.stderr[-2000:]
    dom = subprocess.run([browser, *flags, window, profile, "--dump-dom", target.as_uri()],
                         capture_output=True, text=True, timeout=180, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    cells = Cells()
    cells.feed(dom.stdout)
    facts = cells.by_id("outer-facts" if target is not page else "render-facts")["attrs"]
    assert facts.get("data-ready") == "yes", facts
    return facts


@pytest.fixture
def meeting(demo: WS) -> WS:
    """The demo pipeline, with a stage name long enough to need two lines on a phone."""
    text = demo.read("stages.yaml").replace("name: Commercial negotiation",
                                            f'name: "{LONG_STAGE}"')
    demo.write("stages.yaml", text)
    return demo


@pytest.mark.browser
@pytest.mark.parametrize("weekly", [(), ("--since", "7d")], ids=["report", "since"])
@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_overflows_and_every_stage_label_is_whole(
        chromium: str, meeting: WS, tmp_path: Path, width: int,  # noqa: F811
        weekly: tuple[str, ...]) -> None:
    page = tmp_path / "weekly.html"
    result = meeting.run("report", "--html", str(page), *weekly)
    assert result.exit_code == 0, result.stderr
    assert LONG_STAGE.replace("'", "&#x27;") in page.read_text(encoding="utf-8")
    facts = draw(chromium, page, width, tmp_path, "weekly" if weekly else "report")
    assert facts["data-viewport"] == str(width)
    assert facts["data-page-width"] == str(width)  # no sideways scrolling
    assert facts["data-overflow"] == ""  # no element reaches past the viewport
    assert facts["data-labels"] == "8"
    assert facts["data-labels-cut"] == ""  # every stage label whole, inside its row
    if width >= 1400:
        assert int(facts["data-chart-width"]) > 500  # full width: the chart uses the room


@pytest.mark.browser
def test_the_page_has_the_meeting_sections(meeting: WS, tmp_path: Path) -> None:
    page = tmp_path / "weekly.html"
    assert meeting.run("report", "--html", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    for ident in ("funnel-chart", "forecast-chart", "owners", "risks", "deals-table"):
        assert f'id="{ident}"' in text
    assert "@media print" in text and "@media (max-width:700px)" in text
    assert "http://" not in text and "https://" not in text  # one self-contained file
    assert 'data-owner="li.wei"' in text
    assert "Overdue next steps" in text
    assert 'data-field="next_step"' in text and 'data-field="days_in_stage"' in text
    assert "WON CNY" in text.upper() and "to 20" in text  # "Won" names its period
