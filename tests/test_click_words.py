"""Click's own words under --lang zh: usage errors, "Usage:", the help panels; per invocation.

Typer vendors Click with English f-strings; `cli._click_words` rebuilds each
usage error in the invocation's language from the exception's facts. Run
through the real CLI, one language after the other in one process, so a
word left over from the previous invocation would show.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import WS

FRAME = re.compile(r"[│╭╰─╮╯]")


def said(text: str) -> str:
    """The stderr of a usage error without the panel's frame, one line per line."""
    return "\n".join(" ".join(FRAME.sub(" ", line).split()) for line in text.splitlines())


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("funel",),
     ["用法：salesflow [OPTIONS] COMMAND [ARGS]...", "运行 'salesflow -h' 查看帮助。", "错误",
      "没有 'funel' 这个命令。你是不是想输入 'funnel'？"],
     ["Usage: salesflow [OPTIONS] COMMAND [ARGS]...", "Try 'salesflow -h' for help.", "Error",
      "No such command 'funel'. Did you mean 'funnel'?"]),
    (("funnel", "--ownr", "li.wei"),
     ["用法：salesflow funnel [OPTIONS]", "运行 'salesflow funnel -h' 查看帮助。",
      "没有这个选项：--ownr（你是不是想用：--owner？）"],
     ["Usage: salesflow funnel [OPTIONS]", "Try 'salesflow funnel -h' for help.",
      "No such option: --ownr (Possible options: --owner)"]),
    (("show",), ["用法：salesflow show [OPTIONS] {DEAL}", "缺少参数 'DEAL'。"],
     ["Usage: salesflow show [OPTIONS] {DEAL}", "Missing argument 'DEAL'."]),
    (("funnel", "--format", "xml"),
     ["'--format' / '-f' 的值无效：'xml' 不是 'table', 'json', 'csv' 之一。"],
     ["Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'csv'."]),
    (("funnel", "--owner"), ["选项 '--owner' 需要一个值。"],
     ["Option '--owner' requires an argument."]),
    (("funnel", "extra"), ["多出了无法识别的参数（extra）"],
     ["Got unexpected extra argument(s) (extra)"]),
])
def test_usage_errors_speak_the_invocations_language(ws: WS, args: tuple[str, ...],
                                                     zh: list[str], en: list[str]) -> None:
    chinese = ws.run("--lang", "zh", *args)
    english = ws.run("--lang", "en", *args)  # right after, in the same process
    assert chinese.exit_code == english.exit_code == 2
    for line in zh:
        assert line in said(chinese.stderr), said(chinese.stderr)
    for line in en:
        assert line in said(english.stderr), said(english.stderr)
    assert not re.search(r"Usage|Error|Missing|No such|Try ", chinese.stderr)


def test_help_has_chinese_words_around_the_options(ws: WS) -> None:
    chinese = said(ws.run("--lang", "zh", "funnel", "-h").stdout).strip()
    assert chinese.startswith("用法：salesflow funnel [OPTIONS]")
    assert "选项" in chinese and "Options" not in chinese
    assert "[默认：" in chinese and "[default:" not in chinese
    assert "显示本帮助后退出。" in chinese and "Show this message" not in chinese
    top = said(ws.run("--lang", "zh", "-h").stdout)
    assert "命令" in top and "Commands" not in top and "[环境变量：SALESFLOW_ROOT]" in top
    english = said(ws.run("--lang", "en", "funnel", "-h").stdout).strip()
    assert english.startswith("Usage: salesflow funnel [OPTIONS]")
    assert "Options" in english and "[default:" in english and "选项" not in english
    assert "Show this message and exit." in english


def test_a_wrong_language_is_a_usage_error_in_english(ws: WS) -> None:
    wrong = ws.run("--lang", "fr", "funnel")
    assert wrong.exit_code == 2 and "Invalid value for '--lang'" in said(wrong.stderr)
