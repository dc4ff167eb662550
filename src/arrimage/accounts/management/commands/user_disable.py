from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.accounts.models import User
from arrimage.accounts.services import user_disable, user_enable


class Command(BaseCommand):
    help = "Disable an account (its sessions end at once), or enable it again with --enable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--enable", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(email=str(options["email"]).strip().lower()).first()
        if user is None:
            raise CommandError("no account with that email address")
        if options["enable"]:
            user_enable(actor_id=None, user=user)
            self.stdout.write(self.style.SUCCESS("account enabled"))
        else:
            user_disable(actor_id=None, user=user)
            self.stdout.write(self.style.SUCCESS("account disabled; its sessions are ended"))
