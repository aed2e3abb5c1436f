"""Pages added a batch at a time: the importer's new articles, the benchmarks' sites.

Wagtail adds a page with treebeard's `add_child`: a few queries to place it in
the tree, a full clean, a save of each table, one page at a time. For
thousands of new pages under known parents the same rows go in with one INSERT
per table per batch. The caller gives complete, valid pages (a slug free among
their siblings, a title that fits): nothing here checks them again. No save
signal is sent; whoever adds pages in bulk indexes them (search, references).
"""

from django.db import connection
from django.db.models import F
from wagtail.models import Page

from dateline.adapters.wagtail import child_tree_path, last_child_position


def insert_own_rows(model, objects):
    """INSERT `objects`' rows of `model`'s own table (not its parents') in one executemany.

    Django's bulk_create refuses a model that inherits from another table, as
    every Wagtail page type does; the parent rows are bulk created first.
    """
    fields = list(model._meta.local_concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, values go in as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def add_children(parent, pages):
    """Add unsaved `pages` (of one page type) as `parent`'s last children, in this order.

    Gives each the tree path, depth, address and locale `add_child` would,
    writes the page rows and the type's own rows, and counts them in the
    parent's `numchild`. Returns the pages, saved, with their keys.
    """
    if not pages:
        return pages
    model = type(pages[0])
    if model._meta.get_parent_list() != [Page] or any(type(p) is not model for p in pages):
        raise TypeError("add_children takes pages of one type that inherits from Page directly")
    position = last_child_position(parent)
    for page in pages:
        position += 1
        page.depth = parent.depth + 1
        page.path = child_tree_path(parent, position)
        if len(page.path) != len(parent.path) + Page.steplen:
            raise ValueError(f"{parent} has no tree positions left for {len(pages)} more pages")
        page.numchild = 0
        page.locale_id = parent.locale_id
        page.draft_title = page.draft_title or page.title
        page.set_url_path(parent)
    page_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [Page(**{name: getattr(page, name) for name in page_fields}) for page in pages]
    )
    for page, row in zip(pages, rows, strict=True):
        page.id = page.page_ptr_id = row.pk
    insert_own_rows(model, pages)
    for page in pages:
        page._state.adding = False
        page._state.db = connection.alias
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)
    return pages
