"""Every blocker code, defined once: its id, its prose, where it applies, and what it needs.

Rules, collectors and gates refer to these entries (`catalog.FORBIDDEN_NAT_GATEWAY`), never
to a string of their own; a `Finding` whose code is not here cannot be built, a waiver
naming one is a policy error, and the code table (docs/rules.md) and IAM list (docs/live.md) are rendered from
here (`scripts/render_catalog.py`). Prose belongs to the catalog, not to the rules (the
cdk-nag way). Ids are stable: never change one.
"""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal, Self

Where = Literal["synth", "plan", "live", "deploy", "teardown"]
#: Where a code can be reported: the synthesized JSON, a plan (also the deploy's plan
#: step), the live account (`check live`, also after a deploy), the deploy gates before
#: the plan, and the teardown's contract and verification.
WHERE: tuple[Where, ...] = ("synth", "plan", "live", "deploy", "teardown")
Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, eq=False, repr=False)
class Code(str):
    """A blocker code. It is its id as a string (so `finding.code == catalog.X` and
    `fail(catalog.X, ...)` work), and it carries its prose and metadata."""

    id: str
    _: KW_ONLY
    summary: str
    why: str
    applies: frozenset[Where]
    severity: Severity
    remediation: str
    #: IAM actions the read-only collectors need to judge it in the account (`check live`
    #: and the same reads in deploy and teardown); empty for document-only codes.
    iam: tuple[str, ...] = ()
    #: False for safety gates: no policy waiver covers them.
    waivable: bool = True
    #: The CLI flag that waives a non-waivable code visibly, when there is one.
    waived_by: str | None = None

    def __new__(cls, id: str, *args: Any, **kwargs: Any) -> Self:
        return super().__new__(cls, id)

    @property
    def anchor(self) -> str:
        """The id of its row in docs/rules.md's code table: `rules.md#code-<id>`."""
        return f"code-{self.id}"

    def __post_init__(self) -> None:
        problems = [
            f"id {self.id!r} is not kebab-case" if not ID_PATTERN.match(self.id) else "",
            "applies is empty or unknown" if not self.applies or not self.applies <= set(WHERE) else "",
            f"severity {self.severity!r} is unknown" if self.severity not in SEVERITIES else "",
            "waived_by only for a code the policy cannot waive" if self.waived_by and self.waivable else "",
        ]
        problems += [f"{name} is empty" for name in ("summary", "why", "remediation") if not getattr(self, name).strip()]
        problems += [f"{name} is not one line" for name in ("summary",) if "\n" in getattr(self, name)]
        if any(problems):
            raise ValueError(f"catalog entry {self.id}: {'; '.join(p for p in problems if p)}")

    @property
    def applies_in_order(self) -> tuple[Where, ...]:
        return tuple(where for where in WHERE if where in self.applies)


CATALOG: dict[str, Code] = {}


def _code(id: str, *, applies: str, **fields: Any) -> Code:
    """Define one entry; `applies` is a space-separated subset of WHERE."""
    entry = Code(id, applies=frozenset(applies.split()), **fields)
    if entry.id in CATALOG:
        raise ValueError(f"catalog entry {id} defined twice")
    CATALOG[entry.id] = entry
    return entry


def is_code(value: str) -> bool:
    return value in CATALOG


def live_iam() -> list[str]:
    """Every IAM action `check live` needs: the union over the codes that apply live."""
    return sorted({action for code in CATALOG.values() if "live" in code.applies for action in code.iam})


def lane_iam(where: Where) -> list[str]:
    """Every IAM action the reads of codes reported in `where` need."""
    return sorted({action for code in CATALOG.values() if where in code.applies for action in code.iam})


def ci_reads() -> dict[str, list[str]]:
    """What each CI role reads: the guard what `check live` needs; deploy and teardown also
    what their lane's gates and verification read (core scopes each to its resources)."""
    live = live_iam()
    return {
        "guard": live,
        "deploy": sorted({*live, *lane_iam("deploy")}),
        "teardown": sorted({*live, *lane_iam("teardown")}),
    }


# IAM actions the live collectors call, by what they read.
_STS = ("sts:GetCallerIdentity",)  # the account id, for ARNs EC2, classic ELB and Budgets do not return
_BUDGETS = ("budgets:ViewBudget",)  # DescribeBudget, DescribeNotificationsForBudget, DescribeSubscribersForNotification
_STATE = ("s3:GetObject", "dynamodb:GetItem")  # a state object and the MD5 Terraform records beside it
_CE = ("ce:GetCostAndUsage",)


# -- cost: what a 30 USD platform cannot afford -------------------------------------------

