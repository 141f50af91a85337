"""Live collectors: boto3 (and HTTP) readers that turn the account into inventory and facts.

They take an injected session or client factory, paginate every list call, and turn
every failed call into an ERROR finding that names the API method and the error code.
"""
