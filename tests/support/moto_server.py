"""moto in server mode, and what it cannot serve taught to it in one place, a comment on each patch.

The tests reach moto over real HTTP only; a shim adds a missing action or corrects an
evaluation from the data moto itself stores. Two ways in:

- `serve_budget_subscribers(monkeypatch)`: one shim, in the pytest process, for the
  threaded server of `tests/conftest.py`;
- `python -m tests.support.moto_server --cert C --key K`: the end-to-end server, its own
  process with every shim, listening on two loopback ports of one account: HTTPS (what
  terraform and boto3 use, as they use TLS against AWS) and plain HTTP (to show that
  core's TLS-only bucket policy refuses it). It prints `{"https": PORT, "http": PORT}`
  on one line once both listen, and stops when its stdin closes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import ssl
import sys
import threading
from pathlib import Path
from typing import Any

NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
LOOPBACK = "127.0.0.1"
#: Read by moto when its IAM backend is created, so set before the server starts: the demo
#: stack attaches AWS-managed policies (AmazonECSTaskExecutionRolePolicy), which moto
#: knows only when told to load them.
SERVER_ENVIRONMENT = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def serve_budget_subscribers(monkeypatch) -> None:
    """moto 5.2.5 stores a notification's subscribers but does not serve
    `DescribeSubscribersForNotification`, which the budget collector and provider 5.100's
    budget read call. Teach the server that one action from its own stored data."""
    from moto.budgets.responses import BudgetsResponse

    def describe_subscribers_for_notification(self) -> str:
        wanted = self._get_param("Notification")
        stored = self.backend.budgets[self._get_param("AccountId")][self._get_param("BudgetName")]
        found = next(
            n
            for n in stored.notifications
            if all(n.details.get(k) == wanted.get(k) for k in NOTIFICATION_KEYS)
        )
        return json.dumps({"Subscribers": found.subscribers, "NextToken": None})

    monkeypatch.setattr(
        BudgetsResponse,
        "describe_subscribers_for_notification",
        describe_subscribers_for_notification,
        raising=False,
    )


#: Budget and budget action tags, by ARN (one server, one account): moto keeps none.
BUDGET_TAGS: dict[str, dict[str, str]] = {}


def serve_budget_actions(monkeypatch) -> None:
    """moto 5.2.5 has no budget actions: CreateBudgetAction and the rest answer 500. Core's
    emergency stop is one, so provider 5.100 creates, reads (DescribeBudgetAction, waiting
    for a settled status) and deletes it. Keep the actions as the API shapes them, in
    STANDBY (spend below the threshold: AWS would not run one in an empty account either),
    and their tags in BUDGET_TAGS, which the tags shim serves."""
    import uuid

    from moto.budgets.responses import BudgetsResponse
    from moto.core.exceptions import JsonRESTError

    actions: dict[tuple[str, str, str], dict[str, Any]] = {}  # (account, budget, id) -> action

    def key(self, action_id: str | None = None) -> tuple[str, str, str]:
        return (self._get_param("AccountId"), self._get_param("BudgetName"), action_id or self._get_param("ActionId"))

    def create_budget_action(self) -> str:
        action_id = str(uuid.uuid4())
        account, budget, _ = key(self, action_id)
        fields = ("NotificationType", "ActionType", "ActionThreshold", "Definition", "ExecutionRoleArn", "ApprovalModel", "Subscribers")
        actions[key(self, action_id)] = {
            "ActionId": action_id, "BudgetName": budget, "Status": "STANDBY",
            **{name: self._get_param(name) for name in fields},
        }
        arn = f"arn:aws:budgets::{account}:budget/{budget}/action/{action_id}"
        BUDGET_TAGS[arn] = {pair["Key"]: pair["Value"] for pair in self._get_param("ResourceTags") or []}
        return json.dumps({"AccountId": account, "BudgetName": budget, "ActionId": action_id})

    def describe_budget_action(self) -> str:
        found = actions.get(key(self))
        if found is None:  # what the provider reads as "gone"
            raise JsonRESTError("NotFoundException", f"budget action {key(self)[2]} not found")
        return json.dumps({"AccountId": key(self)[0], "BudgetName": found["BudgetName"], "Action": found})

    def update_budget_action(self) -> str:
        old = actions[key(self)]
        changed = {name: self._get_param(name) for name in old if name not in ("ActionId", "BudgetName", "Status")}
        new = {**old, **{name: value for name, value in changed.items() if value is not None}}
        actions[key(self)] = new
        return json.dumps({"AccountId": key(self)[0], "BudgetName": old["BudgetName"], "OldAction": old, "NewAction": new})

    def delete_budget_action(self) -> str:
        gone = actions.pop(key(self))
        return json.dumps({"AccountId": key(self)[0], "BudgetName": gone["BudgetName"], "Action": gone})

    for name, served in (
        ("create_budget_action", create_budget_action),
        ("describe_budget_action", describe_budget_action),
        ("update_budget_action", update_budget_action),
        ("delete_budget_action", delete_budget_action),
    ):
        monkeypatch.setattr(BudgetsResponse, name, served, raising=False)


def serve_budget_tags(monkeypatch) -> None:
    """moto 5.2.5 has no budget tags: it drops `ResourceTags` on `CreateBudget` and answers
    `ListTagsForResource`, `TagResource` and `UntagResource` with a 500. Provider 5.100 lists
    a budget's tags on every read and retries a refusal for over ten minutes. Keep the tags
    beside the budgets moto stores, keyed by the budget's ARN."""
    from moto.budgets.responses import BudgetsResponse

    tags = BUDGET_TAGS  # shared with the budget actions shim
    create_budget = BudgetsResponse.create_budget

    def budget_arn(account: str, name: str) -> str:
        return f"arn:aws:budgets::{account}:budget/{name}"

    def created(self) -> str:
        answer = create_budget(self)
        arn = budget_arn(self._get_param("AccountId"), self._get_param("Budget")["BudgetName"])
        tags[arn] = {pair["Key"]: pair["Value"] for pair in self._get_param("ResourceTags") or []}
        return answer

    def list_tags_for_resource(self) -> str:
        listed = tags.get(self._get_param("ResourceARN"), {})
        return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in sorted(listed.items())]})

    def tag_resource(self) -> str:
        added = {pair["Key"]: pair["Value"] for pair in self._get_param("ResourceTags") or []}
        tags.setdefault(self._get_param("ResourceARN"), {}).update(added)
        return json.dumps({})

    def untag_resource(self) -> str:
        held = tags.get(self._get_param("ResourceARN"), {})
        for key in self._get_param("ResourceTagKeys") or []:
            held.pop(key, None)
        return json.dumps({})

    monkeypatch.setattr(BudgetsResponse, "create_budget", created)
    for name, action in (
        ("list_tags_for_resource", list_tags_for_resource),
        ("tag_resource", tag_resource),
        ("untag_resource", untag_resource),
    ):
        monkeypatch.setattr(BudgetsResponse, name, action, raising=False)


