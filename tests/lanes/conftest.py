"""The kernel tests use the shared fake `terraform` (tests.support)."""

from tests.support.fake_terraform import fake_terraform  # noqa: F401 - fixture, registered by import