FORBIDDEN_NAT_GATEWAY = _code(
    "forbidden-nat-gateway",
    applies="synth plan live",
    summary="a NAT gateway exists after apply (about 32 USD a month, more than the whole budget)",
    why="a NAT gateway bills about 32 USD a month before traffic",
    severity="high",
    remediation="use public subnets or VPC endpoints instead, or remove the NAT gateway (deleting one is the fix)",
    iam=("ec2:DescribeNatGateways", *_STS),
)
FORBIDDEN_LOAD_BALANCER = _code(
    "forbidden-load-balancer",
    applies="synth plan live",
    summary="an `aws_lb`, `aws_alb` or `aws_elb` exists after apply",
    why="a load balancer bills about 16-20 USD a month idle",
    severity="high",
    remediation="reach the service through its public IP or a tunnel, or remove the load balancer",
    iam=("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags", *_STS),
)
ALWAYS_ON_FLEET = _code(
    "always-on-fleet",
    applies="synth plan live",
    summary=(
        "an autoscaling group, EKS node group, spot fleet or EC2 fleet in any stack, or an ECS service with "
        "desired count > 0 or the DAEMON scheduling strategy in a persistent stack (or a stack whose "
        "lifecycle is unknown)"
    ),
    why="an always-on fleet bills around the clock",
    severity="high",
    remediation="run services in an ephemeral stack that is torn down, or set the desired count to 0",
    iam=(
        "ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices",
        "autoscaling:DescribeAutoScalingGroups",
    ),
)
UNKNOWN_COUNT = _code(
    "unknown-count",
    applies="synth",
    summary=(
        "a forbidden or unverifiable type, an instance in a persistent stack, a resource with a command "
        "provisioner, or a well-known module's switch, whose count is known only after apply"
    ),
    why="fail-closed: any instance would be forbidden, and the synth guard cannot tell how many there will be",
    severity="medium",
    remediation="make the count or switch a literal, or check the plan (`stackguard check plan`), where it is known",
)
UNVERIFIABLE_MODULE = _code(
    "unverifiable-module",
    applies="synth",
    summary=(
        "a module call the synth guard cannot see into. Well-known registry modules "
        "(`terraform-aws-modules/vpc`, `alb`, `elb`, `autoscaling`, `eks`) are judged by their switches "
        "(`enable_nat_gateway`, ...) instead, and a submodule (`...//modules/<x>`) only by an entry for exactly "
        "its source, never by its parent's; everything else blocks unless waived, and `check plan` is the "
        "complete check"
    ),
    why="what the module creates is known only once it is expanded, in the plan",
    severity="medium",
    remediation="check the plan, then waive it in the policy with a justification and an expiry",
)
FORBIDDEN_EKS_CLUSTER = _code(
    "forbidden-eks-cluster",
    applies="synth plan",
    summary="an EKS control plane (`aws_eks_cluster`, or the `eks` registry module) exists after apply",
    why="an EKS control plane bills 0.10 USD an hour, about 73 USD a month before a single node runs",
    severity="high",
    remediation="run containers on ECS Fargate in an ephemeral stack, or remove the cluster",
)
FORBIDDEN_VPC_ENDPOINT = _code(
    "forbidden-vpc-endpoint",
    applies="synth plan",
    summary=(
        "an `aws_vpc_endpoint` whose `vpc_endpoint_type` is not `Gateway` (Interface, GatewayLoadBalancer, ...) "
        "exists after apply; Gateway endpoints (S3, DynamoDB) are free"
    ),
    why="an interface endpoint bills about 7.30 USD a month in each availability zone, before traffic",
    severity="high",
    remediation="reach the service over its public endpoint, use a Gateway endpoint (S3, DynamoDB), or remove it",
)
FORBIDDEN_GLOBAL_ACCELERATOR = _code(
    "forbidden-global-accelerator",
    applies="synth plan",
    summary="a Global Accelerator (standard or custom routing) exists after apply",
    why="an accelerator bills a fixed 0.025 USD an hour (18 USD a month) while it exists, enabled or not",
    severity="high",
    remediation="reach the service directly, or remove the accelerator",
)
ALWAYS_ON_INSTANCE = _code(
    "always-on-instance",
    applies="synth plan",
    summary=(
        "an EC2 instance (`aws_instance`, a persistent spot request) in a persistent stack (or a stack whose "
        "lifecycle is unknown)"
    ),
    why="an instance in a stack that is never torn down bills around the clock, with its volumes",
    severity="high",
    remediation="run it in an ephemeral stack that is torn down, or remove it",
)
UNVERIFIABLE_RESOURCE = _code(
    "unverifiable-resource",
    applies="synth plan",
    summary=(
        "a resource that creates infrastructure the guard cannot see into: a CloudFormation stack or stack "
        "set, or an `awscc_*` resource of a forbidden kind (NAT gateway, load balancer, EKS, fleet, instance, "
        "VPC endpoint, ECS service, accelerator); blocks unless waived"
    ),
    why=(
        "what it creates is decided outside the Terraform document (a template, the Cloud Control API), so "
        "no rule can say what it costs"
    ),
    severity="medium",
    remediation="use the `aws_*` resource the guards judge, or review what it creates and waive it with a justification and an expiry",
)
UNVERIFIABLE_PROVISIONER = _code(
    "unverifiable-provisioner",
    applies="synth",
    summary=(
        "a resource (typically `null_resource` or `terraform_data`) with a provisioner that runs commands "
        "(`local-exec`, `remote-exec`, any but `file`); blocks unless waived"
    ),
    why="a command can create anything, outside Terraform's state and out of every guard's sight",
    severity="medium",
    remediation="create the infrastructure with resources instead, or review the command and waive it with a justification and an expiry",
)

