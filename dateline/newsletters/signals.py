from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Newsletter
from .purging import newsletters_changed


@receiver(post_save, sender=Newsletter)
@receiver(post_delete, sender=Newsletter)
@receiver(m2m_changed, sender=Newsletter.sections.through)
def _newsletter_changed(**kwargs):
    transaction.on_commit(newsletters_changed)
