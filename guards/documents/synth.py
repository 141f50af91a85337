"""cdktf synth output (`cdk.tf.json`) -> Inventory.

count and for_each are expanded when literal; when they are unresolved expressions (`${...}`)
one Resource with `count_unknown=True` stands for all instances. Token strings in values are
kept as they are: rules decide what an unknown means.
"""

from __future__ import annotations

import re
from typing import Any

from guards.documents.credentials import redact_credentials
from guards.documents.errors import InputError
from guards.documents.module_tree import literal_region
from guards.documents.shapes import as_dict, as_list, as_str, opt_dict, opt_str, wrong_type
from guards.inventory import Backend, Inventory, ModuleCall, Resource

COMMENT = "//"
TOKEN = "${"
RESOURCE_META_ARGUMENTS = frozenset(
    {
        COMMENT,
        "count",
        "for_each",
        "provider",
        "depends_on",
        "lifecycle",
        "provisioner",
        "connection",
    }
)
MODULE_META_ARGUMENTS = frozenset(
    {COMMENT, "source", "version", "providers", "depends_on", "count", "for_each"}
)
_WHOLE_REFERENCE = re.compile(r"^\$\{([^{}]+)\}$")


def construct_path_of(block: dict[str, Any]) -> str | None:
    """`//.metadata.path`, which cdktf writes on every block it makes: `demo/network/vpc`."""
    comment = block.get(COMMENT)
    metadata = comment.get("metadata") if isinstance(comment, dict) else None
    path = metadata.get("path") if isinstance(metadata, dict) else None
    return path if isinstance(path, str) and path.strip() else None


def label(name: str) -> str:
    """A block name as shown in a structural hint."""
    return name if len(name) <= 60 else name[:57] + "..."


