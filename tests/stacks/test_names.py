"""Every name the stacks give AWS is one the configuration validated, and one AWS accepts.

The configuration checks the names it states and the names `name_prefix` makes
(`PlatformConfig.made_names`); this holds the stacks to that list, both ways, so a new
name in a stack cannot escape the check.
"""

from __future__ import annotations

from guards.rules.names import NAMING

#: Names written as literals in the stack code rather than made from the configuration.
FIXED_NAMES = {
    "read-injected-secrets", "write-own-evidence-prefix", "attach-stop-to-deploy-role",
    *(f"ci-{lane}-{what}" for lane in ("guard", "deploy", "teardown") for what in ("read", "manage")),
} - {"ci-guard-manage"}


def synthesized_names(stacks: dict) -> dict[str, str]:
    """name -> `type.logical id` for each literal name a naming rule applies to."""
    found = {}
    for stack in stacks.values():
        for rtype, resources in stack.get("resource", {}).items():
            naming = NAMING.get(rtype)
            for logical, body in resources.items() if naming else ():
                for attr in naming.names + naming.prefixes:
                    value = body.get(attr)
                    if isinstance(value, str) and "${" not in value:
                        found[value] = f"{rtype}.{logical}"
    return found


def test_the_stacks_name_only_what_the_configuration_validated(stacks, platform_config):
    stated = {
        platform_config.backend.state_bucket,
        platform_config.backend.lock_table,
        platform_config.evidence.bucket,
        platform_config.budget.name,
    }
    made = {name for _, _, name in platform_config.made_names()}
    names = synthesized_names(stacks)
    assert set(names) - stated - made - FIXED_NAMES == set()
    assert made - set(names) == set(), "made_names lists a name no stack uses"


def test_every_synthesized_name_is_one_aws_accepts(stacks):
    refused = {}
    for name, where in synthesized_names(stacks).items():
        rtype = where.split(".")[0]
        reason = NAMING[rtype].check(name)
        if reason:
            refused[where] = reason
    assert refused == {}
