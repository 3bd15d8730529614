"""The HTML report in Chinese: every heading Chinese, money as `¥`, and no tofu in Chromium.

A Chinese page is worthless if the reader's machine draws boxes (tofu) for the
characters. The test renders the page of a workspace made by `init --lang zh`
in headless Chromium and, inside the page, draws each heading's characters on
a canvas in the heading's own font: a missing glyph is the font's one
`.notdef` box, the same picture for every character, so two different Chinese
characters that draw identical pixels are tofu. The control: two code points
no font has (U+10FFFD, U+10FFFC) must draw identically, i.e. the check does
see tofu when there is some. The screenshot is saved for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import WS
from tests.test_report_browser import FLAGS, Cells, chromium  # noqa: F401  (fixture)
from tests.test_report_layout import output_folder

DEAL = """\
name: 总装车间MES一期
customer: 佛山美达家电有限公司
owner: 李伟
amount: 1250000
stage: B
expected_close: 2027-03-31
history:
  - {date: 2026-11-02, to: A, by: 李伟}
  - {date: 2026-11-20, from: A, to: B, by: 李伟}
"""

# Draws characters on a canvas in an element's font and compares the pixels.
PROBE = """
<div id="glyph-facts" hidden></div>
<script>
(function () {
  function picture(ch, font) {
    var c = document.createElement('canvas'); c.width = 64; c.height = 64;
    var x = c.getContext('2d'); x.font = font; x.fillStyle = '#000';
    x.textBaseline = 'top'; x.fillText(ch, 4, 4);
    return {data: Array.prototype.join.call(x.getImageData(0, 0, 64, 64).data, ''),
            width: x.measureText(ch).width};
  }
  var out = document.getElementById('glyph-facts');
  var heads = document.querySelectorAll('h1, h2, h3, th');
  var chinese = 0, tofu = [];
  for (var i = 0; i < heads.length; i++) {
    var s = getComputedStyle(heads[i]);
    var font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
    var chars = (heads[i].textContent.match(/[\\u4e00-\\u9fff]/g) || []);
    var seen = {};
    for (var k = 0; k < chars.length; k++) seen[chars[k]] = picture(chars[k], font);
    var keys = Object.keys(seen);
    chinese += keys.length;
    var missing = picture('\\u{10FFFD}', font);
    for (var a = 0; a < keys.length; a++) {
      var p = seen[keys[a]];
      if (p.data === missing.data) tofu.push(keys[a]);
      for (var b = a + 1; b < keys.length; b++) {
        if (p.data === seen[keys[b]].data) tofu.push(keys[a] + keys[b]);
      }
    }
  }
  var body = getComputedStyle(document.body).font;
  var m1 = picture('\\u{10FFFD}', body), m2 = picture('\\u{10FFFC}', body);
  out.dataset.chinese = String(chinese);
  out.dataset.tofu = tofu.join(' ');
  out.dataset.controlSame = String(m1.data === m2.data && m1.width === m2.width);
  out.dataset.family = getComputedStyle(document.body).fontFamily;
  out.dataset.ready = 'yes';
})();
</script>
"""


@pytest.fixture
def zh(tmp_path: Path) -> WS:
    root = tmp_path / "管道"
    assert WS(tmp_path).run("init", str(root), "--lang", "zh").exit_code == 0
    ws = WS(root)
    ws.deal("meida-mes", DEAL)
    return ws


def test_the_chinese_page_is_chinese(zh: WS) -> None:
    result = zh.run("report", "--html", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert '<html lang="zh-Hans">' in page
    headings = re.findall(r"<h2>([^<]*)</h2>", page)
    assert headings[:3] == ["销售漏斗", "按季度的销售预测", "按负责人"]
    assert "漏斗统计" in headings and "商机（1）" in headings
    assert "<th>阶段</th>" in page and "<th>负责人</th>" in page
    assert "¥1,250,000" in page  # money the Chinese way, exact in data-exact
    assert 'data-exact="1250000.00"' in page
    assert re.search(r"截至\d{4}年\d{1,2}月\d{1,2}日", page)  # prose dates in Chinese
    assert '"Microsoft YaHei"' in page and '"PingFang SC"' in page
    assert '"Noto Sans CJK SC"' in page and '"WenQuanYi Micro Hei"' in page
    weekly = zh.run("report", "--html", "-", "--since", "7d").stdout
    assert "加权 937,500 +0 = 937,500 CNY：起点 + 变化 = 终点。" in weekly  # no bare "0"
    english = zh.run("--lang", "en", "report", "--html", "-").stdout
    assert '<html lang="en">' in english and "<h2>Funnel</h2>" in english
    assert "1,250,000" in english and "¥" not in english


@pytest.mark.browser
def test_chromium_draws_the_chinese_headings_with_a_real_font(
        chromium: str, zh: WS, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "周报.html"
    result = zh.run("report", "--html", str(page), "--since", "7d")
    assert result.exit_code == 0, result.stderr
    text = page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>")
    probe = tmp_path / "probe.html"
    probe.write_text(text, encoding="utf-8")
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    shot = output_folder() / "report-zh-1280.png"
    done = subprocess.run([chromium, *FLAGS, profile, f"--screenshot={shot}", probe.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0 and shot.stat().st_size > 10_000, done.stderr[-2000:]
    dom = subprocess.run([chromium, *FLAGS, profile, "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=180, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    cells = Cells()
    cells.feed(dom.stdout)
    facts = cells.by_id("glyph-facts")["attrs"]
    assert facts.get("data-ready") == "yes", facts
    assert facts["data-control-same"] == "true"  # the check sees tofu where there is tofu
    assert int(facts["data-chinese"]) > 40  # many distinct Chinese characters were drawn
    assert facts["data-tofu"] == ""  # and each one is a real glyph, none a box
    assert facts["data-family"].startswith('"PingFang SC"')  # the Chinese stack is in force
