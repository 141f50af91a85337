"""What a rule says about one subject, and which of those sayings block progression."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guards.catalog import CATALOG


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"  # a value known only after apply: fail-closed, blocks
    ERROR = "ERROR"  # input or an API call could not be read: blocks


BLOCKING = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR})


class Finding(BaseModel):
    """One outcome of one rule for one subject (a Terraform address or an ARN)."""

    model_config = ConfigDict(frozen=True)

    code: str  # a catalog entry's id, e.g. catalog.FORBIDDEN_NAT_GATEWAY
    status: Status
    subject: str
    stack: str | None = None
    message: str
    waiver: str | None = None  # justification of the waiver that covers it, if any
    document: str | None = None  # the input file the subject was read from, when known
    #: The cdktf construct path of the subject (`demo/network/vpc`), when it came from synth
    #: output: where in the stack sources it was made.
    #: Left out of the JSON when unknown, so plan and live evidence keep the shape it had.
    construct_path: str | None = Field(default=None, exclude_if=lambda path: path is None)

    @field_validator("code")
    @classmethod
    def _catalogued(cls, code: str) -> str:
        """A code not in the catalog is a typo or an undocumented code: fail loudly."""
        if code not in CATALOG:
            raise ValueError(f"{code!r} is not a code in guards.catalog")
        return code

    @property
    def blocks(self) -> bool:
        return self.status in BLOCKING and self.waiver is None

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.code, self.stack or "", self.subject, self.status.value)


def fail(code: str, subject: str, stack: str | None, message: str) -> Finding:
    return Finding(code=code, status=Status.FAIL, subject=subject, stack=stack, message=message)


def unknown(code: str, subject: str, stack: str | None, message: str) -> Finding:
    return Finding(code=code, status=Status.UNKNOWN, subject=subject, stack=stack, message=message)


def passed(code: str, subject: str, stack: str | None, message: str) -> Finding:
    return Finding(code=code, status=Status.PASS, subject=subject, stack=stack, message=message)


def error(code: str, subject: str, stack: str | None, message: str) -> Finding:
    return Finding(code=code, status=Status.ERROR, subject=subject, stack=stack, message=message)
