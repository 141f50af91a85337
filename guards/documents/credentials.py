"""Hide literal credentials written into configuration (provider, backend, module, resource).

Plans mark provider-declared secrets as sensitive; hand-written configuration does not, so
literal values under credential-named keys (and AWS access key ids anywhere at the top level)
are hidden here. References such as `${var.secret}` are not secrets and stay visible.
"""

from __future__ import annotations

import re
from typing import Any

from guards.documents.sensitivity import NOTHING, SENSITIVE

CREDENTIAL_KEYS = frozenset(
    {
        "access_key",
        "secret_key",
        "token",
        "session_token",
        "password",
        "master_password",
        "client_secret",
        "client_certificate_password",
        "secret",
        "secret_string",
        "secret_binary",
        "private_key",
        "sse_customer_key",
        "api_key",
        "api_secret",
        "auth_token",
        "secret_access_key",
    }
)
_AWS_ACCESS_KEY_ID = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")


def _is_literal_credential(key: str, value: Any) -> bool:
    if not isinstance(value, str) or not value or "${" in value:
        return False
    return key.lower() in CREDENTIAL_KEYS or _AWS_ACCESS_KEY_ID.fullmatch(value) is not None


def redact_credentials(block: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """`block` with literal credentials hidden, and the keys hidden; no copy when none."""
    hidden = [key for key, value in block.items() if _is_literal_credential(key, value)]
    if not hidden:
        return block, NOTHING
    redacted = dict(block)
    for key in hidden:
        redacted[key] = SENSITIVE
    return redacted, frozenset(hidden)
