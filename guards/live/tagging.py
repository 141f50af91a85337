"""What the Resource Groups Tagging API still lists under a set of tags.

It reaches resource types the billed-infrastructure collectors do not look at (log
groups, security groups, ECS services scaled to zero, ...), so a torn-down stack can be
shown to have left nothing tagged with its name. Paginated; a failed call is an ERROR.
"""

from __future__ import annotations

from collections.abc import Mapping

from foundation.aws import ClientFactory, FailedCall, calling, pages
from guards import catalog
from guards.findings import Finding
from guards.live.errors import api_error
from guards.live_facts import TaggedResource

METHOD = "tag:GetResources"


def tagged_resources(
    clients: ClientFactory, regions: list[str], tags: Mapping[str, str], *, code: catalog.Code = catalog.RESIDUAL_RESOURCE
) -> tuple[list[TaggedResource], list[Finding]]:
    """Every resource carrying all of `tags`, in every region; an ERROR under `code` for a
    region whose listing failed (what it listed before the failure is kept)."""
    filters = [{"Key": key, "Values": [value]} for key, value in sorted(tags.items())]
    found: list[TaggedResource] = []
    findings: list[Finding] = []
    for region in regions:
        try:
            with calling(METHOD):
                client = clients("resourcegroupstaggingapi", region)
            for mapping in pages(client, "get_resources", "ResourceTagMappingList", method=METHOD, TagFilters=filters):
                pairs = mapping.get("Tags") or []
                found.append(
                    TaggedResource(
                        arn=mapping["ResourceARN"],
                        region=region,
                        tags={pair["Key"]: pair.get("Value", "") for pair in pairs if "Key" in pair},
                    )
                )
        except FailedCall as failed:
            findings.append(api_error(code, failed.method, region, failed.cause))
    return found, findings
