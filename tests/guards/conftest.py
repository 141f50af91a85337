import pytest

from guards.policy import Policy, load_policy
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(REPO_ROOT / "policy.toml")
