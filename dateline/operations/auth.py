"""Sign-in lockout for the web login, via django-axes."""

from axes.backends import AxesStandaloneBackend


class WebLoginLockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins from a user name and address that are locked out.

    Only web sign-ins carry a request, and only they can be guessed at from
    outside; sign-ins without one (a management command, `Client.login()` in
    tests) are left to the next backend instead of failing outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
