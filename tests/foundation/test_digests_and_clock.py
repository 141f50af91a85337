import hashlib

from foundation.clock import utc_now
from foundation.digests import CHUNK, bytes_sha256, file_sha256


def test_file_digest_equals_bytes_digest_across_chunks(tmp_path):
    data = b"x" * (CHUNK * 2 + 17)
    path = tmp_path / "plan"
    path.write_bytes(data)
    assert file_sha256(path) == bytes_sha256(data) == hashlib.sha256(data).hexdigest()


def test_clock_is_utc_in_whole_seconds():
    now = utc_now()
    assert now.utcoffset().total_seconds() == 0
    assert now.microsecond == 0
