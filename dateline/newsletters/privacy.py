"""Subscriptions and consent records on the "get or erase your data" page (comments),
through news.hooks.register_personal_data."""

from .models import ConsentRecord, Subscriber


class SubscriberData:
    key = "newsletters"
    label = "Newsletter subscriptions and consent records"

    def _subscriber(self, email):
        return Subscriber.objects.filter(email__iexact=(email or "").strip()).first()

    def count(self, email):
        subscriber = self._subscriber(email)
        if subscriber is None:
            return 0
        return subscriber.subscriptions.count() + subscriber.consent_records.count()

    def export(self, email):
        subscriber = self._subscriber(email)
        if subscriber is None:
            return {}
        return {
            "email": subscriber.email,
            "created_at": subscriber.created_at.isoformat(),
            "confirmed_at": subscriber.confirmed_at.isoformat()
            if subscriber.confirmed_at
            else None,
            "paused": subscriber.paused,
            "subscriptions": [
                {
                    "newsletter": s.newsletter.name,
                    "state": s.state,
                    "requested_at": s.requested_at.isoformat(),
                    "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                    "left_at": s.left_at.isoformat() if s.left_at else None,
                }
                for s in subscriber.subscriptions.select_related("newsletter")
            ],
            "consent": [
                {
                    "action": r.action,
                    "at": r.at.isoformat(),
                    "page": r.source_url,
                    "newsletters": [n.get("name") for n in r.newsletters],
                    "wording": r.wording,
                }
                for r in ConsentRecord.objects.filter(subscriber=subscriber)
            ],
        }

    def erase(self, email):
        """The subscriber, their subscriptions, consent records, queued messages and bounce
        reports all go (deleting cascades)."""
        subscriber = self._subscriber(email)
        if subscriber is None:
            return 0
        count = self.count(email)
        subscriber.delete()
        return count
