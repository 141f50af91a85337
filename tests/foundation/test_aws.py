from botocore.exceptions import ClientError, EndpointConnectionError

from foundation.aws import FailedCall, calling, chunks, error_code


def client_error(code):
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "Op")


def test_error_code_of_a_refusal_a_transport_failure_and_a_wrapped_call():
    assert error_code(client_error("NoSuchKey")) == "NoSuchKey"
    assert error_code(ClientError({}, "Op")) == "ClientError"
    assert error_code(EndpointConnectionError(endpoint_url="http://x")) == "EndpointConnectionError"
    assert error_code(FailedCall("s3:GetObject", client_error("AccessDenied"))) == "AccessDenied"


def test_calling_names_the_method_and_keeps_the_cause():
    cause = client_error("Throttling")
    try:
        with calling("ec2:DescribeNatGateways"):
            raise cause
    except FailedCall as failed:
        assert failed.method == "ec2:DescribeNatGateways"
        assert failed.cause is cause
    else:
        raise AssertionError("FailedCall was not raised")


def test_chunks_cover_every_item_in_bounded_batches():
    assert [list(c) for c in chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
