"""The editorial roles and the review workflow of each language (docs/editorial-workflow.md).

- *Editors* write in the Chinese tree and submit for review; they also create translations
  (wagtail-localize's "Translate this page"). They cannot publish.
- *Reviewers (zh-hans)* publish in the Chinese tree.
- *Translators (<code>)* edit the pages of their language's tree only, and cannot publish.
- *Reviewers (<code>)* publish in their language's tree only.

Each language's home page carries the workflow "Review (<code>)": one approval task for that
language's reviewers, so every page of the tree goes live through them (or through a reviewer
publishing it directly).

`sync_editorial_roles()` creates what is missing and puts each group's page permissions back to
its own language's tree (Wagtail's default "Editors" group starts with rights over every tree);
permissions an administrator added by hand elsewhere (snippets, settings) are kept.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
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

from cityportal.core import i18n

EDITORS = "Editors"
ACCESS_ADMIN = ("wagtailadmin", "access_admin")
SUBMIT_TRANSLATION = ("wagtail_localize", "submit_translation")
# Add and choose images and documents in every collection; an uploader may also edit their own.
MEDIA = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
WRITE = ("add", "change")
PUBLISH = ("change", "publish", "lock", "unlock")


def reviewers_group(language: str) -> str:
    return f"Reviewers ({language})"


def translators_group(language: str) -> str:
    return f"Translators ({language})"


def workflow_name(language: str) -> str:
    return f"Review ({language})"


@dataclass(frozen=True)
class Role:
    group: str
    language: str
    page_permissions: tuple[str, ...]  # Wagtail's page permission types, on the language's home page
    model_permissions: tuple[tuple[str, str], ...]


# Editors and reviewers keep the search working: synonyms, promoted results, and the searches that
# found nothing (read, and delete once handled). Translators read them to see what visitors call things.
SEARCH_UPKEEP = (
    *(("search", f"{action}_searchsynonym") for action in ("view", "add", "change", "delete")),
    ("search", "view_zeroresultquery"),
    ("search", "delete_zeroresultquery"),
    *(("wagtailsearchpromotions", f"{action}_searchpromotion") for action in ("add", "change", "delete")),
)
SEARCH_READING = (("search", "view_searchsynonym"), ("search", "view_zeroresultquery"))


def roles() -> list[Role]:
    source = settings.LANGUAGE_CODE
    defined = [
        Role(EDITORS, source, WRITE, (ACCESS_ADMIN, SUBMIT_TRANSLATION, *MEDIA, *SEARCH_UPKEEP)),
        Role(reviewers_group(source), source, PUBLISH, (ACCESS_ADMIN, *MEDIA, *SEARCH_UPKEEP)),
    ]
    for language in i18n.language_codes():
        if language != source:
            defined.append(
                Role(translators_group(language), language, WRITE, (ACCESS_ADMIN, *MEDIA, *SEARCH_READING))
            )
            defined.append(
                Role(reviewers_group(language), language, PUBLISH, (ACCESS_ADMIN, *MEDIA, *SEARCH_UPKEEP))
            )
    return defined


def editorial_group_names() -> list[str]:
    return [role.group for role in roles()]


def language_homes() -> dict[str, Page]:
    """The home page of each language that has one: the default site's root and its translations."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return {}
    translations = Page.objects.filter(translation_key=site.root_page.translation_key).select_related(
        "locale"
    )
    return {page.locale.language_code: page for page in translations}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(permission_type: str) -> Permission:
    return _permission("wagtailcore", f"{permission_type}_page")


class NoLanguageTrees(Exception):  # noqa: N818 - reads as what it reports
    """There is no site with a home page yet, so no tree to give rights on."""


@dataclass
class RolesReport:
    changes: list[str]  # one line per change made: empty when everything was in place
    skipped: list[str]  # languages without a home page yet


@transaction.atomic
def sync_editorial_roles() -> RolesReport:
    """Create or update the groups, their permissions and each language's workflow."""
    homes = language_homes()
    if not homes:
        raise NoLanguageTrees("There is no site with a home page yet: load the pages first (load_demo).")
    changes: list[str] = []
    skipped: list[str] = []
    root_collection = Collection.get_first_root_node()
    for role in roles():
        home = homes.get(role.language)
        if home is None:
            continue
        group, created = Group.objects.get_or_create(name=role.group)
        if created:
            changes.append(f"Created group “{role.group}”.")
        changes += _sync_model_permissions(group, role)
        changes += _sync_page_permissions(group, role, home)
        changes += _sync_media_permissions(group, role, root_collection)
    for language in i18n.language_codes():
        home = homes.get(language)
        if home is None:
            skipped.append(language)
            continue
        changes += _sync_workflow(language, home)
    return RolesReport(changes, skipped)


def _sync_model_permissions(group: Group, role: Role) -> list[str]:
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    missing = [pair for pair in role.model_permissions if pair not in held]
    if not missing:
        return []
    group.permissions.add(*(_permission(*pair) for pair in missing))
    return [f"“{role.group}”: added {', '.join(code for _app, code in missing)}."]


def _sync_page_permissions(group: Group, role: Role, home: Page) -> list[str]:
    wanted = {_page_permission(kind).pk: kind for kind in role.page_permissions}
    changes = []
    # Rights anywhere but this language's home page go: they would reach other languages' trees.
    stray = GroupPagePermission.objects.filter(group=group).exclude(page=home, permission_id__in=wanted)
    if stray.exists():
        removed = sorted(
            f"{item.permission.codename} on page {item.page_id}"
            for item in stray.select_related("permission")
        )
        stray.delete()
        changes.append(f"“{role.group}”: removed page permissions outside its tree ({', '.join(removed)}).")
    held = set(
        GroupPagePermission.objects.filter(group=group, page=home).values_list("permission_id", flat=True)
    )
    added = [kind for pk, kind in wanted.items() if pk not in held]
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=group, page=home, permission_id=pk) for pk in wanted if pk not in held]
    )
    if added:
        changes.append(
            f"“{role.group}”: may {', '.join(added)} pages under “{home.title}” ({role.language})."
        )
    return changes


def _sync_media_permissions(group: Group, role: Role, collection: Collection) -> list[str]:
    wanted = [_permission(*pair) for pair in MEDIA if pair in role.model_permissions]
    held = set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission_id", flat=True
        )
    )
    missing = [permission for permission in wanted if permission.pk not in held]
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=collection, permission=item) for item in missing]
    )
    if not missing:
        return []
    return [f"“{role.group}”: may {', '.join(item.codename for item in missing)} in “{collection.name}”."]


def _sync_workflow(language: str, home: Page) -> list[str]:
    name = workflow_name(language)
    reviewers = Group.objects.get(name=reviewers_group(language))
    changes = []
    task = GroupApprovalTask.objects.filter(name=name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=name)
        changes.append(f"Created the approval task “{name}”.")
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    if set(task.groups.all()) != {reviewers}:
        task.groups.set([reviewers])
        changes.append(f"“{name}” is approved by “{reviewers.name}”.")
    workflow, created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    if created:
        changes.append(f"Created the workflow “{name}”.")
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
        changes.append(f"Reactivated the workflow “{name}”.")
    if list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)) != [task.pk]:
        WorkflowTask.objects.filter(workflow=workflow).delete()
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    link = WorkflowPage.objects.filter(page=home).first()
    if link is None or link.workflow_id != workflow.pk:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
        changes.append(f"Every page under “{home.title}” ({language}) now goes through “{name}”.")
    return changes
