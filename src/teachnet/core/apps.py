from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "teachnet.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from django.urls import register_converter

        from .rest_api.routers import IdConverter, RegionCodeConverter

        # Before any app's urls are read: the API's routes take `<id:…>` and `<region:…>`.
        register_converter(IdConverter, "id")
        register_converter(RegionCodeConverter, "region")
