"""``pipeline.jsontext.dumps`` writes exactly what ``json.dumps(..., ensure_ascii=False,
indent=2)`` writes: sidecars keep their bytes."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pipeline import jsontext
from pipeline.io import sidecar_bytes

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities included, as json writes them
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=40,
)


def reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@given(VALUES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


class Colour(StrEnum):
    RED = "red"


def test_keys_and_subclasses_as_json_writes_them() -> None:
    value = {1: [Colour.RED, {True: None, None: 1.5, 2.5: []}], "x": {"y": ()}}
    assert jsontext.dumps(value) == reference(value)


def test_a_seed_sidecar_is_unchanged(rules: Any) -> None:
    from pipeline import clean_file
    from tests.conftest import SEED_FILES

    for seed in SEED_FILES:
        article = clean_file(seed, rules=rules)
        expected = (reference(article.to_json()) + "\n").encode()
        assert sidecar_bytes(article) == expected
