"""Only regular files within the limit are read; anything else is refused at once."""

import os
import threading

import pytest

from foundation.files import (
    MIB,
    MissingFile,
    RefusedFile,
    is_regular_file,
    max_input_bytes,
    read_regular_file,
)


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"{}")
    assert read_regular_file(path) == b"{}"
    assert is_regular_file(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert outcome == ["is a FIFO (named pipe), not a regular file"]
    assert not is_regular_file(fifo)


def test_a_device_is_refused():
    assert _refusal("/dev/zero") == "is a device, not a regular file"


def test_a_directory_and_a_missing_file_are_refused(tmp_path):
    assert _refusal(tmp_path) == "is a directory, not a regular file"
    with pytest.raises(MissingFile):
        read_regular_file(tmp_path / "absent.json")


def test_past_the_limit_is_refused_naming_the_switch(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (2 * MIB))
    assert "raise it with --max-input-mb" in _refusal(path, limit=MIB)
    assert read_regular_file(path, limit=2 * MIB) == b" " * (2 * MIB)


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("STACKGUARD_MAX_INPUT_MB", "3")
    assert max_input_bytes() == 3 * MIB
    monkeypatch.setenv("STACKGUARD_MAX_INPUT_MB", "lots")
    with pytest.raises(RefusedFile, match="not a whole number"):
        max_input_bytes()


def _refusal(path, **kwargs) -> str:
    with pytest.raises(RefusedFile) as refused:
        read_regular_file(path, **kwargs)
    return str(refused.value)
