from django.core.management.base import BaseCommand, CommandError

from arrimage.privacy.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits non-zero at the first tampered event."

    def handle(self, *args: object, **options: object) -> None:
        checked, problem = audit_verify()
        if problem is not None:
            raise CommandError(
                f"audit log tampered: {problem.message} (sequence {problem.sequence}, "
                f"{problem.kind}); {checked} events before it are intact"
            )
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} events"))
