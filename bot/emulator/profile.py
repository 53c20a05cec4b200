"""The bot's profile in the emulator: getMe, logOut and the command menus."""

from __future__ import annotations

from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.params import bad_request, get_json, get_str


class ProfileMixin(EmulatorBase):
    """getMe, close/logOut and set/get/deleteMyCommands, and reading them back."""

    def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        me = self.bot_user.to_api()
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=self._inline_enabled(),
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    def log_out(self, params: dict[str, Any]) -> bool:
        return True

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = get_json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = command.get("command", "")
            description = command.get("description", "")
            if not isinstance(name, str) or not _valid_command_name(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            self._commands[key] = [dict(c) for c in commands]
        return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            return [dict(c) for c in self._commands.get(key, [])]

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            self._commands.pop(key, None)
        return True

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._commands.get((_scope_key(scope), language_code), [])]


def _valid_command_name(name: str) -> bool:
    return 1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict):
        return "default"
    kind = str(scope.get("type", "default"))
    extra = [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join([kind, *extra])
