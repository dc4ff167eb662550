import hashlib
import hmac
import time
import uuid
from base64 import b32encode
from urllib.parse import quote

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from arrimage.coalition.models import Organisation
from arrimage.core.credentials import credential_field_register, credential_open, credential_seal


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who works in Arrimage. Logs in with an email address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True, max_length=254)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="fr-ca",
        choices=[("fr-ca", "Français"), ("en", "English")],
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SERVICE_STAFF = "service_staff", _("Service staff")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation administrator")


class Membership(models.Model):
    """A user acting for an organisation in one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class UserSession(models.Model):
    """Which sessions belong to which user, so that disabling a user ends them at once."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class TOTPDevice(ThrottlingMixin, Device):
    """A time-based one-time-password app (RFC 6238). The seed is sealed with the instance key.

    django-otp needs integer ids, so the row is saved before its seed is sealed to it.
    """

    key_ciphertext = models.BinaryField(default=b"")
    last_t = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(default=timezone.now)

    step = 30
    digits = 6
    tolerance = 1

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")

    def seed(self) -> bytes:
        return credential_open(self, "key_ciphertext")

    def set_seed(self, seed: bytes) -> None:
        self.key_ciphertext = credential_seal(self, "key_ciphertext", seed)

    def totp(self) -> TOTP:
        totp = TOTP(self.seed(), self.step, 0, self.digits, 0)
        totp.time = time.time()
        return totp

    def config_url(self) -> str:
        label = quote(f"Arrimage:{self.user.email}")
        secret = b32encode(self.seed()).decode().rstrip("=")
        return f"otpauth://totp/{label}?secret={secret}&issuer=Arrimage&digits={self.digits}"

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: object) -> bool:
        verify_allowed, _data = self.verify_is_allowed()
        if not verify_allowed:
            return False
        text = str(token).strip().replace(" ", "")
        if not (text.isdigit() and len(text) == self.digits):
            self.throttle_increment()
            return False
        totp = self.totp()
        for offset in range(-self.tolerance, self.tolerance + 1):
            totp.drift = offset
            if totp.t() > self.last_t and totp.verify(int(text), 0):
                self.last_t = totp.t()
                self.throttle_reset(commit=False)
                self.save(update_fields=["last_t", *self._throttle_fields()])
                return True
        self.throttle_increment()
        return False

    @staticmethod
    def _throttle_fields() -> list[str]:
        return ["throttling_failure_timestamp", "throttling_failure_count"]


credential_field_register(TOTPDevice, "key_ciphertext")


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """Single-use recovery codes, kept only as SHA-256 digests."""

    code_digests = models.JSONField(default=list)

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")

    @staticmethod
    def digest(code: str) -> str:
        normalised = code.strip().replace("-", "").replace(" ", "").upper()
        return hashlib.sha256(("arrimage-recovery|" + normalised).encode()).hexdigest()

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: object) -> bool:
        verify_allowed, _data = self.verify_is_allowed()
        if not verify_allowed:
            return False
        digest = self.digest(str(token))
        remaining = [d for d in self.code_digests if not hmac.compare_digest(d, digest)]
        if len(remaining) == len(self.code_digests):
            self.throttle_increment()
            return False
        self.code_digests = remaining
        self.throttle_reset(commit=False)
        self.save()
        return True
