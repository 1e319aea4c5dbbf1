"""Messages that say what happened and what to do, in the terms of whoever is asking: the
library names ``Limits(...)``, the command line its flags. Commands run as subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import InputError, LimitError, Limits, RulesError, clean_bytes, clean_file
from pipeline.rules import builtin_rules_path, load_rules
from tests.conftest import SEED_FILES
from tests.processes import run_cli

BUILTIN = builtin_rules_path().read_text(encoding="utf-8")


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_explain_of_a_missing_file_says_there_is_no_such_file(tmp_path: Path) -> None:
    result = run_cli("explain", "missing.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "article-clean: no such file: missing.txt\n"


def test_the_library_on_a_missing_file_says_to_check_the_name(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        clean_file(tmp_path / "missing.txt")
    message = str(error.value)
    assert message.startswith(f"{tmp_path}/missing.txt: cannot read: No such file or directory;")
    assert "check the name" in message
    assert "while the run went on" not in message


def test_clean_bytes_given_a_str_says_to_pass_bytes() -> None:
    with pytest.raises(TypeError) as error:
        clean_bytes("a str", source_id="x")  # type: ignore[arg-type]
    assert str(error.value) == (
        "clean_bytes takes the document's bytes, not str; pass text.encode('utf-8') for text "
        "already decoded, or clean_file(path) for a file"
    )


def test_a_limit_is_named_in_the_library_s_terms_and_the_cli_s(tmp_path: Path) -> None:
    with pytest.raises(LimitError) as error:
        clean_file(SEED_FILES[0], limits=Limits(max_bytes=1024))
    assert "Raise the limit (Limits(max_bytes=...))" in str(error.value)
    assert "--" not in str(error.value)
    result = run_cli("clean", str(SEED_FILES[0]), "--out", str(tmp_path), "--max-bytes", "1K")
    assert result.returncode == 1
    assert "Raise the limit (--max-bytes) if it really is one article" in result.stderr
    assert "Limits(" not in result.stderr
    result = run_cli("explain", str(SEED_FILES[0]), "--max-bytes", "1K")
    assert "Raise the limit (--max-bytes)" in result.stderr


def test_a_user_rules_file_has_its_examples_checked(tmp_path: Path) -> None:
    dropped = BUILTIN.replace('"donate today", "donate now", "donate button", ', "")
    assert dropped != BUILTIN
    path = rules_file(tmp_path, dropped)
    with pytest.raises(RulesError) as error:
        load_rules(path)
    assert str(error.value) == (
        f"{path}: rule appeal.donate: examples.match 'Just click the donate button below' is not "
        "removed by the rule; change the rule so that it matches, or the example"
    )
    result = run_cli(
        "clean", str(SEED_FILES[0]), "--out", str(tmp_path / "o"), "--rules", str(path)
    )
    assert result.returncode == 2
    assert result.stderr == f"article-clean: {error.value}\n"
    assert not (tmp_path / "o").exists()  # refused before anything was touched


def test_a_user_rules_file_with_a_counter_example_that_matches_is_refused(tmp_path: Path) -> None:
    widened = BUILTIN.replace('"donate today",', '"donate today", "the charity said",')
    with pytest.raises(RulesError, match=r"examples.no_match 'The charity said donations"):
        load_rules(rules_file(tmp_path, widened))


def test_a_copy_of_the_built_in_rules_loads(tmp_path: Path) -> None:
    assert load_rules(rules_file(tmp_path, BUILTIN)).sha256 == load_rules().sha256


def test_a_missing_kind_and_an_empty_file_say_what_to_do(tmp_path: Path) -> None:
    no_kind = BUILTIN.replace('id = "appeal.donate"\nkind = "appeal"\n', 'id = "appeal.donate"\n')
    with pytest.raises(RulesError) as error:
        load_rules(rules_file(tmp_path, no_kind))
    assert str(error.value).endswith(
        "rule appeal.donate: 'kind' is missing; give one of title, caption, appeal, language, "
        "trailer, teaser, prompt, byline, template"
    )
    path = rules_file(tmp_path, "")
    result = run_cli("rules", "--rules", str(path))
    assert result.returncode == 2
    assert result.stderr == (
        f"article-clean: {path}: the file is empty; a rules file needs version, [settings], "
        f"[language], [html] and [[rules]]: start from a copy of the built-in file "
        f"({builtin_rules_path()})\n"
    )


def test_rules_lists_the_html_rules_and_an_absolute_path() -> None:
    result = run_cli("rules")
    assert result.returncode == 0
    first, *lines = result.stdout.splitlines()
    assert first.startswith(f"{builtin_rules_path()} (version 1, sha256 ")
    assert builtin_rules_path().is_absolute()
    ids = [line.split()[0] for line in lines]
    assert "appeal.donate" in ids
    html = [line for line in lines if line.split()[2] == "html"]
    assert [line.split()[0] for line in html] == [r.id for r in load_rules().html.rules]
    assert "caption.figcaption" in ids  # what explain cites for a page's figcaption


def test_a_user_rules_file_has_its_html_rules_examples_checked(tmp_path: Path) -> None:
    retagged = BUILTIN.replace('tags = ["figcaption"]', 'tags = ["aside"]')
    assert retagged != BUILTIN
    with pytest.raises(RulesError, match=r"rule caption.figcaption: examples.match '<figure>"):
        load_rules(rules_file(tmp_path, retagged))
