"""The moto server answers over loopback HTTP and is reset between tests."""


def test_server_is_reached_over_http_and_starts_empty(aws, moto_endpoint):
    s3 = aws.client("s3")
    assert s3.meta.endpoint_url == moto_endpoint
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="left-behind", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})


def test_reset_between_tests(aws):
    assert aws.client("s3").list_buckets()["Buckets"] == []
