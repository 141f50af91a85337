"""The naming rules AWS applies per kind: each refusal with its reason, each edge accepted."""

from __future__ import annotations

import pytest

from foundation import aws_names as n


@pytest.mark.parametrize(
    ("check", "name"),
    [
        (n.security_group_name, "devmin-demo-services"),
        (n.security_group_name, "Web tier (a)#1 @x [y]+=&;{}!$*:/,"),
        (n.security_group_name, "x" * 255),
        (n.security_group_name, "SG-upper-is-not-the-reserved-prefix"),
        (n.s3_bucket_name, "sg-devmin-tfstate-eu-west-2"),
        (n.s3_bucket_name, "a.b-c"),
        (n.s3_bucket_name, "abc"),
        (n.s3_bucket_name, "a" * 63),
        (n.iam_role_name, "devmin-core-ci"),
        (n.iam_role_name, "A_b+c=d,e.f@g-h"),
        (n.iam_role_name, "r" * 64),
        (n.iam_policy_name, "p" * 128),
        (n.dynamodb_table_name, "sg-devmin-tf-locks"),
        (n.dynamodb_table_name, "A.b_c"),
        (n.sns_topic_name, "devmin-core-alerts"),
        (n.ecs_name, "devmin-demo_api"),
        (n.log_group_name, "/ecs/devmin-demo-api"),
        (n.log_group_name, "/aws/lambda/f#1"),
        (n.rds_instance_identifier, "devmin-demo-db"),
        (n.rds_instance_identifier, "a" * 63),
        (n.db_subnet_group_name, "devmin-demo-db"),
        (n.db_subnet_group_name, "my subnets_1.a"),
        (n.ecr_repository_name, "devmin-core-images"),
        (n.ecr_repository_name, "project-a/nginx-web-app"),
        (n.ecr_repository_name, "a_b.c-d"),
        (n.budget_name, "sg-devmin-monthly"),
        (n.budget_name, "Monthly budget (USD)"),
        (n.ssm_parameter_name, "/devmin/dev_min/confluent/api_key"),
        (n.ssm_parameter_name, "plain-name_1.2"),
        (n.ssm_parameter_name, "/" + "/".join("abcdefghijklmno")),
        (n.load_balancer_name, "web-1"),
        (n.classic_load_balancer_name, "internal-is-fine-for-classic"),
        (n.target_group_name, "t" * 32),
    ],
)
def test_names_aws_accepts(check, name):
    assert check(name) is None