# -- budget: the cap, the alert ladder and a channel --------------------------------------

BUDGET_MISSING = _code(
    "budget-missing",
    applies="synth plan live",
    summary="no budget with the policy's name in the policy's budget stack (`core`)",
    why="without the budget nothing alerts before the platform overspends",
    severity="high",
    remediation="deploy core with the budget named in `[budget] name` of the policy",
    iam=(*_BUDGETS, *_STS),
)
BUDGET_TYPE_MISMATCH = _code(
    "budget-type-mismatch",
    applies="synth plan live",
    summary="not a monthly COST budget",
    why="the cap and the ladder are monthly costs; another type or period measures something else",
    severity="medium",
    remediation='set budget_type = "COST" and time_unit = "MONTHLY"',
    iam=_BUDGETS,
)
BUDGET_CAP_MISMATCH = _code(
    "budget-cap-mismatch",
    applies="synth plan live",
    summary=(
        'the cap differs from the policy\'s (`"30"`, `"30.0"` and `30` are equal) or is not in USD, a '
        "`planned_limit` schedule names another amount, or `auto_adjust_data` moves the limit"
    ),
    why="percentage alerts are taken of the cap, and the cap is what the platform may cost",
    severity="medium",
    remediation="set the budget's limit to the policy's `limit_usd` in USD",
    iam=_BUDGETS,
)
BUDGET_THRESHOLDS_MISMATCH = _code(
    "budget-thresholds-mismatch",
    applies="synth plan live",
    summary=(
        "the ACTUAL notification ladder differs from the policy's (order does not matter; "
        "percentages are taken of the cap), or a notification never fires as spend passes it "
        "(`comparison_operator` not GREATER_THAN, a `threshold_type` neither PERCENTAGE nor ABSOLUTE_VALUE)"
    ),
    why="the ladder is how people hear about spend before the cap is reached",
    severity="medium",
    remediation="give the budget one ACTUAL notification per threshold in the policy's `thresholds_usd`",
    iam=_BUDGETS,
)
BUDGET_STOP_THRESHOLD_MISSING = _code(
    "budget-stop-threshold-missing",
    applies="synth plan live",
    summary="no ACTUAL notification at the emergency stop (28 USD)",
    why="the emergency stop is the last alert before the cap: without it nobody is told to stop",
    severity="medium",
    remediation="add an ACTUAL notification at the policy's `stop_threshold_usd`",
    iam=_BUDGETS,
)
BUDGET_SUBSCRIBER_MISSING = _code(
    "budget-subscriber-missing",
    applies="synth plan live",
    summary="a notification with neither an SNS topic nor an e-mail subscriber",
    why="an alert without a subscriber reaches nobody",
    severity="medium",
    remediation="subscribe the alert topic or an e-mail address to every notification",
    iam=_BUDGETS,
)
BUDGET_SCOPE_NARROWED = _code(
    "budget-scope-narrowed",
    applies="synth plan live",
    summary=(
        "the budget measures less than the whole account: a `cost_filter`, `cost_filters` or "
        "`filter_expression`, or a `billing_view_arn` other than the primary billing view"
    ),
    why="spend outside the filter never reaches the alert ladder, so the platform can overspend in silence",
    severity="high",
    remediation="remove the filters and the custom billing view: the platform's budget measures the whole account",
    iam=_BUDGETS,
)
BUDGET_COST_TYPES_UNSAFE = _code(
    "budget-cost-types-unsafe",
    applies="synth plan live",
    summary=(
        "the budget's cost types make spend look lower than what is consumed: `cost_types` left out (AWS "
        "then counts credits and refunds), `include_credit` or `include_refund` true, blended or amortized "
        "costs, tax, support, subscriptions, upfront or recurring fees left out, or `metrics` other than "
        "UnblendedCost"
    ),
    why="credits and refunds net spend down, to zero while credits last: the alerts never fire while the platform consumes",
    severity="high",
    remediation="set cost_types with include_credit = false and include_refund = false, and the others at their defaults",
    iam=_BUDGETS,
)
BUDGET_INACTIVE = _code(
    "budget-inactive",
    applies="synth plan live",
    summary=(
        "the budget's period (`time_period_start`, `time_period_end`) has ended or not yet started, or "
        "cannot be read, or (live) AWS reports the budget unhealthy"
    ),
    why="a budget outside its period measures nothing and alerts nobody",
    severity="high",
    remediation="leave time_period_end at its default (or past the platform's life) and the start in the past",
    iam=_BUDGETS,
)
BUDGET_FIELD_UNKNOWN = _code(
    "budget-field-unknown",
    applies="synth plan live",
    summary=(
        "the budget sets a field the budget rule does not know (a newer provider or Budgets API): "
        "fail-closed, since it may change what the budget measures or when it fires"
    ),
    why="a budget is judged by every field that changes what it measures; one nobody has judged may undo the rest",
    severity="medium",
    remediation="remove the field, or teach guards/rules/budget_fields.py what it means (and waive it until then)",
    iam=_BUDGETS,
)

