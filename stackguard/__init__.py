"""stackguard: synthesize, guard and tear down a cost-bounded cdktf platform."""

__version__ = "0.1.0"
