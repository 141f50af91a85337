"""Plan parsing on small hand-made plans: actions, values, unknowns, sensitivity, addresses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guards.documents import InputError, collect_plan, parse_document_bytes
from guards.documents.plan import ACTIONS, FALLBACK_ACTION
from guards.documents.sensitivity import SENSITIVE


def change(
    address: str = "aws_nat_gateway.nat", actions: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": "aws_nat_gateway",
        "name": "nat",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": actions or ["create"], "before": None, "after": {"subnet_id": "s-1"}},
    }
    entry["change"].update(fields.pop("change", {}))
    entry.update(fields)
    return entry


def plan(*changes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": list(changes), **top}


def only(document: dict[str, Any], stack: str | None = None):
    (resource,) = collect_plan(document, stack).resources
    return resource


def from_bytes(document: Any, **kwargs: Any):
    return parse_document_bytes(json.dumps(document).encode(), "plan.json", **kwargs)


@pytest.mark.parametrize(("actions", "action"), sorted(ACTIONS.items()))
def test_actions_are_normalized(actions: tuple[str, ...], action: str) -> None:
    resource = only(plan(change(actions=list(actions), change={"before": {"subnet_id": "old"}})))
    assert resource.action == action
    expected = "old" if action in ("delete", "forget") else "s-1"
    assert resource.values["subnet_id"] == expected


def test_required_actions_are_mapped() -> None:
    assert ACTIONS[("create",)] == "create" and ACTIONS[("no-op",)] == "no-op"
    assert ACTIONS[("delete", "create")] == ACTIONS[("create", "delete")] == "replace"
    assert ACTIONS[("forget",)] == "forget" and ACTIONS[("read",)] == "read"


@pytest.mark.parametrize("actions", [[], ["destroy"], ["create", "create"], [1], "create", None])
def test_unknown_actions_are_refused(actions: Any) -> None:
    document = plan(change())
    document["resource_changes"][0]["change"]["actions"] = actions
    with pytest.raises(InputError, match=r"resource_changes\[0\]\.change\.actions"):
        collect_plan(document)


def test_identity_comes_from_fields_not_from_splitting_the_address() -> None:
    resource = only(
        plan(
            change(
                address='module.a["x.y"].module.b[0].aws_nat_gateway.nat["k.1"]',
                module_address='module.a["x.y"].module.b[0]',
                index="k.1",
            )
        )
    )
    assert (resource.module_path, resource.type, resource.name, resource.index) == (
        'module.a["x.y"].module.b[0]',
        "aws_nat_gateway",
        "nat",
        "k.1",
    )
    assert resource.address == 'module.a["x.y"].module.b[0].aws_nat_gateway.nat["k.1"]'
    assert (resource.source, resource.provider) == ("plan", "aws")


def test_identity_is_derived_from_the_address_when_fields_are_missing() -> None:
    entry = {
        "address": 'module.eks.module.group["a.b"].data.aws_ami.this[2]',
        "type": "aws_ami",
        "change": {"actions": ["read"], "after": {}},
    }
    resource = only(plan(entry))
    assert (resource.module_path, resource.mode, resource.type, resource.name, resource.index) == (
        'module.eks.module.group["a.b"]',
        "data",
        "aws_ami",
        "this",
        2,
    )
    assert resource.provider == "aws"  # the type's implied provider


def test_address_that_contradicts_its_type_is_refused() -> None:
    entry = {
        "address": "aws_lb.x",
        "type": "aws_alb",
        "change": {"actions": ["create"], "after": {}},
    }
    with pytest.raises(InputError, match="does not match its type/mode fields"):
        collect_plan(plan(entry))


@pytest.mark.parametrize(
    "address", ["", "aws_x", "aws_x.y.z", 'aws_x.y["unterminated]', "aws_x.y[abc]", "module.m"]
)
def test_unparsable_address_is_refused(address: str) -> None:
    entry = {"address": address, "change": {"actions": ["create"], "after": {}}}
    with pytest.raises(InputError, match=r"resource_changes\[0\]"):
        collect_plan(plan(entry))


def test_unknown_values_are_top_level_keys_with_a_true_mark() -> None:
    marks = {
        "id": True,
        "tags": {},
        "subnet_mapping": [{"allocation_id": True}],
        "private_ip": False,
    }
    resource = only(plan(change(change={"after_unknown": marks})))
    assert resource.unknown_values == {"id", "subnet_mapping"}


@pytest.mark.parametrize(
    "marks", [False, None, {}, {"subnet_id": False}, {"subnet_id": [], "x": {}}]
)
def test_mirrors_without_marks_keep_values_as_they_are(marks: Any) -> None:
    resource = only(plan(change(change={"after_sensitive": marks})))
    assert resource.values == {"subnet_id": "s-1"}
    assert resource.sensitive_paths == frozenset()


def test_nested_sensitive_leaves_are_hidden_and_neighbours_kept() -> None:
    after = {
        "environment": [{"variables": {"TOKEN": "t0ps3cret", "MODE": "dev"}}],
        "password": "hunter2",
        "name": "fn",
        "empty": None,
    }
    marks = {"environment": [{"variables": {"TOKEN": True}}], "password": True, "empty": True}
    resource = only(plan(change(change={"after": after, "after_sensitive": marks})))
    assert resource.values == {
        "environment": [{"variables": {"TOKEN": SENSITIVE, "MODE": "dev"}}],
        "password": SENSITIVE,
        "name": "fn",
        "empty": None,
    }
    assert resource.sensitive_paths == {"environment", "password", "empty"}
    assert "t0ps3cret" not in repr(resource) and "hunter2" not in repr(resource)


def test_mirror_of_another_shape_hides_the_whole_value() -> None:
    after = {"rule": {"key": "k-secret"}}
    resource = only(plan(change(change={"after": after, "after_sensitive": {"rule": [True]}})))
    assert resource.values["rule"] == SENSITIVE


def test_whole_object_marked_sensitive_hides_every_value() -> None:
    resource = only(plan(change(change={"after_sensitive": True})))
    assert resource.values == {"subnet_id": SENSITIVE}


def test_deleted_resource_is_described_by_before_and_before_sensitive() -> None:
    entry = change(
        actions=["delete"],
        change={
            "before": {"subnet_id": "s-0", "password": "old"},
            "after": None,
            "before_sensitive": {"password": True},
        },
    )
    resource = only(plan(entry))
    assert resource.values == {"subnet_id": "s-0", "password": SENSITIVE}
    assert not resource.exists_after_apply


@pytest.mark.parametrize(
    ("marks", "phrase"),
    [
        ("yes", "after_sensitive must be an object or a boolean"),
        ({"a": "yes"}, "must hold only true/false marks"),
    ],
)
def test_malformed_mirrors_are_refused(marks: Any, phrase: str) -> None:
    with pytest.raises(InputError, match=phrase):
        collect_plan(plan(change(change={"after_sensitive": marks})))


def test_stack_is_the_callers() -> None:
    assert only(plan(change()), stack="demo").stack == "demo"
    inventory = from_bytes(plan(change()), stack="demo")
    assert inventory.stacks == ["demo"] and inventory.resources[0].stack == "demo"


def test_without_resource_changes_planned_values_are_read_and_treated_as_creates() -> None:
    planned = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_vpc.v",
                    "mode": "managed",
                    "type": "aws_vpc",
                    "name": "v",
                    "values": {"cidr_block": "10.0.0.0/16"},
                }
            ],
            "child_modules": [
                {
                    "address": "module.net",
                    "resources": [
                        {
                            "address": "module.net.aws_nat_gateway.nat[0]",
                            "mode": "managed",
                            "type": "aws_nat_gateway",
                            "name": "nat",
                            "index": 0,
                            "values": {"secret": "x-secret"},
                            "sensitive_values": {"secret": True},
                        }
                    ],
                }
            ],
        }
    }
    for inventory in (
        collect_plan({"format_version": "1.2", "planned_values": planned}),
        from_bytes({"format_version": "1.2", "planned_values": planned}),
    ):
        assert [(r.address, r.action) for r in inventory.resources] == [
            ("aws_vpc.v", FALLBACK_ACTION),
            ("module.net.aws_nat_gateway.nat[0]", FALLBACK_ACTION),
        ]
        assert inventory.resources[1].values == {"secret": SENSITIVE}


def test_empty_plan_gives_an_empty_inventory() -> None:
    assert (
        from_bytes({"format_version": "1.2", "planned_values": {"root_module": {}}}).resources == []
    )
    assert (
        from_bytes(
            {"format_version": "1.2", "planned_values": {}, "resource_changes": None}
        ).resources
        == []
    )


def test_deep_module_tree_does_not_exhaust_recursion() -> None:
    root: dict[str, Any] = {}
    module, path = root, ""
    for depth in range(5000):
        path = f"{path}.module.m{depth}" if path else f"module.m{depth}"
        child: dict[str, Any] = {"address": path}
        module["child_modules"] = [child]
        module = child
    module["resources"] = [{"type": "aws_vpc", "name": "v", "values": {}}]
    (resource,) = collect_plan(
        {"format_version": "1.2", "planned_values": {"root_module": root}}
    ).resources
    assert resource.module_path.endswith(".module.m4999")


@pytest.mark.parametrize(
    ("document", "phrase"),
    [
        (
            {"format_version": "2.0", "resource_changes": []},
            "plan format_version 2.0 is not supported",
        ),
        ({"format_version": 1.2, "resource_changes": []}, "format_version must be a string"),
        (
            {"format_version": "1.2", "resource_changes": {}},
            "resource_changes must be a list, found an object",
        ),
        (
            {"format_version": "1.2", "resource_changes": [[]]},
            r"resource_changes\[0\] must be an object, found a list",
        ),
        (
            {"format_version": "1.2", "errored": True, "resource_changes": []},
            r"the plan errored \(errored: true\)",
        ),
        (
            plan(change(index=True)),
            r"resource_changes\[0\]\.index must be a whole number or a string",
        ),
        (
            plan(change(change={"after": []})),
            r"resource_changes\[0\]\.change\.after must be an object",
        ),
        (plan(change(module_address=7)), r"resource_changes\[0\]\.module_address must be a string"),
    ],
)
def test_malformed_plans_are_refused_with_a_structural_hint(
    document: dict[str, Any], phrase: str
) -> None:
    with pytest.raises(InputError, match=phrase) as refusal:
        from_bytes(document, expect="plan")
    assert str(refusal.value).startswith("plan.json: ")
    assert "terraform show -json PLANFILE" in str(refusal.value)
