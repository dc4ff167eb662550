from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from arrimage.accounts import demo
from arrimage.awareness.demo import demo_awareness_build
from arrimage.cases.demo import demo_cases_build
from arrimage.cases.models import Case
from arrimage.coalition.demo import demo_glossary_build
from arrimage.coalition_pages.demo import demo_coalition_life_build
from arrimage.conferences.demo import demo_conferences_build
from arrimage.core.keyfile import write_master_key_file
from arrimage.directory.demo import demo_directory_build
from arrimage.orientation.demo import demo_orientation_build, demo_orientation_ready
from arrimage.screening import demo as screening_demo
from arrimage.trends import demo as trends_demo
from arrimage.trends.signing import key_file_path, write_signing_key_file


def demo_screenings() -> int:
    """Screenings on three cases of the demonstration caseworker's organisation, and one
    started before any case."""
    worker = screening_demo.demo_worker()
    if worker is None:
        return 0
    case_ids = list(
        Case.objects.filter(lead_organisation=worker.organisation)
        .order_by("opened_at", "pk")
        .values_list("pk", flat=True)[: len(screening_demo.SCREENINGS)]
    )
    return screening_demo.demo_screenings_build(actor=worker, case_ids=case_ids)


class Command(BaseCommand):
    help = "Create the database and load the synthetic demonstration coalition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.ARRIMAGE_MASTER_KEY:
            key_file = settings.DATA_DIR / "master.key"
            if not key_file.exists():
                write_master_key_file(key_file)
                self.stdout.write(f"demonstration master key created: {key_file}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo.demo_exists():
            self.stdout.write("The demonstration data is already loaded.")
        else:
            self.stdout.write("Loading the demonstration coalition...")
            demo.demo_coalition_build()
            mandates, definitions = demo_glossary_build()
            self.stdout.write(
                f"Coalition: {mandates} mandates, {definitions} glossary definitions."
            )
            count = demo_directory_build()
            self.stdout.write(f"Directory: {count} demonstration services loaded.")
            cases = demo_cases_build()
            self.stdout.write(f"Cases: {cases} demonstration cases loaded.")
            screenings = demo_screenings()
            self.stdout.write(f"Screening: {screenings} demonstration screenings loaded.")
            conferences = demo_conferences_build()
            self.stdout.write(f"Conferences: {conferences} past conferences with minutes.")
            if demo_orientation_ready():
                made = demo_orientation_build()
                self.stdout.write(
                    f"Orientation: {made['referrals']} referrals, {made['holds']} holds, "
                    f"{made['unmet_needs']} unmet needs loaded."
                )
            signing_key_file = key_file_path()
            if signing_key_file is not None and not signing_key_file.exists():
                write_signing_key_file(signing_key_file)
            historical = trends_demo.demo_trends_cases_build()
            releases = trends_demo.demo_trends_release()
            self.stdout.write(
                f"Trends: {historical} historical cases, {releases} demonstration releases."
            )
            life = demo_coalition_life_build()
            self.stdout.write(
                f"Coalition life: {life['texts']} texts, {life['sessions']} training sessions, "
                f"{life['attendances']} attendances."
            )
            awareness = demo_awareness_build()
            self.stdout.write(
                f"Awareness: {awareness['materials']} materials, {awareness['contacts']} "
                f"help-page contacts, {awareness['briefs']} advocacy brief."
            )
        if not options["quiet_logins"]:
            self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demonstration logins (password for all: {demo.DEMO_PASSWORD})")
        )
        for login in demo.demo_logins():
            self.stdout.write(f"  {login.email:<32} {login.role:<28} {login.organisation}")
        self.stdout.write("")
