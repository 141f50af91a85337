"""`evidence publish --bucket`: validated as the configuration's evidence bucket is."""

from __future__ import annotations

import pytest

from stackguard.lanes.publish import evidence_bucket
from stacks.config import ConfigError
from tests.conftest import CONFIG_FILE, in_process
from tests.support.plans import CONFIG


def test_without_bucket_the_configured_one_is_used():
    assert evidence_bucket(CONFIG, None) == CONFIG.evidence.bucket
    assert evidence_bucket(CONFIG, "another-evidence-bucket") == "another-evidence-bucket"


def test_a_bad_bucket_name_is_configuration_naming_the_option():
    with pytest.raises(ConfigError, match=r"^--bucket 'Bad_Bucket': "):
        evidence_bucket(CONFIG, "Bad_Bucket")


def test_a_bad_bucket_name_exits_2_with_one_line_before_any_upload(tmp_path):
    code, stdout, stderr = in_process("evidence", "publish", str(tmp_path), "--config", str(CONFIG_FILE), "--bucket", "Bad_Bucket")
    assert code == 2 and stdout == ""
    assert stderr.startswith("error: --bucket 'Bad_Bucket': ") and len(stderr.strip().splitlines()) == 1
