"""Uploaded media on an S3-compatible object store, for more than one app machine.

Settings turn this on with S3_BUCKET (dateline/settings.py); the embedded run
keeps Django's FileSystemStorage under MEDIA_ROOT. Everything that reads or
writes media goes through the storage API (`default_storage`, a FieldFile's
`open()`), so the same code runs against either.

Objects are stored once and never change: each new file gets a name of its
own (a random token before the extension), so a name freed by a deletion is
never reused for other bytes. That is what lets every object carry
`Cache-Control: public, max-age=31536000, immutable` for browsers, nginx and a
CDN alike. Wagtail's rendition names alone would not do: they are the
original's name plus the filter, and an image deleted and uploaded again
under the same file name would give a rendition the same name with new bytes.
"""

import posixpath

from django.utils.crypto import get_random_string
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# A year, and `immutable`: a stored name always means the same bytes.
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Both of Wagtail's file fields (originals and renditions) keep Django's default.
NAME_MAX_LENGTH = 100
TOKEN_LENGTH = 7


def default_media_url(bucket, endpoint_url, region):
    """Where readers fetch objects when S3_MEDIA_URL is not set: the bucket itself."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}/"
    return f"https://{bucket}.s3.{region}.amazonaws.com/"


def storage_options(*, bucket, endpoint_url, access_key, secret_key, region, media_url):
    """STORAGES["default"] without its BACKEND, from the S3_* environment variables."""
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "media_url": (media_url or default_media_url(bucket, endpoint_url, region)).rstrip("/")
        + "/",
        "object_parameters": {"CacheControl": CACHE_CONTROL},
        # Names are made unique here, never overwritten (see generate_filename).
        "file_overwrite": False,
        # Media is public: plain addresses, no signed query strings that change each render.
        "querystring_auth": False,
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
        # Stores other than AWS (SeaweedFS, MinIO, Ceph) answer on one host, bucket in the path.
        options["addressing_style"] = "path"
    if access_key or secret_key:
        # Otherwise boto3 finds credentials itself (its environment variables, an instance role).
        options["access_key"], options["secret_key"] = access_key, secret_key
    return {"OPTIONS": options}


class MediaStorage(S3Storage):
    """django-storages' S3 backend, with names that are never reused and public addresses."""

    def __init__(self, *, media_url="/media/", **options):
        self.media_url = media_url
        super().__init__(**options)

    def generate_filename(self, filename):
        """The name a new upload or rendition is stored under: its own, with a token.

        Django calls this for every FileField save (Wagtail's originals and
        renditions alike), not for `save()` called with a name (a restore, which
        must put objects back under the names the database holds).
        """
        name = super().generate_filename(filename)
        root, extension = posixpath.splitext(name)
        token = "_" + get_random_string(TOKEN_LENGTH)
        root = root[: NAME_MAX_LENGTH - len(token) - len(extension)]
        return root + token + extension

    def url(self, name, parameters=None, expire=None, http_method=None):
        """S3_MEDIA_URL + the object's name: a CDN, an nginx location, or the bucket."""
        return self.media_url + filepath_to_uri(clean_name(name))