@pytest.mark.parametrize(
    ("check", "name", "reason"),
    [
        (n.security_group_name, "sg-devmin-demo-services", "starts with 'sg-'"),
        (n.security_group_name, "", "is empty"),
        (n.security_group_name, "x" * 256, "has 256 characters, at most 255"),
        (n.security_group_name, "caf\u00e9", "holds '\u00e9'"),
        (n.s3_bucket_name, "Bad_Bucket", "holds 'B_'; only lowercase letters"),
        (n.s3_bucket_name, "ab", "has 2 characters, at least 3"),
        (n.s3_bucket_name, "a" * 64, "at most 63"),
        (n.s3_bucket_name, "-abc", "start and end with a letter or digit"),
        (n.s3_bucket_name, "abc.", "start and end with a letter or digit"),
        (n.s3_bucket_name, "a..b", "'..'"),
        (n.s3_bucket_name, "192.168.5.4", "IP address"),
        (n.s3_bucket_name, "xn--bucket", "starts with 'xn--'"),
        (n.s3_bucket_name, "sthree-configurator", "starts with 'sthree-'"),
        (n.s3_bucket_name, "amzn-s3-demo-bucket", "starts with 'amzn-s3-demo-'"),
        (n.s3_bucket_name, "bucket-s3alias", "ends with '-s3alias'"),
        (n.s3_bucket_name, "bucket--ol-s3", "ends with '--ol-s3'"),
        (n.s3_bucket_name, "bucket.mrap", "ends with '.mrap'"),
        (n.iam_role_name, "r" * 65, "at most 64"),
        (n.iam_role_name, "role/with/slash", "holds '/'"),
        (n.iam_policy_name, "p" * 129, "at most 128"),
        (n.iam_policy_name, "has space", "holds ' '"),
        (n.dynamodb_table_name, "ab", "at least 3"),
        (n.dynamodb_table_name, "a:b:c", "holds ':'"),
        (n.sns_topic_name, "alerts.fifo", "only a FIFO topic's name"),
        (n.sns_topic_name, "a.b", "holds '.'"),
        (n.sns_topic_name, "t" * 257, "at most 256"),
        (n.ecs_name, "a.b", "holds '.'"),
        (n.ecs_name, "c" * 256, "at most 255"),
        (n.log_group_name, "/ecs/a b", "holds ' '"),
        (n.log_group_name, "l" * 513, "at most 512"),
        (n.rds_instance_identifier, "Devmin-db", "holds 'D'"),
        (n.rds_instance_identifier, "1db", "start with a letter"),
        (n.rds_instance_identifier, "a--b", "'--'"),
        (n.rds_instance_identifier, "db-", "end with '-'"),
        (n.rds_instance_identifier, "a" * 64, "at most 63"),
        (n.rds_instance_identifier, "my_db", "holds '_'"),
        (n.db_subnet_group_name, "default", "'default'"),
        (n.db_subnet_group_name, "1subnets", "start with a letter"),
        (n.db_subnet_group_name, "Subnets", "holds 'S'"),
        (n.ecr_repository_name, "a", "at least 2"),
        (n.ecr_repository_name, "Images", "lowercase"),
        (n.ecr_repository_name, "a--", "lowercase"),
        (n.ecr_repository_name, "ns//app", "lowercase"),
        (n.budget_name, "a:b", "':' or '\\'"),
        (n.budget_name, "a\\b", "':' or '\\'"),
        (n.budget_name, "x/action/y", "'/action/'"),
        (n.budget_name, "b" * 101, "at most 100"),
        (n.ssm_parameter_name, "/aws/x", "prefixed 'aws' or 'ssm'"),
        (n.ssm_parameter_name, "SSM-param", "prefixed 'aws' or 'ssm'"),
        (n.ssm_parameter_name, "a/b", "start with '/'"),
        (n.ssm_parameter_name, "/a b", "holds ' '"),
        (n.ssm_parameter_name, "/" + "/".join("abcdefghijklmnop"), "16 levels, at most 15"),
        (n.ssm_parameter_name, "/" + "p" * 1011, "at most 1011"),
        (n.load_balancer_name, "internal-web", "'internal-'"),
        (n.load_balancer_name, "-web", "start or end with '-'"),
        (n.load_balancer_name, "w" * 33, "at most 32"),
        (n.load_balancer_name, "web_1", "holds '_'"),
        (n.classic_load_balancer_name, "web-", "start or end with '-'"),
        (n.target_group_name, "t" * 33, "at most 32"),
    ],
)
def test_names_aws_refuses_say_why(check, name, reason):
    refusal = check(name)
    assert refusal is not None and reason in refusal, refusal
    assert "\n" not in refusal


def test_one_character_is_singular():
    assert n.ecr_repository_name("a") == "has 1 character, at least 2 are needed"


def test_a_fifo_topic_carries_the_suffix_and_only_it():
    assert n.sns_topic_name("orders.fifo", fifo=True) is None
    assert "without the '.fifo' suffix" in n.sns_topic_name("orders", fifo=True)
    assert n.sns_topic_name("orders.fifo", fifo=None) is None  # FIFO or not is unknown
    assert n.sns_topic_name("orders", fifo=None) is None
    assert "holds '.'" in n.sns_topic_name("or.ders.fifo", fifo=True)


def test_a_prefix_is_judged_as_the_name_the_provider_makes_of_it():
    assert "makes a name that starts with 'sg-'" in n.prefix_refusal(n.security_group_name, "sg-web-")
    assert n.prefix_refusal(n.security_group_name, "web-") is None
    assert n.prefix_refusal(n.s3_bucket_name, "b" * 37) is None  # the provider's documented bound
    assert "at most 63" in n.prefix_refusal(n.s3_bucket_name, "b" * 38)
    assert n.prefix_refusal(n.s3_bucket_name, "logs-") is None  # a prefix may end with '-'
    assert "at most 64" in n.prefix_refusal(n.iam_role_name, "r" * 39)
    assert "appends 26 characters" in n.prefix_refusal(n.iam_role_name, "r" * 39)
