"""Read a document file: bytes, digest, text by BOM, JSON, and what kind of document it is.

Inputs that look like JSON but are not one Terraform document (JSON Lines from
`terraform plan -json`, GitHub Actions wrapper output, errored plans) are refused on
purpose with a one-line reason that says how to produce the right input.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from foundation.digests import bytes_sha256
from foundation.files import RefusedFile, read_regular_file
from guards.documents.errors import InputError
from guards.documents.shapes import kind_of
from guards.documents.toplevel import ElementSink, TopLevel, read_object

DocumentKind = Literal["plan", "state", "raw-state", "backend-cache", "synth"]

#: How to produce each kind of input, appended to refusals.
REMEDIES: dict[str, str] = {
    "plan": "pass the output of `terraform show -json PLANFILE` for a plan saved with "
    "`terraform plan -out=PLANFILE`",
    "state": "pass the output of `terraform show -json` (no plan file) or a raw state file "
    "(terraform state pull)",
    "synth": "run `cdktf synth` and pass cdktf.out or its stacks/<stack>/cdk.tf.json",
    "document": "pass `terraform show -json` output (plan or state), a state file, a "
    ".terraform/terraform.tfstate backend cache or cdktf synth output",
}

WRAPPER_REMEDY = (
    "set `terraform_wrapper: false` on hashicorp/setup-terraform (or strip the wrapper's "
    "[command]/::debug:: lines) and pass the bare output of `terraform show -json PLANFILE`"
)
JSON_LINES_REMEDY = (
    "save the plan with `terraform plan -out=PLANFILE` and pass the output of "
    "`terraform show -json PLANFILE` instead"
)

_PLAN_KEYS = frozenset(
    {
        "resource_changes",
        "planned_values",
        "prior_state",
        "resource_drift",
        "output_changes",
        "configuration",
        "relevant_attributes",
        "variables",
        "applyable",
        "complete",
        "errored",
        "deferred_changes",
    }
)
_SYNTH_KEYS = frozenset(
    {"//", "resource", "data", "module", "provider", "terraform", "variable", "output", "locals"}
)
_UI_EVENT_KEYS = frozenset({"@level", "@message", "@module", "@timestamp"})
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_INT_DIGITS_MARK = "integer string conversion"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_HIGH_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LOW_SURROGATE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_WRAPPER_MARKS = ("[command]", "::debug::", "::set-output", "::group::", "::error::")


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A document's text and the sha256 of its exact bytes."""

    path: str
    text: str
    digest: str


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A regular file's bytes within the input limit; anything else is refused at once."""
    if os.path.isdir(path):
        raise InputError("is a directory, not a document file")
    try:
        return read_regular_file(path)
    except RefusedFile as refused:
        raise InputError(str(refused)) from None


def decode_text(data: bytes) -> str:
    """Text of a document, by its byte order mark (PowerShell `>` writes UTF-16LE with BOM).

    The BOM-aware codecs strip the mark themselves, so the bytes are never copied.
    """
    if data.startswith(b"PK\x03\x04"):
        raise InputError("this is a binary plan file (zip), not JSON")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
        encoding = "utf-16-le"
    elif len(data) >= 2 and data[0] == 0 and data[1] != 0:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            f"is not valid {encoding.upper()} text (bad bytes at offset {error.start})"
        ) from None


def read_document(path: str | os.PathLike[str]) -> RawDocument:
    data = read_bytes(path)
    return document_from_bytes(data, os.fspath(path))


def document_from_bytes(data: bytes, path: str) -> RawDocument:
    digest = bytes_sha256(data)
    text = decode_text(data)
    return RawDocument(path=path, text=text, digest=digest)


def _first_visible(text: str, pos: int = 0) -> int:
    """Index of the first non-whitespace character (len(text) when there is none)."""
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


def _looks_like_wrapper(text: str) -> bool:
    start = _first_visible(text)
    head = text[start : start + 4096]
    if head.startswith(_WRAPPER_MARKS):
        return True
    return any(line.lstrip().startswith(_WRAPPER_MARKS) for line in head.splitlines()[:5])


def _refuse_wrapper(what: str) -> InputError:
    return InputError(
        f"{what} (GitHub Actions hashicorp/setup-terraform wrapper output)", WRAPPER_REMEDY
    )


def _refuse_json_lines() -> InputError:
    return InputError(
        "this is JSON Lines (the machine-readable UI of `terraform plan -json`), "
        "not one plan document",
        JSON_LINES_REMEDY,
    )


