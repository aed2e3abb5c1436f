"""deploy/snippets/media-s3.conf: each front's nginx sends media from the store
through a cache of its own, with the store's year-long Cache-Control."""

import io
import uuid

import pytest

from dateline.operations.objectstore import CACHE_CONTROL
from dateline.testing.requirements import require
from dateline.testing.servers import Nginx, deploy_snippet, fetch
from dateline.testing.uploads import png


@pytest.fixture
def front(object_store, tmp_path):
    require("front")
    bucket = object_store.create_bucket(f"front-{uuid.uuid4().hex[:8]}")
    cache = tmp_path / "nginx" / "cache"
    snippet = deploy_snippet("media-s3.conf", S3_ORIGIN=object_store.endpoint_url, S3_BUCKET=bucket)

    def server_block(port):
        return (
            f"server {{ listen 127.0.0.1:{port};\n"
            ' location = /healthz { return 200 "ok"; }\n'
            f"{snippet}\n}}"
        )

    nginx = Nginx(
        tmp_path / "nginx",
        server_block,
        http_extra=deploy_snippet("media-s3-cache.conf", CACHE_DIR=cache) + "\n",
        worker_processes=1,
        worker_connections=64,
    )
    with nginx:
        yield nginx, bucket


def test_media_is_sent_from_the_store_then_from_the_fronts_cache(front, object_store):
    nginx, bucket = front
    photo = png(31)
    key = "images/harbour_Ab12Cd3.width-400.png"
    object_store.client().upload_fileobj(
        io.BytesIO(photo),
        bucket,
        key,
        ExtraArgs={"ContentType": "image/png", "CacheControl": CACHE_CONTROL},
    )

    first = fetch(f"{nginx.url}/media/{key}", decode=False)
    second = fetch(f"{nginx.url}/media/{key}?cache-buster=1", decode=False)
    assert first[0] == second[0] == 200
    assert first[2] == second[2] == photo
    assert first[1]["X-Media-Cache"] == "MISS" and second[1]["X-Media-Cache"] == "HIT"
    assert second[1]["Cache-Control"] == CACHE_CONTROL
    assert second[1]["Content-Type"] == "image/png"
    assert second[1]["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in second[1]["Content-Security-Policy"]
    assert not [name for name in second[1] if name.lower().startswith(("x-amz", "seaweed"))]


def test_nothing_but_objects_is_asked_of_the_store(front, object_store):
    nginx, bucket = front
    object_store.client().put_object(Bucket=bucket, Key="images/a.png", Body=png(32))
    # No listing of the bucket, with or without S3's listing query.
    assert fetch(f"{nginx.url}/media/")[0] == 404
    status, _, body = fetch(f"{nginx.url}/media/images/a.png?list-type=2", decode=False)
    assert status == 200 and body == png(32)
    assert fetch(f"{nginx.url}/media/images/a.png", data=b"x")[0] in (403, 405)
    assert fetch(f"{nginx.url}/media/images/missing.png")[0] in (403, 404)
