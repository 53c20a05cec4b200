"""Updates in the emulator: getUpdates (long polling) and webhook delivery."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from bot.emulator.base import DEFAULT_UPDATE_TYPES, EmulatorBase, PendingUpdate
from bot.emulator.params import (
    ApiError,
    bad_request,
    get_bool,
    get_float,
    get_int,
    get_json,
    get_str,
)


class UpdatesMixin(EmulatorBase):
    """getUpdates, set/delete/getWebhookInfo and the server's webhook pusher."""

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = get_int(params, "offset")
        limit = min(max(get_int(params, "limit") or 100, 1), 100)
        timeout = max(0.0, get_float(params, "timeout") or 0.0)
        allowed = get_json(params, "allowed_updates")
        deadline = self._monotonic() + timeout
        with self._lock:
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            while True:
                self._confirm(offset)
                ready = [u for u in self._updates if u.kind in self._allowed_updates][:limit]
                remaining = deadline - self._monotonic()
                if ready or remaining <= 0 or self._closing:
                    break
                self._changed.wait(remaining)
            if ready:
                self._delivered_seq = max(self._delivered_seq, ready[-1].seq)
                self._last_bot_activity = self._monotonic()
                self._changed.notify_all()
            return [update.to_api() for update in ready]

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
            return
        while self._updates and self._updates[0].update_id < offset:
            self._updates.popleft()
        # Updates of types the bot does not want are dropped when passed over, as Telegram does.
        while self._updates and self._updates[0].kind not in self._allowed_updates:
            self._updates.popleft()

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._webhook = {}
            if get_bool(params, "drop_pending_updates"):
                self._updates.clear()
            self._changed.notify_all()
        return True

    def set_webhook(self, params: dict[str, Any]) -> bool:
        url = get_str(params, "url") or ""
        if not url:
            return self.delete_webhook(params)
        if not (url.startswith("https://") or is_loopback_url(url)):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = get_json(params, "allowed_updates")
        with self._lock:
            self._webhook = {
                "url": url,
                "secret_token": get_str(params, "secret_token"),
                "max_connections": get_int(params, "max_connections") or 40,
            }
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            if get_bool(params, "drop_pending_updates"):
                self._updates.clear()
            self._changed.notify_all()
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook.get("url"):
                info["max_connections"] = self._webhook["max_connections"]
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self._webhook.get("last_error_date"):
                info["last_error_date"] = self._webhook["last_error_date"]
                info["last_error_message"] = self._webhook["last_error_message"]
            return info

    def next_webhook_delivery(self, timeout: float) -> tuple[str, str | None, PendingUpdate] | None:
        """Wait for an update to push to a loopback webhook: (url, secret, update)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self._closing:
                url = self._webhook.get("url", "")
                if url and is_loopback_url(url):
                    self._confirm(None)
                    wanted = [u for u in self._updates if u.kind in self._allowed_updates]
                    if wanted:
                        return url, self._webhook.get("secret_token"), wanted[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            return None

    def webhook_delivered(self, update: PendingUpdate, error: str | None) -> None:
        """Record a push: drop the update on success, keep it and the error otherwise."""
        with self._lock:
            if error is None:
                if update in self._updates:
                    self._updates.remove(update)
                self._delivered_seq = max(self._delivered_seq, update.seq)
                self._last_bot_activity = self._monotonic()
            elif self._webhook:
                self._webhook["last_error_date"] = self._now()
                self._webhook["last_error_message"] = error
            self._changed.notify_all()


def is_loopback_url(url: str) -> bool:
    """Webhooks the emulator pushes to: plain HTTP allowed, but only on this machine."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")