# -- backend configuration: one coherent, partitioned, encrypted, locked S3 backend -----

BACKEND_MISSING = _code(
    "backend-missing",
    applies="synth",
    summary="a stack with no backend block (state would stay local)",
    why="local state is lost with the machine and cannot be locked against a second writer",
    severity="high",
    remediation="give the stack the shared S3 backend",
)
BACKEND_TYPE_MISMATCH = _code(
    "backend-type-mismatch",
    applies="synth",
    summary="a local, remote or cloud backend where the policy requires S3",
    why="the guards, the teardown and the lock probe all read state from the one S3 backend",
    severity="high",
    remediation="use the S3 backend the policy requires",
)
BACKEND_BUCKET_MISSING = _code(
    "backend-bucket-missing",
    applies="synth",
    summary="an S3 backend without a bucket (a partial configuration)",
    why="a partial configuration leaves the bucket to whoever runs `init`, so stacks may disagree",
    severity="medium",
    remediation="name the state bucket in the backend block",
)
BACKEND_UNENCRYPTED = _code(
    "backend-unencrypted",
    applies="synth live deploy",
    summary="`encrypt` is not true, or (live) the state bucket has no default encryption",
    why="state holds secrets in plain text (database passwords, API keys)",
    severity="high",
    remediation="set `encrypt = true` and give the state bucket default encryption",
    iam=("s3:GetEncryptionConfiguration",),
)
BACKEND_LOCK_MISSING = _code(
    "backend-lock-missing",
    applies="synth",
    summary="no `dynamodb_table`",
    why="without a lock two applies can write the same state and lose resources",
    severity="high",
    remediation="set `dynamodb_table` to the lock table",
)
BACKEND_LOCKFILE_MISSING = _code(
    "backend-lockfile-missing",
    applies="synth",
    summary="`use_lockfile` is not true",
    why="Terraform 1.11+ locks with an S3 lockfile; without it a newer Terraform may not lock at all",
    severity="medium",
    remediation="set `use_lockfile = true` beside `dynamodb_table`",
)
BACKEND_KEY_MISMATCH = _code(
    "backend-key-mismatch",
    applies="synth",
    summary="the key is not `<environment>/<stack>/terraform.tfstate`",
    why="the lanes find each stack's state by its key; another key is a state nobody checks",
    severity="medium",
    remediation="use the policy's `key_pattern` for the stack's state key",
)
BACKEND_BUCKET_MISMATCH = _code(
    "backend-bucket-mismatch",
    applies="synth",
    summary="stacks disagree on the state bucket",
    why="one backend means one place to secure, version and read",
    severity="medium",
    remediation="give every stack the same state bucket",
)
BACKEND_REGION_MISMATCH = _code(
    "backend-region-mismatch",
    applies="synth",
    summary="stacks disagree on the backend region",
    why="one backend means one bucket in one region",
    severity="medium",
    remediation="give every stack the same backend region",
)
BACKEND_LOCK_TABLE_MISMATCH = _code(
    "backend-lock-table-mismatch",
    applies="synth",
    summary="stacks disagree on the lock table",
    why="locks only exclude each other within one table",
    severity="medium",
    remediation="give every stack the same lock table",
)
BACKEND_KEY_OVERLAP = _code(
    "backend-key-overlap",
    applies="synth",
    summary="two stacks' keys are equal, or one is a prefix of the other",
    why="stacks that share state overwrite each other's resources",
    severity="critical",
    remediation="give each stack its own key",
)

# -- tags -----------------------------------------------------------------------------------

LIFECYCLE_TAG_MISSING = _code(
    "lifecycle-tag-missing",
    applies="synth plan",
    summary="a taggable resource without a `lifecycle` tag (provider default tags count)",
    why="the live guards judge always-on services by lifecycle, and the tag says what a teardown may remove",
    severity="low",
    remediation="tag it, best through the provider's default tags",
)
LIFECYCLE_TAG_MISMATCH = _code(
    "lifecycle-tag-mismatch",
    applies="synth plan",
    summary="the tag's value is not its stack's lifecycle",
    why="a wrong lifecycle makes a persistent resource look disposable, or the other way round",
    severity="low",
    remediation="tag it with its stack's lifecycle (`persistent` for core, `ephemeral` otherwise)",
)

# -- names ------------------------------------------------------------------------------------

