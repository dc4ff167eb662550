from django.core.management.base import BaseCommand, CommandError

from arrimage.core.audit_check import audit_anchor, audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chains; exits non-zero at the first tampered event."

    def handle(self, *args: object, **options: object) -> None:
        checked, problem = audit_verify()
        if problem is not None:
            raise CommandError(
                f"audit log tampered: {problem.message} (chain {problem.chain}, sequence "
                f"{problem.sequence}, {problem.kind}); {checked} events before it are intact"
            )
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} events"))
        anchor = audit_anchor()
        # Kept outside the database (a ticket, a printout), this anchors the chains: a
        # consistent rewrite of the whole log by the table's owner would change it.
        self.stdout.write(f"head: sequence {anchor['sequence']}, hash {anchor['hash']}")
        for chain, head in anchor["chains"].items():
            self.stdout.write(f"  chain {chain}: sequence {head['sequence']}, hash {head['hash']}")
