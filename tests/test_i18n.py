"""The translation layer: the catalog, the language choice, help and machine output.

The catalog-completeness test extracts every translatable string from the code
(Babel's extractor, plus Typer's `help=` texts and command docstrings; see
tests/catalog.py) and fails when a Chinese entry is missing, fuzzy or has
other `{placeholders}` than the English.
"""

from __future__ import annotations

import gettext
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesflow.cli import _lang
from salesflow.model import i18n
from salesflow.model.i18n import N_, _, ngettext
from tests import catalog
from tests.conftest import REPO, TEMPLATES, WS

# Every string of the package is translated; the completeness test holds all of it to that.
COVERED = ("src/salesflow/",)


def _covered(problem: str) -> bool:
    return problem.startswith(COVERED)


def test_every_string_of_the_covered_modules_has_a_chinese_translation() -> None:
    found = [p for p in catalog.problems() if _covered(p)]
    assert not found, "\n".join(found) + "\n(python -m tests.catalog update, then translate)"


def test_the_catalog_has_no_fuzzy_entry_and_no_wrong_placeholder() -> None:
    po = catalog.read_po()
    bad = []
    for entry in po:
        if not entry.id:
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            bad.append(f"{entry.id!r}: fuzzy")
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        want = set().union(*(set(catalog.PLACEHOLDER.findall(s)) for s in ids))
        bad += [f"{entry.id!r}: placeholders in {s!r}" for s in strings
                if s and set(catalog.PLACEHOLDER.findall(s)) != want]
    assert not bad, "\n".join(bad)


def test_the_completeness_check_catches_missing_fuzzy_and_placeholders() -> None:
    po = catalog.read_po()
    some = next(m for m in po if m.id and "{" in str(m.id) and m.string)
    some.string = "没有占位符"
    assert any("placeholders" in p for p in catalog.problems(po))
    some.flags.add("fuzzy")
    assert any(": fuzzy" in p for p in catalog.problems(po))
    po.delete(some.id, context=some.context)
    assert any(": missing" in p for p in catalog.problems(po))


def test_only_literal_strings_are_marked() -> None:
    assert catalog.non_literal_calls() == []


def test_no_function_shadows_the_translation_function() -> None:
    """`x, _ = pair` in a function that also says `_("...")` breaks it at run time."""
    import ast

    scopes = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)

    def own(node: ast.AST) -> Iterator[ast.AST]:
        """The nodes of a function's own scope (a comprehension's variables are its own)."""
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, scopes):
                yield child
                yield from own(child)

    bad = []
    for path in sorted(catalog.SRC.rglob("*.py")):
        for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            stores = [n for n in own(func) if isinstance(n, ast.Name) and n.id == "_"
                      and isinstance(n.ctx, ast.Store)]
            calls = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == "_"
                     and isinstance(n.ctx, ast.Load)]
            if stores and calls:
                bad.append(f"{path.relative_to(REPO)}:{func.lineno}: {func.name}")
    assert bad == []