def _condition_holds(condition: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    """IAM's `Bool` and `StringEquals`: every key's value must be among the expected ones.
    An operator this shim does not know is refused loudly rather than guessed."""
    for operator, expectations in condition.items():
        if operator not in ("Bool", "StringEquals"):
            raise NotImplementedError(f"moto_server shim: condition operator {operator} is not evaluated")
        for key, expected in expectations.items():
            wanted = [expected] if isinstance(expected, str) else list(expected)
            actual = context.get(key)
            if operator == "Bool":
                wanted, actual = [str(w).lower() for w in wanted], (actual or "").lower()
            if actual not in wanted:
                return False
    return True


def honour_bucket_policy_conditions(monkeypatch) -> None:
    """moto 5.2.5 evaluates a bucket policy on object requests but ignores `Condition` on a
    Deny (it knows no `Bool`, and a condition it cannot match still denies), so core's
    TLS-only statement (Deny s3:* when aws:SecureTransport is false) refuses every object
    request, state writes included. Evaluate the statements as S3 does: a statement applies
    only when its condition holds, and aws:SecureTransport is whether this request came
    over TLS."""
    from flask import has_request_context, request
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        secure = has_request_context() and request.scheme == "https"
        context = {"aws:SecureTransport": "true" if secure else "false"}
        statements = json.loads(self.policy.decode())["Statement"]
        permitted = False
        for statement in statements if isinstance(statements, list) else [statements]:
            if "Condition" in statement and not _condition_holds(statement["Condition"], context):
                continue
            unconditional = {k: v for k, v in statement.items() if k != "Condition"}
            result = IAMPolicyStatement(unconditional).is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return result
            permitted = permitted or result == PermissionResult.PERMITTED
        return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL

    monkeypatch.setattr(FakeBucket, "get_permission", get_permission)


def serve_ecs_availability_zone_rebalancing(monkeypatch) -> None:
    """moto 5.2.5 drops `availabilityZoneRebalancing` on `CreateService` (it keeps it only
    from `UpdateService`), so `DescribeServices` leaves it out. Provider 5.100 sends
    "DISABLED" by default and reads it back, and demo's service would plan an in-place
    update right after every apply: a plan that should hold only what a test added would
    hold that too. Keep what was asked for, or ECS's documented default on create, ENABLED."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    create_service = EC2ContainerServiceResponse.create_service

    def created(self) -> Any:
        answer = create_service(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        service.availability_zone_rebalancing = self._get_param("availabilityZoneRebalancing") or "ENABLED"
        return answer

    monkeypatch.setattr(EC2ContainerServiceResponse, "create_service", created)


SHIMS = (
    serve_budget_subscribers,
    serve_budget_tags,
    serve_budget_actions,
    honour_bucket_policy_conditions,
    serve_ecs_availability_zone_rebalancing,
)


def write_tls_files(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (CA and leaf in one, a day long) and its key:
    the clients trust it through AWS_CA_BUNDLE (boto3) and SSL_CERT_FILE (terraform)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "moto e2e")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "moto-cert.pem", directory / "moto-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def main(argv: list[str] | None = None) -> None:
    """Both listeners serve one moto app (one account); stops when stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.moto_server")
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.update(SERVER_ENVIRONMENT)

    import pytest
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    patches = pytest.MonkeyPatch()
    for shim in SHIMS:
        shim(patches)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    app = DomainDispatcherApplication(create_backend_app)
    servers = {
        scheme: make_server(LOOPBACK, 0, app, threaded=True, request_handler=MotoRequestHandler, ssl_context=context)
        for scheme, context in (("https", tls), ("http", None))
    }
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({scheme: server.server_address[1] for scheme, server in servers.items()}), flush=True)
    sys.stdin.read()  # the test session holds the pipe; EOF (or its death) ends the server
    for server in servers.values():
        server.shutdown()


if __name__ == "__main__":
    main()
