from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from arrimage.accounts.models import Role
from arrimage.accounts.services import membership_add
from arrimage.coalition.models import Organisation


class Command(BaseCommand):
    help = "Add a member to an organisation; prints a one-time link to choose a password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation", required=True, help="organisation id")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: object, **options: object) -> None:
        organisation = Organisation.objects.filter(pk=str(options["organisation"])).first()
        if organisation is None:
            raise CommandError("unknown organisation")
        membership, created = membership_add(
            actor=None,
            organisation=organisation,
            email=str(options["email"]),
            full_name=str(options["name"]),
            role=str(options["role"]),
        )
        if created:
            user = membership.user
            path = reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            self.stdout.write(f"{options['base_url']}{path}")
