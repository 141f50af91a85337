"""Property tests: whatever the bytes, a collector succeeds or raises InputError, in one line."""

from __future__ import annotations

import contextlib
import json
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guards.documents import InputError, collect_plan, collect_synth, parse_document_bytes
from tests.conftest import CORPUS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXPECTS = ("document", "plan", "state", "synth")
VOCABULARY = [
    "format_version",
    "resource_changes",
    "planned_values",
    "root_module",
    "child_modules",
    "resources",
    "values",
    "sensitive_values",
    "address",
    "mode",
    "type",
    "name",
    "index",
    "module_address",
    "change",
    "actions",
    "before",
    "after",
    "after_unknown",
    "after_sensitive",
    "before_sensitive",
    "provider_name",
    "errored",
    "version",
    "backend",
    "config",
    "instances",
    "attributes",
    "sensitive_attributes",
    "index_key",
    "module",
    "provider",
    "resource",
    "data",
    "terraform",
    "cloud",
    "//",
    "metadata",
    "stackName",
    "count",
    "for_each",
    "source",
    "alias",
    "region",
    "arn",
    "value",
    "get_attr",
    "lineage",
]
FOCUS = (
    "resource_changes",
    "values",
    "resources",
    "resource",
    "data",
    "module",
    "provider",
    "terraform",
    "backend",
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        ["create", "delete", "no-op", "managed", "data", "${var.x}", "aws_x.y[0]", '["k"]', "4"]
    )
)
keys = st.sampled_from(VOCABULARY) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def check(data: bytes, expect: str) -> None:
    try:
        parse_document_bytes(data, "doc.json", expect=expect)  # type: ignore[arg-type]
    except InputError as error:
        message = str(error)
        assert "\n" not in message and message.startswith("doc.json: ")


@cache
def corpus_documents() -> list[tuple[str, Any]]:
    """Corpus files small enough to mutate quickly, decoded."""
    documents = []
    for path in sorted(CORPUS.glob("*.json")):
        raw = path.read_bytes()
        if len(raw) > 200_000:
            continue
        text = raw.decode("utf-16") if raw.startswith(b"\xff\xfe") else raw.decode("utf-8")
        document = json.loads(text)
        if isinstance(document, dict):
            documents.append((path.name, document))
    return documents


def corpus_bytes() -> list[bytes]:
    return [
        path.read_bytes()
        for path in sorted(CORPUS.rglob("*.json"))
        if path.stat().st_size <= 200_000
    ]


DELETE = object()


def replaced(node: Any, choices: list[int], value: Any, focus: bool) -> Any:
    """`node` with the sub-value reached by `choices` replaced (or deleted), copying the path."""
    if not choices or not isinstance(node, (dict, list)) or not node:
        return value
    if isinstance(node, dict):
        names = [name for name in node if name in FOCUS] if focus else []
        names = names or list(node)
        name = names[choices[0] % len(names)]
        copy = dict(node)
        child = replaced(node[name], choices[1:], value, False)
        if child is DELETE:
            del copy[name]
        else:
            copy[name] = child
        return copy
    position = choices[0] % len(node)
    copy = list(node)
    child = replaced(node[position], choices[1:], value, False)
    if child is DELETE:
        del copy[position]
    else:
        copy[position] = child
    return copy


@SETTINGS
@given(value=json_values, expect=st.sampled_from(EXPECTS))
def test_random_json_values(value: Any, expect: str) -> None:
    check(json.dumps(value).encode(), expect)


@SETTINGS
@given(
    value=st.dictionaries(st.sampled_from(VOCABULARY), json_values, min_size=1, max_size=6),
    expect=st.sampled_from(EXPECTS),
)
def test_terraform_shaped_noise(value: dict[str, Any], expect: str) -> None:
    check(json.dumps(value).encode(), expect)


@SETTINGS
@given(value=st.dictionaries(keys, json_values, max_size=6))
def test_dict_collectors_on_noise(value: dict[str, Any]) -> None:
    for collect in (collect_plan, lambda document: collect_synth(document, "s")):
        with contextlib.suppress(InputError):
            collect(value)


@SETTINGS
@given(data=st.data(), cut=st.floats(0, 1), expect=st.sampled_from(EXPECTS))
def test_truncated_corpus_files(data: st.DataObject, cut: float, expect: str) -> None:
    raw = data.draw(st.sampled_from(corpus_bytes()))
    check(raw[: int(len(raw) * cut)], expect)


@SETTINGS
@given(data=st.data(), position=st.floats(0, 1), byte=st.integers(0, 255))
def test_corpus_files_with_a_changed_byte(data: st.DataObject, position: float, byte: int) -> None:
    raw = bytearray(data.draw(st.sampled_from(corpus_bytes())))
    raw[min(int(len(raw) * position), len(raw) - 1)] = byte
    check(bytes(raw), "document")


@SETTINGS
@given(
    data=st.data(),
    choices=st.lists(st.integers(0, 10**6), min_size=1, max_size=10),
    value=json_values | st.just(DELETE),
    focus=st.booleans(),
    expect=st.sampled_from(EXPECTS),
)
def test_corpus_documents_with_a_replaced_sub_value(
    data: st.DataObject, choices: list[int], value: Any, focus: bool, expect: str
) -> None:
    _, document = data.draw(st.sampled_from(corpus_documents()))
    mutated = replaced(document, choices, value, focus)
    if mutated is DELETE:
        mutated = {}
    check(json.dumps(mutated).encode(), expect)
