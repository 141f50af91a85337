"""Make a session's clients refuse one API operation, as IAM would, over the real client path."""

from __future__ import annotations

import boto3
from botocore.exceptions import ClientError


def refuse(session: boto3.Session, event: str, code: str = "AccessDenied") -> None:
    """Every client the session makes from now on answers `event` (`ec2.DescribeNatGateways`,
    botocore's service id and operation name) with a ClientError carrying `code`."""

    def refused(model, **_):
        raise ClientError({"Error": {"Code": code, "Message": "refused by the test"}}, model.name)

    session.events.register(f"before-call.{event}", refused)
