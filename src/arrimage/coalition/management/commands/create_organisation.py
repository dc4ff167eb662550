from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from arrimage.coalition.models import Coalition, OrganisationType, Region
from arrimage.coalition.services import coalition_member_add, organisation_create


class Command(BaseCommand):
    help = "Create a member organisation (for the first administrator of a new instance)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--type", required=True, choices=OrganisationType.values)
        parser.add_argument("--region", required=True, help="region code, for example QC-06")
        parser.add_argument("--mandate", default="")
        parser.add_argument("--coalition", help="id of a coalition to join")

    def handle(self, *args: object, **options: object) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError("unknown region code")
        coalition = None
        if options["coalition"]:
            coalition = Coalition.objects.filter(pk=str(options["coalition"])).first()
            if coalition is None:
                raise CommandError("unknown coalition")
        with transaction.atomic():
            organisation = organisation_create(
                name=str(options["name"]),
                type=str(options["type"]),
                region=region,
                mandate=str(options["mandate"]),
            )
            if coalition is not None:
                coalition_member_add(coalition=coalition, organisation=organisation)
        self.stdout.write(str(organisation.pk))
