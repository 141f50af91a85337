"""Load a TOML file into a pydantic model with one-line, field-naming errors.

Shared by the configuration (what we build) and the policy (what is allowed), so both
report problems the same way.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from foundation.files import MissingFile, RefusedFile, read_regular_file

Model = TypeVar("Model", bound=BaseModel)


def describe(error: ValidationError) -> str:
    """`field.path: reason; other.field: reason` on one line."""
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = "unknown field" if item["type"] == "extra_forbidden" else item["msg"]
        parts.append(f"{field}: {message.removeprefix('Value error, ')}")
    return "; ".join(parts)


def load_toml_model(
    path: Path,
    model: type[Model],
    *,
    error: type[Exception],
    kind: str,
    env_var: str,
    context: dict[str, Any] | None = None,
) -> Model:
    """Read `path` and validate it as `model`, raising `error` with a one-line reason;
    `context` reaches the model's validators (the policy's today, for waiver horizons)."""
    try:
        raw = tomllib.loads(read_regular_file(path).decode("utf-8"))
    except MissingFile:
        raise error(f"{path}: {kind} file not found (set {env_var})") from None
    except RefusedFile as exc:
        raise error(f"{path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise error(f"{path}: {describe(exc)}") from None
