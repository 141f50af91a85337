"""The platform's three cdktf stacks and the configuration they are built from."""
