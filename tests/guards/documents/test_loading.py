"""Reading files: encodings, digests, and inputs refused on purpose with a one-line reason."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from pathlib import Path

import pytest

from guards.documents import InputError, load_document, load_plan, load_state, parse_document_bytes

PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        {
            "address": "aws_vpc.v",
            "mode": "managed",
            "type": "aws_vpc",
            "name": "v",
            "change": {
                "actions": ["create"],
                "after": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "é✓"}},
            },
        }
    ],
}
TEXT = json.dumps(PLAN, ensure_ascii=False)


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        ("\r\n  " + TEXT + "\r\n\r\n").encode("utf-8"),
    ],
    ids=[
        "utf-8",
        "utf-8-sig",
        "utf-16le-bom",
        "utf-16be-bom",
        "utf-16le-no-bom",
        "utf-32le-bom",
        "crlf-padding",
    ],
)
def test_encodings_decode_to_the_same_inventory(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    inventory = load_plan(path)
    (resource,) = inventory.resources
    assert resource.values["tags"] == {"Name": "é✓"}
    assert inventory.input_digests == {str(path): hashlib.sha256(data).hexdigest()}


def refusal(data: bytes, expect: str = "plan") -> str:
    with pytest.raises(InputError) as error:
        parse_document_bytes(data, "in.json", expect=expect)  # type: ignore[arg-type]
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("in.json: ")
    return message


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "the file is empty"),
        (b"  \n\t\r\n", "the file is empty"),
        (b"hello", "is not valid JSON (Expecting value at line 1 column 1)"),
        (b'{"format_version": "1.2", "resource_changes": [', "is not valid JSON"),
        (b"[1, 2]", "the document is JSON but a list, not an object"),
        (b'"plan"', "the document is JSON but a string, not an object"),
        (b"null", "the document is JSON but null, not an object"),
        (b"PK\x03\x04binary", "this is a binary plan file (zip), not JSON"),
        (b"\xff\xfe\x00", "is not valid UTF-16 text"),
        (b'{"a": 1}\xc3\x28', "is not valid UTF-8 text"),
        (b'{"a": 1} {"b": 2}', "holds more than one JSON document"),
        (b'{"a": 1} trailing', "extra data after the document, at line 1"),
        (b'{"a": 1, "a": 2}', "the top-level key 'a' appears twice"),
        (
            b"{}",
            "is JSON but not a Terraform plan, state or cdktf synth document "
            "(top-level keys: none)",
        ),
        (b'{"name": "x", "items": []}', "(top-level keys: name, items)"),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests too deeply to be read"),
        (b"[" * 100_000, "is not valid JSON"),
    ],
)
def test_bad_input_is_refused_in_one_line_with_a_remedy(data: bytes, phrase: str) -> None:
    message = refusal(data)
    assert phrase in message
    assert "terraform show -json PLANFILE" in message


def test_json_lines_are_refused_even_with_one_event() -> None:
    event = b'{"@level":"info","@message":"Terraform 1.9.0","@module":"terraform.ui"}\n'
    for data in (event, event * 3):
        assert "JSON Lines (the machine-readable UI of `terraform plan -json`)" in refusal(data)


def test_wrapper_output_is_refused() -> None:
    wrapped = (
        b"[command]/tmp/terraform-bin show -json plan.tfplan\n"
        + json.dumps(PLAN).encode()
        + b"%0A\n::set-output name=exitcode::0\n"
    )
    assert "setup-terraform wrapper" in refusal(wrapped)
    trailer = json.dumps(PLAN).encode() + b"\n::debug::Terraform exited with code 0.\n"
    message = refusal(trailer)
    assert "followed by ::debug:: lines" in message and "terraform_wrapper: false" in message


def test_refusals_do_not_quote_document_values() -> None:
    document = dict(
        PLAN,
        resource_changes=[
            {
                "address": "aws_vpc.v",
                "type": "aws_vpc",
                "name": "v",
                "change": {"actions": ["create"], "after": "s3cr3t-value"},
            }
        ],
    )
    assert "s3cr3t" not in refusal(json.dumps(document).encode())


def test_unreadable_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"missing.json: cannot be read \(No such file or directory\)"
    ):
        load_plan(tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a directory, not a document file"):
        load_state(tmp_path)
    if os.geteuid() != 0:
        locked = tmp_path / "locked.json"
        locked.write_text("{}")
        locked.chmod(0)
        with pytest.raises(InputError, match="cannot be read"):
            load_document(locked)


def test_remedy_follows_what_the_caller_expected() -> None:
    assert "run `cdktf synth`" in refusal(b"", expect="synth")
    assert "terraform state pull" in refusal(b"", expect="state")
    assert "cdktf synth output" in refusal(b"", expect="document")
