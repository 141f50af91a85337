"""Where a resource instance sits: module path, mode, type, name and index.

The explicit fields are preferred (they survive dots in for_each keys); the address is
parsed only when a hand-written document leaves them out.
"""

from __future__ import annotations

from typing import Any

from guards.documents.addresses import AddressError, ResourceAddress, parse_address
from guards.documents.errors import InputError
from guards.documents.shapes import opt_index, opt_mode, opt_str


def identify(entry: dict[str, Any], where: str, module_path: str | None = None) -> ResourceAddress:
    """Identity of a plan/state resource entry; `module_path` overrides `module_address`."""
    address = opt_str(entry.get("address"), f"{where}.address")
    rtype = opt_str(entry.get("type"), f"{where}.type")
    name = opt_str(entry.get("name"), f"{where}.name")
    mode = opt_mode(entry.get("mode"), f"{where}.mode")
    if module_path is None:
        module_path = opt_str(entry.get("module_address"), f"{where}.module_address") or ""
    index_missing = "index" not in entry and address is not None and address.endswith("]")
    if rtype is not None and name is not None and not index_missing:
        index = opt_index(entry.get("index"), f"{where}.index")
        return ResourceAddress(module_path, mode or "managed", rtype, name, index)
    if address is None:
        raise InputError(f"{where} has neither type/name fields nor an address")
    try:
        parsed = parse_address(address)
    except AddressError:
        raise InputError(f"{where}.address is not a resource instance address") from None
    if (rtype is not None and rtype != parsed.type) or (mode is not None and mode != parsed.mode):
        raise InputError(f"{where}.address does not match its type/mode fields")
    return parsed
