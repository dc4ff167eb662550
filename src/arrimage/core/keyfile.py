"""Creating a master key (for ``arrimage demo`` and key rotation). Creating one opens nothing:
reading the master key and the data keys is :mod:`arrimage.core.crypto`'s, which only the
privacy kernel imports."""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def generate_master_key_text() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def write_master_key_file(path: Path) -> None:
    """Create a new master key file readable by its owner only. Never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_master_key_text() + "\n")