INVALID_RESOURCE_NAME = _code(
    "invalid-resource-name",
    applies="synth plan",
    summary=(
        "a literal name or name prefix that AWS or the Terraform AWS provider refuses for its kind: a "
        "security group named `sg-...`, a bucket name with capitals, an IAM role name past 64 characters, ...; "
        "names known only after apply are left to AWS"
    ),
    why="the apply stops at the first refused name, with the stack half created",
    severity="medium",
    remediation=(
        "rename it within the kind's rules (`foundation/aws_names.py`); for this platform's own names, "
        "change `name_prefix` or the name in the configuration"
    ),
)

# -- backend readiness in the live account --------------------------------------------------

BACKEND_BUCKET_NOT_FOUND = _code(
    "backend-bucket-not-found",
    applies="live deploy",
    summary="the state bucket does not exist",
    why="no stack but core can be planned or applied without its state bucket",
    severity="high",
    remediation="deploy core (the bootstrap sequence creates the bucket)",
    iam=("s3:ListBucket",),  # HeadBucket; without it S3 answers 403 where 404 is meant
)
BACKEND_VERSIONING_DISABLED = _code(
    "backend-versioning-disabled",
    applies="live deploy",
    summary="the state bucket's versioning is not enabled",
    why="without versions a bad write to a state cannot be undone",
    severity="high",
    remediation="enable versioning on the state bucket (core does)",
    iam=("s3:GetBucketVersioning",),
)
BACKEND_PUBLIC_ACCESS_OPEN = _code(
    "backend-public-access-open",
    applies="live deploy",
    summary="one of the four public access block settings of the state bucket is off",
    why="state holds secrets; one public policy or ACL would expose them",
    severity="critical",
    remediation="turn on all four public access block settings of the state bucket",
    iam=("s3:GetBucketPublicAccessBlock",),
)
BACKEND_LOCK_TABLE_NOT_FOUND = _code(
    "backend-lock-table-not-found",
    applies="live deploy",
    summary="the lock table does not exist",
    why="without it Terraform cannot lock state at all",
    severity="high",
    remediation="deploy core (it creates the lock table)",
    iam=("dynamodb:DescribeTable",),
)
BACKEND_LOCK_TABLE_INACTIVE = _code(
    "backend-lock-table-inactive",
    applies="live deploy",
    summary="the lock table is not ACTIVE",
    why="a table being created, updated or deleted may refuse or lose lock writes",
    severity="medium",
    remediation="wait for the table to become ACTIVE, or find out why it is not",
    iam=("dynamodb:DescribeTable",),
)
BACKEND_LOCK_TABLE_SCHEMA = _code(
    "backend-lock-table-schema",
    applies="live deploy",
    summary="the lock table's hash key is not `LockID` of type string",
    why="Terraform writes its locks under `LockID` (S); any other key refuses them",
    severity="medium",
    remediation="recreate the lock table with `LockID` (S) as its hash key",
    iam=("dynamodb:DescribeTable",),
)
BACKEND_LOCK_PROBE_FAILED = _code(
    "backend-lock-probe-failed",
    applies="live deploy",
    summary=(
        "taking a probe lock, having a second conditional write refused, and removing it did not "
        "all succeed"
    ),
    why="only a refused second writer proves that a held lock excludes another apply",
    severity="high",
    remediation="grant the probe's writes on its own item and check the table accepts conditional writes",
    iam=("dynamodb:PutItem", "dynamodb:DeleteItem"),  # its own probe item only
)
STATE_LOCKED = _code(
    "state-locked",
    applies="live deploy teardown",
    summary=(
        "Terraform's lock item (DynamoDB) or lockfile (S3) for a stack's state is held; says who holds "
        "it and since when"
    ),
    why="someone is applying, or a run died holding the lock; acting now would race it",
    severity="high",
    remediation="wait for the holder to finish, or `terraform force-unlock` a lock left by a dead run",
    iam=_STATE,
    waivable=False,
)

# -- spend -----------------------------------------------------------------------------------