def _explain_unparsable(text: str, error: json.JSONDecodeError) -> InputError:
    if _looks_like_wrapper(text):
        return _refuse_wrapper("this is not JSON but CI log output")
    start = _first_visible(text)
    if start < len(text) and text[start] != "{":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as reason:
            error = reason
        except RecursionError:
            return InputError("is not valid JSON (it nests too deeply to be read)")
        else:
            return InputError(f"the document is JSON but {kind_of(value)}, not an object")
    return InputError(
        f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
    )


def _check_trailing(text: str, top: TopLevel) -> None:
    start = _first_visible(text, top.end)
    if start == len(text):
        return
    rest = text[start : start + 4096]
    if rest.startswith(("%0A", "%0D")) or _looks_like_wrapper(rest):
        raise _refuse_wrapper("a JSON document followed by ::debug:: lines")
    if _UI_EVENT_KEYS & set(top.keys):
        raise _refuse_json_lines()
    if rest.startswith(("{", "[")):
        raise InputError("holds more than one JSON document (concatenated output or JSON Lines)")
    line = text.count("\n", 0, top.end) + 1
    raise InputError(f"is not valid JSON (extra data after the document, at line {line})")


def parse_document(
    raw: RawDocument,
    *,
    sinks: Mapping[str, ElementSink] | None = None,
    drop: Collection[str] = (),
) -> TopLevel:
    """Parse the top-level object of a document, refusing what is not one JSON object."""
    text = raw.text
    start = _first_visible(text)
    if start == len(text):
        raise InputError("the file is empty")
    if text[start] != "{":
        raise _explain_unparsable(text, json.JSONDecodeError("Expecting '{'", text, 0))
    _refuse_lone_surrogates(text)
    try:
        top = read_object(text, sinks=sinks, drop=drop)
    except InputError:
        raise
    except json.JSONDecodeError as error:
        raise _explain_unparsable(text, error) from None
    except RecursionError:
        raise InputError("nests too deeply to be read") from None
    except ValueError as error:
        if _INT_DIGITS_MARK not in str(error):
            raise
        raise InputError("holds a number with more digits than can be read (over 4,300)") from None
    _check_trailing(text, top)
    return top


def _escaped(text: str, at: int) -> bool:
    """Whether the backslash at `at` is itself escaped (preceded by an odd run of them)."""
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _refuse_lone_surrogates(text: str) -> None:
    """A `\\ud800` escape with no partner decodes to a string that cannot be written as
    UTF-8 (a snapshot, SARIF, the terminal): refuse the document, naming where."""
    for match in _SURROGATE_ESCAPE.finditer(text):
        if _escaped(text, match.start()):  # `\\\\ud800`: a backslash, then the text "ud800"
            continue
        escape = match.group(0)
        if escape[3].lower() in "89ab":  # high: a low escape must follow at once
            if _LOW_SURROGATE.fullmatch(text, match.end(), match.end() + 6):
                continue
        elif match.start() >= 6 and _HIGH_SURROGATE.fullmatch(text, match.start() - 6, match.start()):
            if not _escaped(text, match.start() - 6):
                continue
        line = text.count("\n", 0, match.start()) + 1
        raise InputError(f"holds an unpaired UTF-16 surrogate escape ({escape}) at line {line}")


def detect_kind(top: TopLevel) -> DocumentKind:
    """What a document is, from its top-level keys (never from their order)."""
    keys = set(top.keys)
    if keys & _UI_EVENT_KEYS:
        raise _refuse_json_lines()
    if keys & _PLAN_KEYS:
        return "plan"
    if "values" in keys or (
        "format_version" in keys and keys <= {"format_version", "terraform_version", "checks"}
    ):
        return "state"
    if "backend" in keys:
        return "backend-cache"
    if "version" in keys and keys & {"resources", "lineage", "serial", "modules"}:
        return "raw-state"
    if keys & _SYNTH_KEYS:
        return "synth"
    shown = ", ".join(key[:30] for key in top.keys[:5]) or "none"
    raise InputError(
        f"is JSON but not a Terraform plan, state or cdktf synth document (top-level keys: {shown})"
    )


def describe_kind(kind: DocumentKind) -> str:
    """How a refusal names a document of the wrong kind."""
    return {
        "plan": "terraform plan JSON",
        "state": "terraform state JSON",
        "raw-state": "a raw terraform state file",
        "backend-cache": "a backend cache (.terraform/terraform.tfstate)",
        "synth": "cdktf synth output (cdk.tf.json)",
    }[kind]
