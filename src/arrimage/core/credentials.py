"""Account secrets (the seed of an authenticator app): sealed with the instance key, because
they belong to a user rather than to an organisation, and are no one's personal data category.

This is the one door to the cipher outside the privacy kernel, and it opens only fields
declared here: a field of personal data (sealed with an organisation's key) is refused. It sits
in core because accounts, below the kernel, keeps the seeds (docs/architecture.md).
"""

from django.db import models

from arrimage.core import crypto

CREDENTIAL_FIELDS: set[tuple[type[models.Model], str]] = set()


class NotACredential(Exception):
    """The field is not an account secret declared with :func:`credential_field_register`."""


def credential_field_register(model: type[models.Model], field: str) -> None:
    crypto.register_encrypted_field(model, field, organisation_field=None)
    CREDENTIAL_FIELDS.add((model, field))


def _check(instance: models.Model, field: str) -> None:
    if (type(instance), field) not in CREDENTIAL_FIELDS:
        raise NotACredential(f"{type(instance).__name__}.{field} is not an account secret")


def credential_seal(instance: models.Model, field: str, secret: bytes) -> bytes:
    """The ciphertext of an account secret, bound to this row and field."""
    _check(instance, field)
    return crypto.seal_field(instance, field, secret.hex())


def credential_open(instance: models.Model, field: str) -> bytes:
    _check(instance, field)
    return bytes.fromhex(crypto.open_field(instance, field))
