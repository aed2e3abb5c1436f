"""Image uploads: what Wagtail already refuses, and the location data it would keep.

Wagtail's image field identifies an upload by its content (Willow/Pillow), not
its name: an HTML or SVG file named .png is refused as "not a valid image",
SVG is not among WAGTAILIMAGES_EXTENSIONS, and images past
WAGTAILIMAGES_MAX_IMAGE_PIXELS or WAGTAILIMAGES_MAX_UPLOAD_SIZE are refused.
What it keeps is the photo's metadata: a reporter's phone writes GPS
coordinates into EXIF, and XMP/IPTC blocks can name the place too. Publishing
that could reveal a source's home, so the form removes it before the original
is stored.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import ExifTags, Image
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Metadata blocks that can carry a place: EXIF's GPS directory, XMP packets
# (exif:GPSLatitude, photoshop:City) and IPTC records (Photoshop APP13).
LOCATION_INFO_KEYS = ("xmp", "XML:com.adobe.xmp", "photoshop", "iptc")

# Re-encoding options per format: lossless where the format allows, and the
# original JPEG quantisation tables kept so the photo does not visibly change.
SAVE_OPTIONS = {
    "JPEG": {"quality": "keep", "subsampling": "keep"},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 95, "method": 4},
    "GIF": {},
    "AVIF": {"quality": 90},
}


def has_location_metadata(image):
    exif = image.getexif()
    if ExifTags.IFD.GPSInfo in exif and exif.get_ifd(ExifTags.IFD.GPSInfo):
        return True
    return any(key in image.info for key in LOCATION_INFO_KEYS)


def strip_location_metadata(data):
    """The image re-saved without location metadata, or None if it had none.

    Orientation, colour profile and the other EXIF fields are kept, so the
    photo looks the same; only the GPS directory and XMP/IPTC blocks go.
    """
    with Image.open(io.BytesIO(data)) as image:
        if not has_location_metadata(image):
            return None
        exif = image.getexif()
        exif.pop(ExifTags.IFD.GPSInfo, None)
        options = dict(SAVE_OPTIONS.get(image.format, {}))
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if getattr(image, "n_frames", 1) > 1:
            options["save_all"] = True
        output = io.BytesIO()
        image.save(output, format=image.format, exif=exif.tobytes(), **options)
        return output.getvalue()


class BoundedImageField(WagtailImageField):
    """Wagtail's image field, measuring an upload before decoding it.

    Wagtail asks for the size through Willow, which decodes the whole image
    first: a bomb just under Pillow's own limit would be inflated in memory
    before being refused, and a truncated file raised an error (a 500). The
    header alone gives the size, so check that first.
    """

    def check_image_pixel_size(self, f):
        source = f.image.f
        source.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(source) as header:
                    pixels = header.width * header.height * getattr(header, "n_frames", 1)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            pixels = None
        except (OSError, ValueError, SyntaxError):
            pixels = 0  # not one Pillow reads by header (SVG): Wagtail's own check decides
        finally:
            source.seek(0)
        if pixels is None or (self.max_image_pixels and pixels > self.max_image_pixels):
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {
                    "num_pixels": "unknown number" if pixels is None else pixels,
                    "max_pixels_count": self.max_image_pixels or Image.MAX_IMAGE_PIXELS,
                },
                code="file_too_many_pixels",
            )
        try:
            super().check_image_pixel_size(f)
        except (OSError, ValueError, SyntaxError) as error:
            # Truncated or corrupt past its header.
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error


class LocationSafeImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): uploads measured
    before they are decoded, and originals stored without the metadata that
    says where a photo was taken."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            field = self.fields["file"]
            self.fields["file"] = BoundedImageField(
                label=field.label, required=field.required, widget=field.widget
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            cleaned = strip_location_metadata(data)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(
                "This image could not be checked for location data, so it was not stored. "
                "Try exporting it again as JPEG or PNG.",
                code="unreadable_metadata",
            ) from error
        if cleaned is None:
            return upload
        return SimpleUploadedFile(upload.name, cleaned, content_type=upload.content_type)

    def save(self, commit=True):
        """Store the image and its search index row together, or neither.

        Wagtail saves the row, then indexes it, in separate statements: when
        indexing failed, the editor saw an error for an image that was in fact
        stored, and uploading it again made a second copy. In one transaction a
        failed upload leaves nothing behind (its file is removed too), so trying
        again makes exactly one image.
        """
        if not commit:
            return super().save(commit=False)
        creating = self.instance.pk is None
        try:
            with transaction.atomic():
                return super().save(commit=True)
        except BaseException:
            if creating and self.instance.file:
                self.instance.file.storage.delete(self.instance.file.name)
            raise
