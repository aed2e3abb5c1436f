"""The newsroom's roles, declared as data, and how they become Wagtail groups.

Each role is one Django group. Page rights are granted on every site's front
page (and so on every section and article below it), image and document rights
on the root collection. `dateline setup_roles` applies the declarations; running
it again puts every group back exactly as declared, so it is also the repair.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

ACCESS_ADMIN = "wagtailadmin.access_admin"
CHOOSE_AND_ADD_MEDIA = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
ALL_MEDIA = CHOOSE_AND_ADD_MEDIA + (
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
)
ALL_PAGE_RIGHTS = (
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
)


@dataclass(frozen=True)
class Role:
    """What one kind of newsroom member may do.

    `page_permissions` are wagtailcore.Page codenames granted on the front
    page; `collection_permissions` are granted on the root collection;
    `permissions` are global "app_label.codename" permissions; `apps` grants
    every permission the named apps define, and `feature_permissions` these
    permissions of features, as far as they exist when the command runs (so a
    role follows an app that adds permissions later, and a newsroom without
    a feature installed still gets its roles).
    """

    key: str
    group_name: str
    summary: str
    page_permissions: tuple[str, ...] = ()
    collection_permissions: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    apps: tuple[str, ...] = field(default=())
    feature_permissions: tuple[str, ...] = field(default=())


REPORTER = Role(
    key="reporter",
    group_name="Reporters",
    summary="Writes articles and submits them for review; cannot publish.",
    # "add" lets a reporter create pages and edit the ones they own.
    page_permissions=("add_page",),
    collection_permissions=CHOOSE_AND_ADD_MEDIA,
    permissions=(ACCESS_ADMIN,),
    # Live coverage: post updates, and correct or delete one's own.
    feature_permissions=("live.add_liveupdate",),
)
EDITOR = Role(
    key="editor",
    group_name="Editors",
    summary="Reviews, edits, publishes, schedules and corrects any article; composes and "
    "sends newsletter issues.",
    page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    collection_permissions=ALL_MEDIA,
    permissions=(
        ACCESS_ADMIN,
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        # Newsletters: compose issues and send them (the send page confirms the count).
        "newsletters.add_issue",
        "newsletters.change_issue",
        "newsletters.view_issue",
        "newsletters.send_issue",
        "newsletters.view_send",
        "newsletters.view_newsletter",
    ),
    # Live coverage: post, correct and delete anyone's updates, start and end it.
    apps=("live",),
)
MODERATOR = Role(
    key="moderator",
    group_name="Moderators",
    summary="Moderates reader comments; no rights over pages or images.",
    permissions=(ACCESS_ADMIN,),
    # The comments app defines its own permissions; whatever it defines when
    # setup_roles runs is granted here.
    apps=("comments",),
)
ADMINISTRATOR = Role(
    key="administrator",
    group_name="Administrators",
    summary="Everything editors do, plus accounts, groups, sites, workflows and redirects.",
    page_permissions=ALL_PAGE_RIGHTS,
    collection_permissions=ALL_MEDIA
    + (
        "wagtailcore.add_collection",
        "wagtailcore.change_collection",
        "wagtailcore.delete_collection",
    ),
    permissions=(ACCESS_ADMIN,),
    apps=(
        "auth",
        "wagtailcore",
        "wagtailredirects",
        "wagtailusers",
        "comments",
        "taggit",
        "newsletters",
        "live",
    ),
)

ROLES = (REPORTER, EDITOR, MODERATOR, ADMINISTRATOR)

REVIEW_WORKFLOW_NAME = "Newsroom review"
REVIEW_TASK_NAME = "Editor review"


def _permissions(dotted_names):
    query = Q(pk__in=[])
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(dotted_names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions: {', '.join(sorted(missing))}")
    return found


def _page_permissions(codenames):
    return list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    )


def front_pages():
    """Where page rights and the review workflow attach: each site's root page.

    Before any site exists, the tree's root stands in, so the rights still
    cover every page created later.
    """
    roots = [site.root_page for site in Site.objects.select_related("root_page")]
    return roots or [Page.get_first_root_node()]


def apply_role(role, pages, collection):
    group, _ = Group.objects.get_or_create(name=role.group_name)
    granted = _permissions(role.permissions)
    if role.apps:
        granted += list(Permission.objects.filter(content_type__app_label__in=role.apps))
    for dotted in role.feature_permissions:
        app_label, codename = dotted.split(".", 1)
        granted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(granted)

    # Exactly the declared rights on exactly these pages: anything else the
    # group held (Wagtail's migrations give "Editors" and "Moderators" rights
    # on the tree root) is removed.
    page_rights = _page_permissions(role.page_permissions)
    wanted = {(page.pk, perm.pk) for page in pages for perm in page_rights}
    for held in GroupPagePermission.objects.filter(group=group):
        if (held.page_id, held.permission_id) not in wanted:
            held.delete()
    for page in pages:
        for perm in page_rights:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)

    collection_rights = _permissions(role.collection_permissions)
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=collection, permission__in=collection_rights
    ).delete()
    for perm in collection_rights:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=perm
        )
    return group


def apply_review_workflow(editors, pages):
    """One task, "Editor review", approved by any editor, on every front page.

    Approving publishes the article, or schedules it when the editor has set
    a go-live time; "request changes" sends it back to the reporter. Wagtail
    emails the submitter either way.
    """
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.set([editors])
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for page in pages:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def setup_roles():
    """Create or repair every role's group and the review workflow. Returns the groups."""
    pages = front_pages()
    collection = Collection.get_first_root_node()
    groups = {role.key: apply_role(role, pages, collection) for role in ROLES}
    apply_review_workflow(groups["editor"], pages)
    return groups
