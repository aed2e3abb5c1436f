from django.urls import path

from .short_links import index_php

urlpatterns = [path("index.php", index_php, name="wordpress-index-php")]
