"""One line per blocker code, for reports (SARIF rule descriptions) and the README.

Prose lives here, beside the rules, not inside them; a test keeps this list, the
registry and the README in step.
"""

DESCRIPTIONS: dict[str, str] = {
    "forbidden-nat-gateway": "A NAT gateway exists after apply; it bills about 32 USD a month before traffic.",
    "forbidden-load-balancer": "A load balancer (aws_lb, aws_alb, aws_elb) exists after apply.",
    "always-on-fleet": "An autoscaling group, EKS node group, or a service with desired count > 0 in a persistent stack.",
    "unknown-count": "A forbidden type whose count is known only after apply: fail-closed.",
    "unverifiable-module": "A module the synth guard cannot see into; the plan guard is the complete check.",
    "budget-missing": "The policy's budget does not exist in its stack.",
    "budget-type-mismatch": "The budget is not a monthly COST budget.",
    "budget-cap-mismatch": "The budget's cap differs from the policy's.",
    "budget-thresholds-mismatch": "The budget's ACTUAL alert ladder differs from the policy's.",
    "budget-stop-threshold-missing": "No ACTUAL alert at the emergency stop threshold.",
    "budget-subscriber-missing": "A budget notification has no SNS or e-mail subscriber.",
    "backend-missing": "A stack has no backend: its state would stay local.",
    "backend-type-mismatch": "A stack's backend is not the type the policy requires (S3).",
    "backend-bucket-missing": "An S3 backend without a bucket (a partial configuration).",
    "backend-unencrypted": "The S3 backend does not set encrypt = true.",
    "backend-lock-missing": "The S3 backend has no DynamoDB lock table.",
    "backend-lockfile-missing": "The S3 backend does not set use_lockfile = true.",
    "backend-key-mismatch": "The state key does not follow the policy's pattern for its stack.",
    "backend-bucket-mismatch": "Stacks disagree on the state bucket.",
    "backend-region-mismatch": "Stacks disagree on the backend region.",
    "backend-lock-table-mismatch": "Stacks disagree on the lock table.",
    "backend-key-overlap": "Two stacks' state keys are equal or one is a prefix of the other.",
    "lifecycle-tag-missing": "A taggable resource carries no lifecycle tag (default tags count).",
    "lifecycle-tag-mismatch": "A resource's lifecycle tag is not its stack's lifecycle.",
    "waiver-expired": "A waiver in the policy is past its expiry date.",
}
