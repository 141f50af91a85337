"""The registry, the code catalog and the README name exactly the same codes."""

from guards.catalog import DESCRIPTIONS
from guards.engine import all_codes
from guards.registry import RULES
from tests.conftest import REPO_ROOT


def test_rule_families_are_exactly_these():
    assert sorted(RULES) == [
        "always-on-services", "backend", "backend-readiness", "budget", "forbidden-resources",
        "lifecycle-tags", "module-calls", "spend", "state-digest", "state-locks",
    ]


def test_catalog_describes_every_code_and_nothing_else():
    assert sorted(DESCRIPTIONS) == all_codes()


def test_readme_documents_every_code():
    readme = (REPO_ROOT / "README.md").read_text()
    missing = [code for code in all_codes() if f"`{code}`" not in readme]
    assert missing == []