def test_the_shipped_mo_is_the_compiled_po() -> None:
    shipped = gettext.GNUTranslations(io.BytesIO(catalog.MO.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(catalog.compiled(catalog.read_po())))
    assert shipped._catalog == fresh._catalog, (  # type: ignore[attr-defined]
        "the .mo is stale: python -m tests.catalog compile")


def test_translate_format_plural_and_marker() -> None:
    with i18n.using("zh"):
        assert _("Options") == "选项"
        assert _("{value!r} is not a language: use en or zh").format(value="fr") == (
            "'fr' 不是可用的语言：请用 en 或 zh")
        assert _("never seen before") == "never seen before"
        assert ngettext("{n} deal", "{n} deals", 2) == "{n} 个商机"
        assert ngettext("{n} thing never seen", "{n} things never seen", 2) == (
            "{n} things never seen")
    with i18n.using("en"):
        assert _("Options") == "Options"
        assert ngettext("{n} deal", "{n} deals", 1) == "{n} deal"
    assert N_("Options") == "Options"


def test_a_deferred_choice_is_decided_once() -> None:
    calls: list[int] = []

    def decide() -> str:
        calls.append(1)
        return "zh"

    with i18n.using(decide):
        assert _("Options") == "选项"
        assert _("Commands") == "命令"
    assert calls == [1]
    with i18n.using(lambda: "klingon"):
        assert i18n.language() == "en"


@pytest.mark.parametrize(("value", "lang"), [
    ("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("zh", "zh"), ("en_GB.UTF-8", "en"),
    ("C.UTF-8", None), ("POSIX", None), ("fr_FR", None), ("", None),
])
def test_locale_names(value: str, lang: str | None) -> None:
    assert _lang.normalise(value) == lang


def _zh_ws(tmp_path: Path) -> WS:
    root = tmp_path / "zh"
    (root / "deals").mkdir(parents=True)
    shutil.copy(TEMPLATES / "stages.zh.yaml", root / "stages.yaml")
    return WS(root)


HELP_ZH = "用 git 中的纯 YAML 文件管理 B2B 销售漏斗。"
HELP_EN = "A B2B sales pipeline kept as plain YAML files in git."


def test_the_language_first_match_wins(ws: WS, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    zh = _zh_ws(tmp_path)
    # the workspace's language: zh (init --lang zh writes it)
    assert HELP_ZH in zh.run("--help").stdout
    # ... beaten by $SALESFLOW_LANG, beaten by --lang
    monkeypatch.setenv("SALESFLOW_LANG", "en")
    assert HELP_EN in zh.run("--help").stdout
    assert HELP_ZH in zh.run("--lang", "zh", "--help").stdout
    monkeypatch.delenv("SALESFLOW_LANG")
    assert HELP_EN in zh.run("--lang", "en", "--help").stdout
    # an English workspace has no language: the locale decides, LC_ALL before LANG
    assert HELP_EN in ws.run("--help").stdout
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert HELP_ZH in ws.run("--help").stdout
    monkeypatch.setenv("LC_MESSAGES", "en_US.UTF-8")
    assert HELP_EN in ws.run("--help").stdout
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert HELP_ZH in ws.run("--help").stdout
    # outside any workspace, with no locale: English
    monkeypatch.delenv("LC_ALL")
    monkeypatch.delenv("LC_MESSAGES")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert HELP_EN in ws.run("--help", cwd=tmp_path).stdout


def test_each_invocation_speaks_its_own_language(ws: WS) -> None:
    assert HELP_ZH in ws.run("--lang", "zh", "--help").stdout
    assert HELP_EN in ws.run("--help").stdout
    assert i18n.language() == "en"


def test_a_wrong_language_is_a_usage_error(ws: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    done = ws.run("--lang", "fr", "list")
    assert done.exit_code == 2
    assert "'fr' is not a language: use en or zh" in done.stderr
    monkeypatch.setenv("SALESFLOW_LANG", "xx")
    assert ws.run("list").exit_code == 2


def test_subcommand_help_and_panels_are_translated(ws: WS) -> None:
    out = ws.run("--lang", "zh", "list", "--help").stdout
    assert "选项" in out and "Options" not in out
    assert "工作区文件夹" in ws.run("--lang", "zh", "--help").stdout


def test_a_sub_group_keeps_the_lang_given_before_it(ws: WS, tmp_path: Path) -> None:
    zh = _zh_ws(tmp_path)
    english = "The customer as a file of its own"
    assert english in zh.run("--lang", "en", "account", "--help").stdout
    assert "命令" not in zh.run("--lang", "en", "account", "--help").stdout
    assert english not in ws.run("--lang", "zh", "account", "--help").stdout
    assert "命令" in ws.run("--lang", "zh", "account", "person", "--help").stdout


def test_init_lang_zh_writes_the_language(tmp_path: Path) -> None:
    ws = WS(tmp_path)
    assert ws.run("init", "p", "--lang", "zh").exit_code == 0
    assert "\nlanguage: zh\n" in (tmp_path / "p" / "stages.yaml").read_text(encoding="utf-8")
    assert _lang.workspace_language(str(tmp_path / "p")) == "zh"


def test_init_lang_zh_says_what_it_did_in_chinese_unless_told_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    ws = WS(tmp_path)
    zh = ws.run("init", "zh", "--lang", "zh")
    assert zh.stdout.startswith("已创建 zh/stages.yaml, zh/deals/"), zh.stdout
    assert "下一步：salesflow new <id> --customer <客户名称>" in zh.stderr
    en = ws.run("--lang", "en", "init", "en", "--lang", "zh")  # the invocation's own choice
    assert en.stdout.startswith("created en/stages.yaml"), en.stdout
    assert ws.run("init", "plain").stdout.startswith("created plain/stages.yaml")


def test_a_bad_language_in_stages_yaml_is_a_problem(ws: WS) -> None:
    text = ws.read("stages.yaml").replace("currency: CNY", "currency: CNY\nlanguage: fr")
    ws.write("stages.yaml", text)
    done = ws.run("validate")
    assert done.exit_code == 1
    assert "stages.yaml:" in done.stdout + done.stderr and "language" in done.stdout + done.stderr


def test_json_is_the_same_in_every_language(demo: WS) -> None:
    for command in (["list", "--format", "json"], ["funnel", "--format", "json"],
                    ["list", "--format", "csv"], ["review", "--format", "json"]):
        en = demo.run("--lang", "en", *command)
        zh = demo.run("--lang", "zh", *command)
        assert (zh.exit_code, zh.stdout) == (en.exit_code, en.stdout), command
    json.loads(demo.run("--lang", "zh", "list", "--format", "json").stdout)


@pytest.mark.slow
def test_a_wheel_carries_the_compiled_catalog(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(REPO)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("salesflow-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "salesflow/locale/zh_Hans/LC_MESSAGES/salesflow.mo" in names
    assert "salesflow/locale/zh_Hans/LC_MESSAGES/salesflow.po" in names


def test_the_editable_install_reads_the_catalog_from_the_package() -> None:
    import salesflow

    mo = Path(salesflow.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "salesflow.mo"
    assert mo.is_file()
    assert i18n.catalog("zh").gettext("Options") == "选项"
