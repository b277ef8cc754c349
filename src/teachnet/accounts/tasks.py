"""Long jobs of the accounts app, run on Celery (or in-process) and reported through TaskProgress."""

from celery import shared_task
from django.utils.translation import gettext as _

from teachnet.core.services import run_reported


@shared_task(name="accounts.export_activation_codes")
def export_activation_codes(
    progress_id: str,
    actor_id: int,
    region_code: str,
    activate_url: str,
    language: str = "zh-hans",
    id_card_hashes: list[str] | None = None,
) -> None:
    from teachnet.orgs.models import Region

    from .models import User
    from .services import activation_codes_export

    def job(reporter) -> None:
        actor = User.objects.get(pk=actor_id)
        region = Region.objects.get(pk=region_code)
        path, count = activation_codes_export(
            actor=actor,
            region=region,
            reporter=reporter,
            activate_url=activate_url,
            id_card_hashes=id_card_hashes,
        )
        reporter.finish(
            message=_("已为 %(n)d 个未激活账号生成激活码。") % {"n": count},
            result_path=path,
            result_name=f"{region.name}-激活码.xlsx",
        )

    run_reported(progress_id, language, job)