def contains_token(value: Any) -> bool:
    """Whether an unresolved `${...}` expression appears anywhere in a value."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if TOKEN in node:
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def stack_name_of(document: Any) -> str | None:
    """`//.metadata.stackName`, which cdktf writes into every stack."""
    comment = document.get(COMMENT) if isinstance(document, dict) else None
    metadata = comment.get("metadata") if isinstance(comment, dict) else None
    name = metadata.get("stackName") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) and name.strip() else None


#: A literal count is expanded into one Resource per instance; past this it is an input
#: error rather than an allocation (a literal for_each is already bounded by the file).
MAX_LITERAL_COUNT = 10_000


def instance_count(count: Any, where: str) -> int | None:
    """A literal count, or None when it is an expression known only at plan time."""
    if isinstance(count, str):
        if TOKEN in count:
            return None
        if count.strip().isdigit():
            return int(count.strip())
        raise InputError(f"{where} must be a whole number or an expression")
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if not isinstance(count, int) or isinstance(count, bool):
        raise wrong_type(where, "a whole number or an expression", count)
    if count < 0:
        raise InputError(f"{where} must not be negative")
    if count > MAX_LITERAL_COUNT:
        raise InputError(
            f"{where} is {count}, past the bound of {MAX_LITERAL_COUNT} instances a block may "
            "expand to (no real stack declares that many; check the configuration)"
        )
    return count


def for_each_keys(for_each: Any, where: str) -> list[str] | None:
    """Literal for_each keys, or None when it is an expression known only at plan time."""
    if isinstance(for_each, str) and TOKEN in for_each:
        return None
    if isinstance(for_each, dict):
        return list(for_each)
    if isinstance(for_each, list):
        keys = []
        for position, key in enumerate(for_each):
            if isinstance(key, str) and TOKEN in key:
                return None
            keys.append(as_str(key, f"{where}[{position}]"))
        return list(dict.fromkeys(keys))
    raise wrong_type(where, "a map, a set of strings or an expression", for_each)


def provider_reference(value: Any, rtype: str, where: str) -> str:
    """The provider configuration key a resource uses: `aws`, `aws.west`."""
    reference = opt_str(value, where)
    if not reference:
        return rtype.split("_", 1)[0]
    whole = _WHOLE_REFERENCE.match(reference)
    return whole.group(1) if whole else reference


def provisioner_kinds(value: Any, where: str) -> tuple[str, ...]:
    """`provisioner` as JSON syntax writes it: `{"local-exec": {...}}` or a list of such
    objects (cdktf's form); the kinds, in order."""
    if value is None:
        return ()
    blocks = [value] if isinstance(value, dict) else as_list(value, where)
    kinds: list[str] = []
    for position, block in enumerate(blocks):
        kinds.extend(kind for kind in as_dict(block, f"{where}[{position}]") if kind != COMMENT)
    return tuple(kinds)


def resources_of_block(
    block: Any,
    *,
    stack: str,
    mode: str,
    rtype: str,
    name: str,
    providers: dict[str, dict[str, Any]],
    where: str,
) -> list[Resource]:
    block = as_dict(block, where)
    values, hidden = redact_credentials(
        {k: v for k, v in block.items() if k not in RESOURCE_META_ARGUMENTS}
    )
    provider = provider_reference(block.get("provider"), rtype, f"{where}.provider")
    common: dict[str, Any] = dict(
        stack=stack,
        type=rtype,
        name=name,
        source="synth",
        mode=mode,
        values=values,
        unknown_values=frozenset(key for key, value in values.items() if contains_token(value)),
        provider=provider,
        region=literal_region(values) or literal_region(providers.get(provider, {})),
        sensitive_paths=hidden,
        provisioners=provisioner_kinds(block.get("provisioner"), f"{where}.provisioner"),
        construct_path=construct_path_of(block),
    )
    count, for_each = block.get("count"), block.get("for_each")
    if count is not None and for_each is not None:
        raise InputError(f"{where} sets both count and for_each")
    if count is not None:
        number = instance_count(count, f"{where}.count")
        if number is None:
            return [Resource(**common, count_unknown=True)]
        return [Resource(**common, index=position) for position in range(number)]
    if for_each is not None:
        keys = for_each_keys(for_each, f"{where}.for_each")
        if keys is None:
            return [Resource(**common, count_unknown=True)]
        return [Resource(**common, index=key) for key in keys]
    return [Resource(**common)]


def providers_of(section: Any) -> dict[str, dict[str, Any]]:
    """provider.<name> (a list of blocks, or one block) -> {"aws": {...}, "aws.<alias>": {...}}."""
    configurations: dict[str, dict[str, Any]] = {}
    for name, blocks in opt_dict(section, "provider").items():
        if name == COMMENT:
            continue
        where = f"provider.{label(name)}"
        for position, block in enumerate(
            [blocks] if isinstance(blocks, dict) else as_list(blocks, where)
        ):
            block = as_dict(block, f"{where}[{position}]")
            alias = opt_str(block.get("alias"), f"{where}[{position}].alias")
            key = f"{name}.{alias}" if alias else name
            if key in configurations:
                raise InputError(f"provider {label(key)} is configured twice")
            configurations[key], _ = redact_credentials(
                {k: v for k, v in block.items() if k not in (COMMENT, "alias")}
            )
    return configurations


def module_calls_of(section: Any, stack: str) -> list[ModuleCall]:
    calls = []
    for name, block in opt_dict(section, "module").items():
        if name == COMMENT:
            continue
        where = f"module.{label(name)}"
        block = as_dict(block, where)
        inputs, _ = redact_credentials(
            {k: v for k, v in block.items() if k not in MODULE_META_ARGUMENTS}
        )
        calls.append(
            ModuleCall(
                stack=stack,
                name=name,
                source=as_str(block.get("source"), f"{where}.source"),
                inputs=inputs,
                version=opt_str(block.get("version"), f"{where}.version"),
            )
        )
    return calls


def backend_of(section: Any, stack: str) -> Backend:
    """`terraform.backend.<type>`, or `terraform.cloud` (type "cloud"), or none (type None)."""
    terraform = opt_dict(section, "terraform")
    declared = opt_dict(terraform.get("backend"), "terraform.backend")
    types = [name for name in declared if name != COMMENT]
    cloud = terraform.get("cloud")
    if len(types) > 1:
        raise InputError("terraform.backend declares more than one backend")
    if types and cloud is not None:
        raise InputError("terraform declares both a backend and a cloud block")
    if types:
        backend_type, config = types[0], declared[types[0]]
        where = f"terraform.backend.{label(backend_type)}"
    elif cloud is not None:
        backend_type, config, where = "cloud", cloud, "terraform.cloud"
    else:
        return Backend(stack=stack, type=None)
    config, _ = redact_credentials(
        {k: v for k, v in opt_dict(config, where).items() if k != COMMENT}
    )
    return Backend(stack=stack, type=backend_type, config=config)


def collect_synth(document: Any, stack: str) -> Inventory:
    """One stack's cdk.tf.json, already decoded."""
    document = as_dict(document, "the document")
    providers = providers_of(document.get("provider"))
    resources: list[Resource] = []
    for section, mode in (("resource", "managed"), ("data", "data")):
        for rtype, blocks in opt_dict(document.get(section), section).items():
            if rtype == COMMENT:
                continue
            type_where = f"{section}.{label(rtype)}"
            for name, block in as_dict(blocks, type_where).items():
                if name == COMMENT:
                    continue
                resources.extend(
                    resources_of_block(
                        block,
                        stack=stack,
                        mode=mode,
                        rtype=rtype,
                        name=name,
                        providers=providers,
                        where=f"{type_where}.{label(name)}",
                    )
                )
    return Inventory(
        resources=resources,
        module_calls=module_calls_of(document.get("module"), stack),
        backends=[backend_of(document.get("terraform"), stack)],
        providers={stack: providers},
        stacks=[stack],
    )
