from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.cases import search_index
from arrimage.cases.tasks import case_search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild case search's blind index from the sealed identities (after a bulk load or a "
        "restore). With --organisation: only that organisation's persons. With --queue: leave "
        "the work to `arrimage worker`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=UUID, help="organisation id")
        parser.add_argument("--queue", action="store_true", help="queue a background task")

    def handle(self, *args: object, **options: object) -> None:
        organisation = options["organisation"]
        if options["queue"]:
            result = case_search_index_rebuild.enqueue(
                organisation_id=str(organisation) if organisation else ""
            )
            self.stdout.write(f"queued: task {result.id}")
            return
        try:
            count = search_index.rebuild(organisation_id=organisation)  # type: ignore[arg-type]
        except Exception as error:  # the key is missing or a value does not open
            raise CommandError(f"{type(error).__name__}: the index was not rebuilt") from error
        self.stdout.write(self.style.SUCCESS(f"{count} persons indexed"))
