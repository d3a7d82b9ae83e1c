"""Keep the Person columns copied onto Cadre (roster filters) current when a Person is saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from zugong.people.models import Person

from .models import PERSON_COPIED, Cadre


@receiver(post_save, sender=Person, dispatch_uid="cadres_sync_person")
def _person_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    Cadre.objects.unrestricted().filter(person_id=instance.pk).update(
        **{f: getattr(instance, f) for f in PERSON_COPIED}
    )
