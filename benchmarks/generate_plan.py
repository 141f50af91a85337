"""Write a realistic `terraform show -json` plan of N resources, for the benchmarks.

Mixed types in nested modules with count and for_each (keys with dots), a NAT gateway or
load balancer every 250 resources, sensitive values and values known only after apply;
both `resource_changes` and `planned_values`, as terraform writes them. Deterministic:
the same N gives the same bytes.

    python -m benchmarks.generate_plan 10000 /tmp/plan-10k.json
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ORDINARY = ("aws_s3_bucket", "aws_iam_role", "aws_security_group", "aws_instance", "aws_cloudwatch_log_group", "aws_ssm_parameter")
FORBIDDEN = ("aws_nat_gateway", "aws_lb")
FORBIDDEN_EVERY = 250


def _values(resource_type: str, serial: int, tagged: bool = True) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(after, after_unknown, after_sensitive) for one resource; untagged, it has no
    lifecycle tag (so every resource is a `lifecycle-tag-missing` blocker)."""
    tags = {"lifecycle": "ephemeral", "stack": "demo", "serial": str(serial)}
    after: dict[str, Any] = {"tags": tags, "tags_all": tags} if tagged else {}
    unknown: dict[str, Any] = {"id": True, "arn": True}
    sensitive: dict[str, Any] = {}
    if resource_type == "aws_ssm_parameter":
        after |= {"name": f"/bench/{serial}", "type": "SecureString", "value": f"secret-{serial}"}
        sensitive = {"value": True}
    elif resource_type == "aws_instance":
        after |= {"ami": "ami-0123456789abcdef0", "instance_type": "t4g.nano", "user_data": "#!/bin/sh\necho hi\n"}
        unknown |= {"private_ip": True, "public_ip": True}
    elif resource_type == "aws_nat_gateway":
        after |= {"connectivity_type": "public"}
        unknown |= {"allocation_id": True, "public_ip": True}
    elif resource_type == "aws_lb":
        after |= {"load_balancer_type": "application", "internal": False, "name": f"lb-{serial}"}
    else:
        after |= {"name": f"{resource_type}-{serial}", "description": "benchmark resource " * 3}
    return after, unknown, sensitive


def _address(module: str, resource_type: str, name: str, index: int | str | None) -> str:
    local = f"{resource_type}.{name}"
    if isinstance(index, int):
        local += f"[{index}]"
    elif index is not None:
        local += f'["{index}"]'
    return f"{module}.{local}" if module else local


def generate(count: int, seed: int = 7, *, tagged: bool = True) -> dict[str, Any]:
    rng = random.Random(seed)
    changes: list[dict[str, Any]] = []
    modules: dict[str, list[dict[str, Any]]] = {}
    for serial in range(count):
        group = serial // 50
        module = "" if group % 5 == 0 else f'module.app_{group % 40}["svc.{group % 7}"].module.part[{group % 3}]'
        forbidden = serial % FORBIDDEN_EVERY == FORBIDDEN_EVERY - 1
        resource_type = FORBIDDEN[(serial // FORBIDDEN_EVERY) % 2] if forbidden else rng.choice(ORDINARY)
        name = f"r{serial // 10}"
        index: int | str | None = serial % 10 if serial % 3 else f"key.{serial % 10}"
        after, unknown, sensitive = _values(resource_type, serial, tagged)
        address = _address(module, resource_type, name, index)
        action = "no-op" if serial % 4 == 0 else "create"
        change = {
            "address": address,
            "mode": "managed",
            "type": resource_type,
            "name": name,
            "index": index,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": [action],
                "before": after if action == "no-op" else None,
                "after": after,
                "after_unknown": unknown,
                "before_sensitive": sensitive if action == "no-op" else False,
                "after_sensitive": sensitive,
            },
        }
        if module:
            change["module_address"] = module
        changes.append(change)
        planned = {
            "address": address,
            "mode": "managed",
            "type": resource_type,
            "name": name,
            "index": index,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0,
            "values": after,
            "sensitive_values": sensitive,
        }
        modules.setdefault(module, []).append(planned)
    root = {"resources": modules.pop("", [])}
    root["child_modules"] = [{"address": address, "resources": resources} for address, resources in sorted(modules.items())]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}},
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def expected_forbidden(count: int) -> set[str]:
    """Addresses of the NAT gateways and load balancers `generate(count)` writes."""
    plan = generate(count)
    return {c["address"] for c in plan["resource_changes"] if c["type"] in FORBIDDEN}


def write(count: int, path: Path, *, tagged: bool = True) -> Path:
    path.write_text(json.dumps(generate(count, tagged=tagged), separators=(",", ":")))
    return path


if __name__ == "__main__":
    written = write(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{written}: {written.stat().st_size / 1e6:.1f} MB")
