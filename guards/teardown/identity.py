"""Physical identity: what AWS knows a resource by, whatever Terraform calls it.

A destroy plan can hold the state bucket at any address, in any module, under any
name. What it cannot change is the physical identity: the bucket name, the table name,
the role name, the ARN. Identities are normalized (whitespace stripped, case folded, so
a match errs towards blocking) and typed by namespace, so that equal names of different
kinds of things (an inline policy and a table) do not collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guards.inventory import Resource

S3_BUCKET = "s3-bucket"
DYNAMODB_TABLE = "dynamodb-table"
IAM_ROLE = "iam-role"
IAM_OIDC_PROVIDER = "iam-oidc-provider"
SNS_TOPIC = "sns-topic"
BUDGET = "budget"
ARN = "arn"

#: Types whose `name` is unique in the account (per region): their name is their identity.
NAME_KINDS = {
    "aws_dynamodb_table": DYNAMODB_TABLE,
    "aws_iam_role": IAM_ROLE,
    "aws_sns_topic": SNS_TOPIC,
    "aws_budgets_budget": BUDGET,
}
#: Types whose `id` is a physical name of a known kind.
ID_KINDS = {
    "aws_s3_bucket": S3_BUCKET,
    "aws_dynamodb_table": DYNAMODB_TABLE,
    "aws_iam_role": IAM_ROLE,
}
#: Types whose name is unique only inside a parent: the identity is `<parent>/<name>`.
SCOPED_NAMES = {
    "aws_iam_role_policy": "role",
    "aws_iam_user_policy": "user",
    "aws_iam_group_policy": "group",
    "aws_security_group": "vpc_id",
}
#: Attributes that name a thing of a known kind on any type: a bucket's versioning,
#: policy or objects go with the bucket, an inline policy or attachment with its role.
REFERENCE_KINDS = {
    "bucket": S3_BUCKET,
    "table_name": DYNAMODB_TABLE,
    "role": IAM_ROLE,
    "budget_name": BUDGET,
}
#: Attributes that hold an ARN on some types.
ARN_ATTRIBUTES = ("arn", "topic_arn")


@dataclass(frozen=True, slots=True, order=True)
class Identity:
    """One normalized physical identity, e.g. `s3-bucket:sg-devmin-tfstate-eu-west-2`."""

    kind: str  # one of the kinds above, or a Terraform type for names unique within it
    value: str

    def __str__(self) -> str:
        return self.value if self.kind == ARN else f"{self.kind}:{self.value}"


def identity(kind: str, value: str) -> Identity:
    return Identity(kind, value.strip().casefold())


def _literal(value: Any) -> str | None:
    """A known, plain string: not a `${...}` token (synth), not a hidden value."""
    if not isinstance(value, str) or not value.strip() or "${" in value or value == "(sensitive)":
        return None
    return value


def from_arn(arn: str) -> Iterator[Identity]:
    """The ARN itself and, for the kinds we preserve, the name it carries."""
    yield identity(ARN, arn)
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return
    service, resource = parts[2], parts[5]
    if service == "s3" and resource:
        yield identity(S3_BUCKET, resource.split("/", 1)[0])
    elif service == "dynamodb" and resource.startswith("table/"):
        yield identity(DYNAMODB_TABLE, resource.split("/")[1])
    elif service == "iam" and resource.startswith("role/"):
        yield identity(IAM_ROLE, resource.rsplit("/", 1)[-1])
    elif service == "iam" and resource.startswith("oidc-provider/"):
        yield identity(IAM_OIDC_PROVIDER, resource.removeprefix("oidc-provider/"))
    elif service == "sns" and resource:
        yield identity(SNS_TOPIC, resource.split(":", 1)[0])  # a subscription: topic:uuid
    elif service == "budgets" and resource.startswith("budget/"):
        yield identity(BUDGET, resource.removeprefix("budget/"))


def oidc_host(url: str) -> str:
    return url.strip().removeprefix("https://").rstrip("/")


def _by_name(resource: Resource, name: str) -> Iterator[Identity]:
    kind = NAME_KINDS.get(resource.type)
    if kind is not None:
        yield identity(kind, name)
        return
    parent_key = SCOPED_NAMES.get(resource.type)
    if parent_key is None:
        yield identity(resource.type, name)
    elif (parent := _literal(resource.values.get(parent_key))) is not None:
        yield identity(resource.type, f"{parent}/{name}")


def _by_id(resource: Resource, value: str) -> Iterator[Identity]:
    if value.startswith("arn:"):
        yield from from_arn(value)
    elif resource.type == "aws_budgets_budget" and ":" in value:
        yield identity(BUDGET, value.split(":", 1)[1])  # the id is `<account>:<name>`
    elif resource.type in ID_KINDS:
        yield identity(ID_KINDS[resource.type], value)
    elif resource.type not in SCOPED_NAMES:
        yield identity(resource.type, value)


def identities_of(resource: Resource) -> frozenset[Identity]:
    """Every physical identity a resource's known values reveal (none for data sources)."""
    if resource.mode != "managed":
        return frozenset()
    values = resource.values
    found: set[Identity] = set()
    for arn in (resource.arn, *(values.get(key) for key in ARN_ATTRIBUTES)):
        if (text := _literal(arn)) is not None and text.startswith("arn:"):
            found.update(from_arn(text))
    for key, kind in REFERENCE_KINDS.items():
        if (text := _literal(values.get(key))) is not None:
            found.update(from_arn(text) if text.startswith("arn:") else (identity(kind, text),))
    if (name := _literal(values.get("name"))) is not None:
        found.update(_by_name(resource, name))
    if (resource_id := _literal(values.get("id"))) is not None:
        found.update(_by_id(resource, resource_id))
    if resource.type == "aws_iam_openid_connect_provider" and (url := _literal(values.get("url"))):
        found.add(identity(IAM_OIDC_PROVIDER, oidc_host(url)))
    return frozenset(found)
