from django.apps import AppConfig


class ImporterConfig(AppConfig):
    name = "dateline.importer"
    label = "importer"
    verbose_name = "WordPress import"
