"""What the Resource Groups Tagging API still lists under a set of tags.

It reaches resource types the billed-infrastructure collectors do not look at (log
groups, security groups, ECS services scaled to zero, ...), so a torn-down stack can be
shown to have left nothing tagged with its name. It also keeps listing what is gone
(deregistered task definitions, deleted clusters), so each listed resource is confirmed
with its own service (guards.live.existence). Paginated; a failed listing is an ERROR.
"""

from __future__ import annotations

from collections.abc import Mapping

from foundation.aws import ClientFactory, FailedCall, calling, pages
from guards import catalog
from guards.findings import Finding
from guards.live.errors import api_error
from guards.live.existence import confirm_existence
from guards.live_facts import TaggedResource

METHOD = "tag:GetResources"


def tagged_resources(
    clients: ClientFactory,
    regions: list[str],
    tags: Mapping[str, str],
    *,
    code: catalog.Code = catalog.RESIDUAL_RESOURCE,
) -> tuple[list[TaggedResource], list[Finding]]:
    """Every resource carrying all of `tags`, in every region, each with its service's
    confirmation; an ERROR under `code` for a region whose listing failed (what it listed
    before the failure is kept, and confirmed)."""
    filters = [{"Key": key, "Values": [value]} for key, value in sorted(tags.items())]
    found: list[TaggedResource] = []
    findings: list[Finding] = []
    for region in regions:
        listed: list[TaggedResource] = []
        try:
            with calling(METHOD):
                client = clients("resourcegroupstaggingapi", region)
            for mapping in pages(client, "get_resources", "ResourceTagMappingList", method=METHOD, TagFilters=filters):
                pairs = mapping.get("Tags") or []
                listed.append(
                    TaggedResource(
                        arn=mapping["ResourceARN"],
                        region=region,
                        tags={pair["Key"]: pair.get("Value", "") for pair in pairs if "Key" in pair},
                    )
                )
        except FailedCall as failed:
            findings.append(api_error(code, failed.method, region, failed.cause))
        found.extend(confirm_existence(clients, listed))
    return found, findings
