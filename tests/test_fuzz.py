"""Random bytes and random HTML, through the library and through the CLI: never an uncaught
exception; every output valid UTF-8, every sidecar valid JSON; failures name their file; the
inputs are left as they were and nothing is written outside the output folder."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import CleaningError, clean_bytes
from pipeline.cli import main
from pipeline.io import body_bytes, sidecar_bytes

TAGS = ["p", "div", "span", "article", "h1", "h2", "br", "figure", "figcaption", "nav", "a",
        "ul", "li", "table", "td", "b", "script", "style", "footer", "html", "body"]  # fmt: skip
CLASSES = ["", "share", "caption", "ad", "story", "newsletter", "related", "wp-caption-text"]
WORDS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=40
) | st.sampled_from(
    ["The talks resumed on Tuesday, officials said.", "Photo: Reuters", "Share this", "&amp;",
     "<!--", "]]>", "<![CDATA[", "&#0;", "\u202e", "Реклама", "広告"]
)  # fmt: skip


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, inner, close: (
            f'<{tag} class="{cls}">{"".join(inner)}' + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        st.sampled_from(CLASSES),
        st.lists(children, max_size=4),
        st.booleans(),  # unclosed tags too
    )


HTML = st.recursive(WORDS, _element, max_leaves=25).map(lambda body: f"<html><body>{body}")


def check_outputs(article_or_error: object, source_id: str) -> None:
    if isinstance(article_or_error, CleaningError):
        assert str(article_or_error).startswith(f"{source_id}: ")
        return
    body = body_bytes(article_or_error)  # type: ignore[arg-type]
    body.decode("utf-8")
    sidecar = json.loads(sidecar_bytes(article_or_error).decode("utf-8"))  # type: ignore[arg-type]
    assert sidecar["source"]["path"] == source_id


def clean_or_error(data: bytes, fmt: str, source_id: str) -> object:
    try:
        return clean_bytes(data, source_id=source_id, fmt=fmt)
    except CleaningError as exc:
        return exc


@given(st.binary(max_size=3000), st.sampled_from(["text", "html"]))
def test_random_bytes_clean_or_fail_clearly(data: bytes, fmt: str) -> None:
    check_outputs(clean_or_error(data, fmt, "fuzz.bin"), "fuzz.bin")


@given(HTML, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_random_html_cleans_or_fails_clearly(page: str, encoding: str) -> None:
    data = page.encode(encoding, errors="replace")
    check_outputs(clean_or_error(data, "html", "page.html"), "page.html")


# File names as bytes: anything but "/" and NUL, including newlines and bytes that are not
# UTF-8; with the suffixes a folder walk picks up, or none.
NAME = st.tuples(
    st.binary(min_size=1, max_size=30).filter(lambda b: b"/" not in b and b"\0" not in b),
    st.sampled_from([b".txt", b".html", b".txt.gz", b".htm", b""]),
).map(lambda parts: parts[0] + parts[1])
CONTENT = st.one_of(st.binary(max_size=2000), HTML.map(str.encode))


@settings(max_examples=max(40, settings().max_examples // 4))
@given(st.dictionaries(NAME, CONTENT, min_size=1, max_size=4))
def test_the_cli_on_random_files(found: dict[bytes, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw, out = root / "raw", root / "out"
        raw.mkdir()
        for name, data in found.items():
            if name not in (b".", b".."):
                (raw / os.fsdecode(name)).write_bytes(data)
        before = {p: p.read_bytes() for p in raw.iterdir()}
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["clean", str(raw), "--out", str(out), "-q"])
        failures = [line for line in err.getvalue().splitlines() if ": failed: " in line]
        assert status == (1 if failures else 0), err.getvalue()
        assert all(line.startswith(f"article-clean: failed: {raw}/") for line in failures)
        assert {p: p.read_bytes() for p in raw.iterdir()} == before
        assert sorted(p.name for p in root.iterdir()) == ["out", "raw"]
        for path in out.rglob("*"):
            assert path.resolve().is_relative_to(out.resolve())
            if path.suffix == ".txt":
                path.read_bytes().decode("utf-8")
            elif path.suffix == ".json":
                assert "source" in json.loads(path.read_bytes().decode("utf-8"))
