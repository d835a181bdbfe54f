from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "tandem.transcripts"
    label = "transcripts"
    verbose_name = "Transcript analyser"
