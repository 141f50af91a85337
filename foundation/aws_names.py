"""The names AWS (and the Terraform AWS provider in front of it) refuse, per kind of resource.

A refused name is found at apply time, half-way through creating a stack; these rules let
the configuration model and the synth/plan guard find it first. Each rule takes a name and
returns the reason it is refused, or None. The rules are AWS's documented constraints
(the API references and the S3 bucket naming page); where the provider is stricter than
AWS (RDS identifiers and DB subnet groups must be lowercase), the provider's rule is used,
since it refuses the plan before AWS is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[str], "str | None"]

#: The provider completes a `name_prefix` with a 26-character unique suffix of digits
#: (`id.PrefixedUniqueId`), so a prefix is judged as the name it becomes.
GENERATED_SUFFIX = "0" * 26


def _characters(count: int) -> str:
    return f"{count} character{'' if count == 1 else 's'}"


def _length(name: str, low: int, high: int) -> str | None:
    if not name:
        return "is empty"
    if len(name) < low:
        return f"has {_characters(len(name))}, at least {low} are needed"
    if len(name) > high:
        return f"has {_characters(len(name))}, at most {high} are allowed"
    return None


def _charset(name: str, allowed: str, described: str) -> str | None:
    """`allowed` is the inside of a regex character class."""
    bad = sorted(set(re.sub(f"[{allowed}]", "", name)))
    if bad:
        shown = "".join(bad[:10])
        return f"holds {shown!r}; only {described} are allowed"
    return None


def _first(*reasons: str | None) -> str | None:
    return next((reason for reason in reasons if reason), None)


def security_group_name(name: str) -> str | None:
    """EC2 CreateSecurityGroup: up to 255 characters, not starting `sg-`, a fixed charset."""
    return _first(
        _length(name, 1, 255),
        "starts with 'sg-', which AWS reserves for security group ids" if name.startswith("sg-") else None,
        _charset(
            name,
            r"A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*",
            "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ),
    )


_IPV4 = re.compile(r"\d+\.\d+\.\d+\.\d+")
_RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap")


def s3_bucket_name(name: str) -> str | None:
    """General purpose bucket naming rules (S3 user guide, "Bucket naming rules")."""
    prefix = next((p for p in _RESERVED_BUCKET_PREFIXES if name.startswith(p)), None)
    suffix = next((s for s in _RESERVED_BUCKET_SUFFIXES if name.endswith(s)), None)
    return _first(
        _length(name, 3, 63),
        _charset(name, r"a-z0-9.\-", "lowercase letters, digits, '.' and '-'"),
        "must start and end with a letter or digit" if not (name[:1].isalnum() and name[-1:].isalnum()) else None,
        "must not contain '..'" if ".." in name else None,
        "must not look like an IP address" if _IPV4.fullmatch(name) else None,
        f"starts with {prefix!r}, which S3 reserves" if prefix else None,
        f"ends with {suffix!r}, which S3 reserves" if suffix else None,
    )


_IAM = r"A-Za-z0-9_+=,.@\-"
_IAM_DESCRIBED = "letters, digits and _+=,.@-"


def iam_role_name(name: str) -> str | None:
    """IAM CreateRole: 1-64 characters of `[\\w+=,.@-]`."""
    return _first(_length(name, 1, 64), _charset(name, _IAM, _IAM_DESCRIBED))


def iam_policy_name(name: str) -> str | None:
    """IAM managed and inline policies: 1-128 characters of `[\\w+=,.@-]`."""
    return _first(_length(name, 1, 128), _charset(name, _IAM, _IAM_DESCRIBED))


def dynamodb_table_name(name: str) -> str | None:
    """DynamoDB CreateTable: 3-255 characters of `[a-zA-Z0-9_.-]`."""
    return _first(_length(name, 3, 255), _charset(name, r"A-Za-z0-9_.\-", "letters, digits and _.-"))


FIFO_SUFFIX = ".fifo"


def sns_topic_name(name: str, *, fifo: bool | None = False) -> str | None:
    """SNS CreateTopic: 1-256 letters, digits, `_` and `-`; a FIFO topic's name, and only
    its name, ends with `.fifo`. `fifo=None` when whether it is FIFO is not known."""
    if fifo is True and not name.endswith(FIFO_SUFFIX):
        return "is a FIFO topic's name without the '.fifo' suffix"
    if fifo is False and name.endswith(FIFO_SUFFIX):
        return "ends with '.fifo', which only a FIFO topic's name may"
    base = name.removesuffix(FIFO_SUFFIX) if fifo is not False else name
    return _first(
        _length(name, 1, 256),
        _charset(base, r"A-Za-z0-9_\-", "letters, digits, '_' and '-' (and a '.fifo' suffix)"),
    )


def ecs_name(name: str) -> str | None:
    """ECS clusters, services and task definition families: up to 255 letters, digits,
    hyphens and underscores."""
    return _first(_length(name, 1, 255), _charset(name, r"A-Za-z0-9_\-", "letters, digits, '_' and '-'"))


def log_group_name(name: str) -> str | None:
    """CloudWatch Logs CreateLogGroup: 1-512 characters of `[a-zA-Z0-9_/.#-]`."""
    return _first(_length(name, 1, 512), _charset(name, r"A-Za-z0-9_/.#\-", "letters, digits and _-/.#"))


def _rds_shape(name: str) -> str | None:
    return _first(
        "must start with a letter" if not name[:1].isalpha() else None,
        "must not contain '--'" if "--" in name else None,
        "must not end with '-'" if name.endswith("-") else None,
    )


def rds_instance_identifier(name: str) -> str | None:
    """RDS CreateDBInstance: 1-63 letters, digits and hyphens, starting with a letter, no
    `--`, no trailing hyphen; the provider also requires lowercase."""
    return _first(
        _length(name, 1, 63),
        _charset(name, r"a-z0-9\-", "lowercase letters, digits and '-'"),
        _rds_shape(name),
    )


def db_subnet_group_name(name: str) -> str | None:
    """RDS CreateDBSubnetGroup: up to 255 letters, digits, periods, underscores, spaces and
    hyphens, starting with a letter, not `default`; the provider also requires lowercase."""
    return _first(
        _length(name, 1, 255),
        _charset(name, r"a-z0-9_ .\-", "lowercase letters, digits, spaces and _.-"),
        "must start with a letter" if not name[:1].isalpha() else None,
        "is 'default', which RDS reserves" if name.lower() == "default" else None,
    )


_ECR = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")


def ecr_repository_name(name: str) -> str | None:
    """ECR CreateRepository: 2-256 characters; lowercase words joined by single `.`, `_`
    or `-`, optionally in `/`-separated namespaces."""
    return _first(
        _length(name, 2, 256),
        None if _ECR.fullmatch(name) else (
            "must be lowercase letters and digits, joined by single '.', '_' or '-' and "
            "separated into namespaces by '/'"
        ),
    )


def budget_name(name: str) -> str | None:
    """AWS Budgets: 1-100 characters without `:` or `\\`, and without `/action/`."""
    return _first(
        _length(name, 1, 100),
        "must not contain ':' or '\\'" if ":" in name or "\\" in name else None,
        "must not contain '/action/'" if "/action/" in name else None,
    )


SSM_MAX_DEPTH = 15


def ssm_parameter_name(name: str) -> str | None:
    """SSM PutParameter: up to 1011 characters of `[a-zA-Z0-9_.-/]`, not prefixed `aws` or
    `ssm` (any case), a hierarchy with a leading `/` and at most 15 levels."""
    levels = [level for level in name.split("/") if level]
    return _first(
        _length(name, 1, 1011),
        _charset(name, r"A-Za-z0-9_.\-/", "letters, digits, '/' and _.-"),
        "must start with '/' when it has levels" if "/" in name and not name.startswith("/") else None,
        "is prefixed 'aws' or 'ssm', which SSM reserves" if name.lstrip("/").lower().startswith(("aws", "ssm")) else None,
        f"has {len(levels)} levels, at most {SSM_MAX_DEPTH}" if len(levels) > SSM_MAX_DEPTH else None,
    )


def _elb_shape(name: str) -> str | None:
    return _first(
        _length(name, 1, 32),
        _charset(name, r"A-Za-z0-9\-", "letters, digits and '-'"),
        "must not start or end with '-'" if name.startswith("-") or name.endswith("-") else None,
    )


def load_balancer_name(name: str) -> str | None:
    """ELBv2 CreateLoadBalancer: up to 32 letters, digits and hyphens, no hyphen at either
    end, not starting `internal-`."""
    return _first(
        _elb_shape(name),
        "starts with 'internal-', which ELB reserves" if name.startswith("internal-") else None,
    )


def classic_load_balancer_name(name: str) -> str | None:
    """Classic ELB CreateLoadBalancer: up to 32 letters, digits and hyphens, no hyphen at
    either end."""
    return _elb_shape(name)


def target_group_name(name: str) -> str | None:
    """ELBv2 CreateTargetGroup: up to 32 letters, digits and hyphens, no hyphen at either end."""
    return _elb_shape(name)


def prefix_refusal(check: Check, prefix: str) -> str | None:
    """Why a `name_prefix` is refused: the name the provider makes of it is refused."""
    reason = check(prefix + GENERATED_SUFFIX)
    if reason is None:
        return None
    return f"makes a name that {reason} (the provider appends {_characters(len(GENERATED_SUFFIX))})"
