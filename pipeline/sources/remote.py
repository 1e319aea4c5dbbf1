"""Remote inputs through fsspec: ``s3://bucket/prefix`` and any scheme fsspec has installed.

Needs the ``remote`` extra (``s3fs``, which brings ``fsspec``); credentials and the endpoint
are the file system's own settings (for S3: ``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, the
AWS config files). A remote folder is listed recursively, in sorted order; what a local walk
would pick up is read (files of their own whole, within the size limit; JSONL and WARC files
as streams), and each file becomes documents named by its URL, with outputs under the local
output folder at its path below the prefix (input suffixes dropped, unless two would then
share a name). Outputs are always local: a remote ``--out`` stays a usage error. Nothing is
ever written, renamed or deleted remotely.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipeline.discover import container_kind, input_format, is_input_name, strip_input_suffixes
from pipeline.limits import describe_size
from pipeline.sources.document import Document
from pipeline.sources.jsonl import JsonlFields, jsonl_documents
from pipeline.sources.warc import warc_documents

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

EXTRA = "pip install 'article-clean[remote]'"


def remote_problem(url: str) -> str | None:
    """Why ``url`` cannot be read as an input (no file system for its scheme, nothing
    there), or None."""
    scheme = url.partition("://")[0]
    try:
        import fsspec
    except ImportError:
        return f"{url}: remote inputs need fsspec and a file system for {scheme}:// ({EXTRA})"
    try:
        fs, root = fsspec.core.url_to_fs(url)
        found = bool(fs.exists(root))
    except (ImportError, ValueError) as exc:
        return f"{url}: {scheme}:// locations cannot be read here ({exc})"
    except Exception as exc:  # the file system's own errors: credentials, endpoint, network
        return f"{url}: cannot reach it ({type(exc).__name__}: {exc}); check the location"
    return None if found else f"no such file or folder: {url}"


def remote_documents(
    url: str, max_bytes: int, passed: Counter[str], fields: JsonlFields
) -> Iterator[Document]:
    """Every input under ``url`` (a file or a folder), as documents, in sorted order."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    scheme = url.partition("://")[0]
    paths = [root] if fs.isfile(root) else sorted(fs.find(root))
    relatives = [p.rpartition("/")[2] if p == root else p[len(root) :].lstrip("/") for p in paths]
    outputs = _output_names(relatives)
    for path, relative, output in zip(paths, relatives, outputs, strict=True):
        name = relative.rpartition("/")[2]
        if not is_input_name(name):
            passed["remote file not a text, HTML, JSONL or WARC name"] += 1
            continue
        yield from _file_documents(fs, path, f"{scheme}://{path}", output, max_bytes, passed,
                                   fields)  # fmt: skip


def _file_documents(
    fs: AbstractFileSystem,
    path: str,
    name: str,
    output: str,
    max_bytes: int,
    passed: Counter[str],
    fields: JsonlFields,
) -> Iterator[Document]:
    kind = container_kind(path)
    try:
        if kind is not None:
            with fs.open(path, "rb") as remote:
                handle = io.BufferedReader(remote)
                if kind == "jsonl":
                    yield from jsonl_documents(handle, name, output, fields, max_bytes)
                else:
                    yield from warc_documents(handle, name, output, max_bytes, passed)
            return
        size = fs.size(path)
        if size > max_bytes:
            reason = (
                f"is {describe_size(size)}, over the size limit of {describe_size(max_bytes)}; "
                "it was not cleaned. Raise the limit (--max-bytes) if it really is one article"
            )
            yield Document(name, output, error=reason)
            return
        data = fs.cat_file(path)
    except Exception as exc:  # the file system's own errors: one file fails, the run goes on
        yield Document(name, output, error=f"cannot read it ({type(exc).__name__}: {exc})")
        return
    yield Document(name, output, data, input_format(path), container=name)


def _output_names(relatives: list[str]) -> list[str]:
    """Output names: input suffixes dropped, unless two inputs would then share one.

    >>> _output_names(["a.txt", "a.html", "sub/b.txt.gz"])
    ['a.txt', 'a.html', 'sub/b']
    """
    stems = [_stem(relative) for relative in relatives]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
    return [r if counts[s] > 1 else s for r, s in zip(relatives, stems, strict=True)]


def _stem(relative: str) -> str:
    folder, slash, name = relative.rpartition("/")
    return folder + slash + strip_input_suffixes(name)
