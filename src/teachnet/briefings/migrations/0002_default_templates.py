"""The three templates the platform ships with (briefings/templates_data.py): GP's five sections for the
experts, a class's and a province's. Data, so the project office may change them in Django admin."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from teachnet.briefings.templates_data import DEFAULTS

    Template = apps.get_model("briefings", "BriefingTemplate")
    for position, (kind, name, sections) in enumerate(DEFAULTS):
        Template.objects.get_or_create(kind=kind, name=name, defaults={"sections": sections, "position": position})


def remove_defaults(apps, schema_editor):
    from teachnet.briefings.templates_data import DEFAULTS

    Template = apps.get_model("briefings", "BriefingTemplate")
    for kind, name, _sections in DEFAULTS:
        Template.objects.filter(kind=kind, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("briefings", "0001_briefings")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
