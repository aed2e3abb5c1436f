"""The admin API's publish action, held to the editorial checks.

`POST /admin/api/main/pages/<id>/action/publish/` runs Wagtail's publish action
itself, as the editor's Publish button does, so `ArticlePage.publish` never
sees it; this endpoint checks first, as the button's hook does.
"""

from wagtail.admin.api.actions.publish import PublishPageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.api.v2.utils import BadRequestError

from dateline.news.models import ArticlePage

from .publishing import blocking_findings, describe, record_refusal


class CheckedPublishPageAPIAction(PublishPageAPIAction):
    def execute(self, instance, data):
        page = instance.specific
        # Someone who may not publish gets Wagtail's own refusal, not ours.
        if (
            isinstance(page, ArticlePage)
            and page.permissions_for_user(self.request.user).can_publish()
        ):
            revision = page.get_latest_revision()
            findings = blocking_findings(revision.as_object() if revision else page)
            if findings:
                record_refusal(page, revision, findings, user=self.request.user)
                raise BadRequestError(f"Not published: {describe(findings)}.")
        return super().execute(instance, data)


class CheckedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    actions = {**PagesAdminAPIViewSet.actions, "publish": CheckedPublishPageAPIAction}
