"""Who may do what on the live desk: one policy, asked by every view and template.

- Posting an update: the `live.add_liveupdate` permission (reporters and
  editors; `dateline setup_roles`).
- Correcting or deleting one's own update: the same.
- Correcting or deleting anyone's: `live.change_liveupdate` /
  `live.delete_liveupdate` (editors).
- Starting, ending or reopening the coverage: publishing rights on the page,
  or `live.change_coverage`.
"""


def can_post(user, page):
    return user.is_active and user.has_perm("live.add_liveupdate")


def _own(user, update):
    return update.posted_by_id is not None and update.posted_by_id == user.pk


def can_edit(user, update):
    if user.has_perm("live.change_liveupdate"):
        return True
    return _own(user, update) and can_post(user, update.page)


def can_delete(user, update):
    if user.has_perm("live.delete_liveupdate"):
        return True
    return _own(user, update) and can_post(user, update.page)


def can_set_state(user, page):
    if user.has_perm("live.change_coverage"):
        return True
    return page.permissions_for_user(user).can_publish()


def can_use_desk(user, page):
    return can_post(user, page) or can_set_state(user, page)
