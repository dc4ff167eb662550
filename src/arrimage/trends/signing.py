"""The instance's Ed25519 signing key, and signed release bundles.

The key comes from ``ARRIMAGE_SIGNING_KEY`` (base64 of the 32-byte private key) or from the key
file ``ARRIMAGE_SIGNING_KEY_FILE`` (by default ``signing.key`` in the data folder outside
production; ``arrimage demo`` creates it). The test suite uses a key made for the process.
"""

import base64
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

BUNDLE_FORMAT = "arrimage-trends-release/1"


class SigningKeyMissing(RuntimeError):
    pass


class BundleRefused(Exception):
    """A bundle that cannot be accepted; ``code`` says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def canonical_json(payload: object) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(payload: object) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def key_file_path() -> Path | None:
    configured = os.environ.get("ARRIMAGE_SIGNING_KEY_FILE")
    if configured:
        return Path(configured)
    if settings.IS_PRODUCTION:
        return None
    return Path(settings.DATA_DIR) / "signing.key"


def write_signing_key_file(path: Path) -> None:
    """Create a new key file readable by its owner only. Never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(raw).decode() + "\n")


def _parse(text: str) -> Ed25519PrivateKey:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as error:
        raise SigningKeyMissing("the signing key is not valid base64") from error
    if len(raw) != 32:
        raise SigningKeyMissing("the signing key must be 32 bytes, base64-encoded")
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=1)
def _test_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_key() -> Ed25519PrivateKey:
    text = os.environ.get("ARRIMAGE_SIGNING_KEY", "")
    if text:
        return _parse(text)
    path = key_file_path()
    if path is not None and path.exists():
        return _parse(path.read_text())
    if settings.MODE == "test":
        return _test_key()
    raise SigningKeyMissing("no signing key: set ARRIMAGE_SIGNING_KEY or ARRIMAGE_SIGNING_KEY_FILE")


def public_key_hex(key: Ed25519PrivateKey | None = None) -> str:
    key = key or signing_key()
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )


def sign(payload: dict[str, Any]) -> tuple[str, str]:
    """The signature of the payload (hex) and the public key that checks it (hex)."""
    key = signing_key()
    return key.sign(canonical_json(payload)).hex(), public_key_hex(key)


def bundle(payload: dict[str, Any], *, signature: str, public_key: str) -> bytes:
    document = {
        "format": BUNDLE_FORMAT,
        "payload": payload,
        "public_key": public_key,
        "signature": signature,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode()


def bundle_open(data: bytes, *, trusted_keys: set[str]) -> tuple[dict[str, Any], str, str]:
    """Check a bundle: its form, that its key is trusted, and its signature. Returns the
    payload, the signature and the public key; raises :class:`BundleRefused`."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BundleRefused("not_json") from error
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        raise BundleRefused("format")
    payload = document.get("payload")
    public_key = str(document.get("public_key", ""))
    signature = str(document.get("signature", ""))
    if not isinstance(payload, dict):
        raise BundleRefused("format")
    if public_key not in trusted_keys:
        raise BundleRefused("untrusted")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), canonical_json(payload)
        )
    except (ValueError, InvalidSignature) as error:
        raise BundleRefused("signature") from error
    return payload, signature, public_key


def signature_valid(payload: dict[str, Any], *, signature: str, public_key: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), canonical_json(payload)
        )
    except (ValueError, InvalidSignature):
        return False
    return True