BUDGET_STOP_REACHED = _code(
    "budget-stop-reached",
    applies="live deploy",
    summary=(
        "actual spend is at or above the emergency stop (28 USD): the budget's own actual spend "
        "(`spend:budget`), or the month-to-date sum of the sources in `cost.scope` (`spend:combined`); "
        "the message gives the amount, the window and `data_as_of`"
    ),
    why="past the emergency stop the cap is days away: nothing new should be deployed",
    severity="critical",
    remediation=(
        "tear down the ephemeral stacks (teardown is never gated on spend) and find what bills; `stackguard "
        "deploy` refuses to plan until spend is below the stop or can be read again"
    ),
    iam=(*_BUDGETS, *_CE),
    # the emergency stop: a waiver would let a deploy continue past it
    waivable=False,
)
COST_CAP_EXCEEDED = _code(
    "cost-cap-exceeded",
    applies="live deploy",
    summary="the month-to-date sum of the sources in `cost.scope` exceeds the cap",
    why="the platform costs more than it may",
    severity="critical",
    remediation="tear down the ephemeral stacks and find what bills; `stackguard deploy` refuses to plan meanwhile",
    iam=_CE,
    waivable=False,  # past the cap: a waiver would let a deploy add to it
)
COST_SOURCE_MISSING = _code(
    "cost-source-missing",
    applies="live deploy",
    summary=(
        "a source `cost.scope` requires (`aws`, `confluent`) has no spend figure, so the sum proves nothing: "
        "its query failed, or (Confluent) `CONFLUENT_CLOUD_API_KEY` and `CONFLUENT_CLOUD_API_SECRET` are not set"
    ),
    why="a sum with a part missing proves nothing below the thresholds",
    severity="high",
    remediation=(
        "make the source readable: for Confluent, export `CONFLUENT_CLOUD_API_KEY` and "
        "`CONFLUENT_CLOUD_API_SECRET` (a Cloud API key of a BillingAdmin or OrganizationAdmin); for a failed "
        "query, see the `cost-query-failed` beside it. If the account runs no Confluent at all, narrow the "
        "scope visibly in policy.toml (`[cost] scope = [\"aws\"]`): the policy digest changes and every gate "
        "reopens"
    ),
    iam=_CE,
    waivable=False,  # an unread part of the sum: a waiver would let a deploy pass past an unseen stop
)
COST_QUERY_FAILED = _code(
    "cost-query-failed",
    applies="live",
    summary=(
        "Cost Explorer `GetCostAndUsage` or Confluent `GET /billing/v1/costs` was refused, failed, timed "
        "out or answered malformed: never counted as zero"
    ),
    why="spend that cannot be read is not zero spend",
    severity="high",
    remediation=(
        "grant `ce:GetCostAndUsage`, or check the Confluent API key (a 401 is a wrong or revoked key) and "
        "`--confluent-url`"
    ),
    iam=_CE,
)

# -- residuals and state ----------------------------------------------------------------------

RESIDUAL_RESOURCE = _code(
    "residual-resource",
    applies="live teardown",
    summary=(
        "a billed resource is left in the account (an RDS instance, an unattached Elastic IP); "
        "`check live` reports it only as ERROR when it could not look. After a teardown: a resource still "
        "in the target's state, a billed resource tagged with the target (an ECS service with desired "
        "count > 0, ...), or anything the tagging API still lists under `stack=<target>` unless its own "
        "service's describe says it is gone (an INACTIVE task definition or cluster, a DRAINING service, "
        "not found); a describe that fails is an ERROR. In the destroy contract: a managed resource the "
        "destroy plan forgets (`removed` with `destroy = false`), which leaves it in the account unmanaged"
    ),
    why="what a teardown leaves behind keeps billing, unseen",
    severity="high",
    remediation=(
        "delete what is left, or find which stack should own it; drop the `removed { lifecycle { destroy = "
        "false } }` block so the teardown deletes it (or waive it with a justification if it must outlive the stack)"
    ),
    # The teardown's verification also reads the tagging API (tag:GetResources) and confirms
    # what it lists with the describe calls of guards.live.existence.IAM_ACTIONS.
    iam=("rds:DescribeDBInstances", "rds:ListTagsForResource", "ec2:DescribeAddresses", *_STS),
)
BACKEND_STATE_UNREADABLE = _code(
    "backend-state-unreadable",
    applies="live deploy teardown",
    summary=(
        "a stack's state object in the state bucket could not be read (`s3:GetObject` refused or failed) "
        "or is not Terraform state; a missing object is not this (the stack is not applied)"
    ),
    why="what Terraform believes it manages cannot be judged, and a teardown cannot know what to preserve",
    severity="high",
    remediation="grant `s3:GetObject` on the state bucket, or restore the state object from its versions",
    iam=("s3:GetObject",),
)
BACKEND_STATE_DIGEST_MISMATCH = _code(
    "backend-state-digest-mismatch",
    applies="live deploy teardown",
    summary=(
        "the lock table records an MD5 for a stack's state (item `<bucket>/<key>-md5`) and the object's "
        "differs or the object is gone: Terraform will refuse that state. No digest item passes "
        "(Terraform without DynamoDB locking writes none)"
    ),
    why="a write was lost or the object was replaced behind Terraform's back",
    severity="critical",
    remediation="restore the state object's version that matches the digest, or correct the digest item",
    iam=_STATE,
)

# -- waivers -----------------------------------------------------------------------------------

WAIVER_EXPIRED = _code(
    "waiver-expired",
    applies="synth plan live deploy teardown",
    summary="a waiver in the policy is past its expiry date",
    why="a waiver is a reviewed exception for a while, not for ever",
    severity="medium",
    remediation="review the exception again: renew the waiver with a new expiry, or fix what it covered",
)

# -- teardown: the destroy contract and its verification ---------------------------------------

