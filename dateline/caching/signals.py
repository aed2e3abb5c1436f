"""Purge the pages that show a page whenever readers' view of it changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import fragments
from .purge import purge_page, purge_paths, purge_site


def _after_commit(func, *args):
    # Purge once the change is visible to other connections; purging earlier
    # would let a reader re-cache the old version in between.
    transaction.on_commit(lambda: func(*args))


@receiver(page_published)
@receiver(page_unpublished)
def purge_on_publication_change(sender, instance, **kwargs):
    _after_commit(purge_page, instance.specific)


@receiver(page_slug_changed)
def purge_old_address(sender, instance, instance_before, **kwargs):
    _after_commit(purge_paths, [instance_before.url_path and instance_before.get_url()])
    _after_commit(purge_page, instance.specific)


@receiver(post_page_move)
def purge_moved_page(sender, instance, url_path_before, url_path_after, **kwargs):
    # url_path includes the site root's slug ("/home/world/story/"); the
    # public path drops it. Both paths share the same site root here.
    public_path = instance.get_url() or ""
    root_prefix = url_path_after[: len(url_path_after) - len(public_path) + 1]
    paths = [public_path]
    if public_path and url_path_before.startswith(root_prefix):
        paths.append("/" + url_path_before[len(root_prefix) :])
    _after_commit(purge_paths, paths)
    _after_commit(purge_page, instance.specific)


@receiver(post_delete)
def purge_deleted_page(sender, instance, **kwargs):
    # Django sends post_delete for each table of a page type; react once, to
    # the specific type, whose providers know what shows it.
    if isinstance(instance, Page) and type(instance) is not Page:
        _after_commit(purge_page, instance)


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def purge_on_site_change(sender, **kwargs):
    # The site's name is in every page's header and title, and a new root
    # page or hostname changes what every address shows.
    _after_commit(purge_site)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def purge_on_privacy_change(sender, **kwargs):
    # A page made private must stop being served from any cache at once, and
    # so must everything below it and every listing that shows it; privacy
    # changes are rare, so the whole site is purged.
    _after_commit(purge_site)


def _image_changed(sender, instance, created=False, **kwargs):
    # An image saved (a new file, a new focal point) purges no page, but every
    # fragment showing it must show its new renditions (caching/fragments.py).
    _after_commit(fragments.change_image, instance.pk)


def _rendition_changed(sender, instance, created=False, **kwargs):
    # Wagtail deletes an image's renditions when its file or focal point
    # changes; a new size made for a render changes nothing already shown.
    if not created:
        _after_commit(fragments.change_image, instance.image_id)


IMAGE_MODEL = get_image_model()
for _signal in (post_save, post_delete):
    _signal.connect(_image_changed, sender=IMAGE_MODEL, dispatch_uid=f"fragments-image-{_signal}")
    _signal.connect(
        _rendition_changed,
        sender=IMAGE_MODEL.get_rendition_model(),
        dispatch_uid=f"fragments-rendition-{_signal}",
    )