DESTROY_OUT_OF_SCOPE = _code(
    "destroy-out-of-scope",
    applies="teardown",
    summary=(
        "the target is not in `[teardown] allowed_stacks` (refused before terraform runs), its synthesized "
        "backend is not its own state partition, or the destroy plan deletes an address that neither its "
        "synthesized configuration nor its state holds"
    ),
    why="a teardown removes one ephemeral stack and nothing else",
    severity="critical",
    remediation="tear down only an allowed stack, from its own partition, and find why the plan reaches further",
    waivable=False,
)
PRESERVE_VIOLATION = _code(
    "preserve-violation",
    applies="teardown",
    summary=(
        "the destroy plan deletes something whose physical identity (bucket, table, role, topic or budget "
        "name, OIDC provider, ARN, id) is in the preserve-set, whatever its address or module"
    ),
    why="the state bucket, lock table, evidence and budget must survive every teardown",
    severity="critical",
    remediation="remove the preserved resource from the target stack; it belongs to core",
    waivable=False,
)
DESTROY_UNEXPECTED_ACTION = _code(
    "destroy-unexpected-action",
    applies="teardown",
    summary=(
        "the destroy plan creates, updates or replaces something: a teardown only deletes, forgets or "
        "leaves resources unchanged (data sources may be read)"
    ),
    why="a destroy plan that changes things is not the teardown that was reviewed",
    severity="critical",
    remediation="find why the plan changes resources and plan the teardown again",
    waivable=False,
)
DESTROY_ORDER = _code(
    "destroy-order",
    applies="teardown",
    summary=(
        "confluent while demo's state still has resources, or demo (in `remote_state` mode) after "
        "confluent's state is gone: the message names the `manual` switch"
    ),
    why="demo reads confluent's outputs: removing confluent first breaks demo and its destroy plan",
    severity="high",
    remediation='tear down demo first; if confluent is already gone, set demo.confluent_source = "manual"',
    iam=_STATE,
    waivable=False,
)
STATIC_CREDENTIALS = _code(
    "static-credentials",
    applies="deploy teardown",
    summary=(
        "long-lived AWS keys: an access key id starting `AKIA`, or key variables (or a profile's keys) "
        "without a session token; `--allow-static-credentials` waives it visibly"
    ),
    why="long-lived keys that can deploy or destroy are the keys that leak",
    severity="critical",
    remediation="use short-lived credentials (OIDC in CI, `aws sso login`, an assumed role)",
    waivable=False,
    waived_by="--allow-static-credentials",
)
DEPLOY_ORDER = _code(
    "deploy-order",
    applies="deploy",
    summary=(
        "a stack deployed before what it needs: confluent while core's state is empty, or demo in "
        "`remote_state` mode while confluent's state is empty (the message names the `manual` switch); "
        "core needs nothing"
    ),
    why="a stack applied before what it reads fails half-way, or reads nothing",
    severity="high",
    remediation="deploy core, then confluent, then demo (or demo in `manual` mode)",
    iam=_STATE,
    waivable=False,
)
PRESERVE_MISSING = _code(
    "preserve-missing",
    applies="teardown",
    summary="after the apply, the state bucket, lock table, evidence bucket or budget no longer exists",
    why="without them no stack can be locked, recovered, proven or kept within budget",
    severity="critical",
    remediation="restore it from core (`stackguard deploy core`) and find what deleted it",
    iam=("s3:ListBucket", "dynamodb:DescribeTable", *_BUDGETS),
)
DESTROY_APPLY_FAILED = _code(
    "destroy-apply-failed",
    applies="teardown",
    summary=(
        "`terraform apply` of the reviewed plan failed or refused a stale plan, or the plan file changed "
        "after the contract was checked; the snapshot lists what was and was not destroyed"
    ),
    why="a half-applied teardown leaves a stack in between: part gone, part billing",
    severity="high",
    remediation="read the snapshot's destroyed and not_destroyed lists, then plan the teardown again",
    # a waiver would let the proof of a failed apply pass a verdict
    waivable=False,
)
DEPLOY_APPLY_FAILED = _code(
    "deploy-apply-failed",
    applies="deploy",
    summary=(
        "`terraform apply` of the checked deploy plan failed, was interrupted (SIGINT, SIGTERM) or refused a "
        "stale plan, or the plan file changed after it was checked; the snapshot (lane `deploy-apply`) says "
        "what the state holds now and which planned creates and deletes it shows done"
    ),
    why="a half-applied deploy leaves a stack in between: part created and billing, part missing",
    severity="high",
    remediation=(
        "read the snapshot's state_resources, created and not_created, fix the cause, then run the deploy "
        "again (it plans from the state as it is)"
    ),
    # a waiver would let the record of a failed apply pass a verdict
    waivable=False,
)
TASK_DEFINITION_LEFT_ACTIVE = _code(
    "task-definition-left-active",
    applies="teardown",
    summary=(
        "after a teardown, ECS task definition revisions tagged with the target are still ACTIVE; one "
        "finding per family (its ARN without a revision), naming the revisions"
    ),
    why=(
        "terraform deregisters the revisions its state holds, so an ACTIVE one was registered outside it "
        "(a CI rollout, `skip_destroy`, a failed replacement). It bills nothing, which is why it is not a "
        "`residual-resource`, but such revisions pile up unseen and can still be run, naming roles and "
        "secrets that no longer exist"
    ),
    severity="low",
    remediation=(
        "deregister them (`aws ecs deregister-task-definition --task-definition FAMILY:REVISION`), or waive "
        "the family if something outside the stack owns it"
    ),
    iam=("tag:GetResources", "ecs:DescribeTaskDefinition"),
)
STATE_MIGRATION_UNVERIFIED = _code(
    "state-migration-unverified",
    applies="deploy",
    summary=(
        "`stackguard deploy core --bootstrap` applied core with local state, but the state bucket does not "
        "hold that state afterwards (no object at core's key, other resources, attributes or outputs); "
        "the local copy is kept"
    ),
    why=(
        "core's state left on one laptop is a state nobody else can lock or recover, and retiring the local "
        "copy before the bucket provably holds it would lose the only record of what core created"
    ),
    severity="high",
    remediation=(
        "read the snapshot (lane `deploy-migrate`), fix the cause (the bucket, the lock table, credentials), "
        "then run `stackguard deploy core --bootstrap` again: it plans from the local state and migrates it"
    ),
    iam=("s3:GetObject", "s3:PutObject", "dynamodb:PutItem", "dynamodb:DeleteItem"),
    # a waiver would let an unmigrated state pass a verdict
    waivable=False,
)
ALWAYS_ON_ESTIMATE_OVER_STOP = _code(
    "always-on-estimate-over-stop",
    applies="synth plan",
    summary=(
        "the monthly estimate (list prices, `stackguard estimate`) of what the stacks that may stay up "
        "(persistent, or of unknown lifecycle) leave running exceeds the emergency stop (28 USD); UNKNOWN "
        "when a billed quantity or price in them is known only after apply or missing from the price table"
    ),
    why=(
        "what is meant to stay up bills every hour of every month: above the stop, the platform reaches its "
        "emergency stop from the persistent stacks alone, before anything ephemeral runs"
    ),
    severity="high",
    remediation=(
        "run `stackguard estimate` to see the lines, then shrink or remove what bills in the persistent "
        "stacks, or move it to an ephemeral one that is torn down; for UNKNOWN, make the count, class or "
        "size literal, or add the price to guards/data/prices_<region>.toml with its source"
    ),
)
BUDGET_STOP_ACTION_MISSING = _code(
    "budget-stop-action-missing",
    applies="synth plan",
    summary=(
        "the policy's budget has no `aws_budgets_budget_action` in its stack: nothing in AWS itself acts when "
        "spend reaches the emergency stop"
    ),
    why=(
        "an alert at the stop only tells people; a lane that was bypassed (a plain `terraform apply`, a "
        "workflow run by hand) keeps creating while the cap comes closer"
    ),
    severity="high",
    remediation=(
        "add a budget action at the stop threshold that applies a create-denying IAM policy to the deploy "
        "role automatically (core does: `stacks/parts/budget_stop.py`)"
    ),
)
BUDGET_STOP_ACTION_MISMATCH = _code(
    "budget-stop-action-mismatch",
    applies="synth plan",
    summary=(
        "the budget's stop action would not stop creating: not APPLY_IAM_POLICY, not AUTOMATIC, not on "
        "ACTUAL spend at the stop threshold, not attached to every role in the policy's `stop_roles`, a "
        "policy that does not deny every create action of the IAM table, or a field the rule does not know "
        "(fail-closed)"
    ),
    why=(
        "an action that waits for approval, fires on forecasts or at another amount, fences another role or "
        "attaches a policy that still allows creating looks like a stop and is none"
    ),
    severity="high",
    remediation=(
        "set action_type APPLY_IAM_POLICY, approval_model AUTOMATIC, notification_type ACTUAL, the threshold "
        "at `stop_threshold_usd`, `roles` to the policy's `stop_roles`, and attach a policy of this stack "
        "whose unconditioned Deny on `*` covers every create action in foundation/data/iam_by_resource_type.toml"
    ),
)
CI_ROLE_TYPE_UNCOVERED = _code(
    "ci-role-type-uncovered",
    applies="synth",
    summary=(
        "an ephemeral stack declares a resource type that foundation/data/iam_by_resource_type.toml does not "
        "list, so core's deploy and teardown roles get no IAM action for it"
    ),
    why=(
        "the roles are derived from that table and cannot manage what it lacks: a CI deploy would fail "
        "half-way, and a CI teardown could not delete it, leaving it to bill"
    ),
    severity="high",
    remediation=(
        "add the type to foundation/data/iam_by_resource_type.toml (its create, update, delete and read "
        "actions, and how far the `stack` tag limits them), then deploy core"
    ),
)
