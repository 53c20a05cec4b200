"""The console's group mode: ``:group`` (as an admin), ``:admin``, ``:member``, ``:private``.

A pure decision (``next_mode``) and the emulator steps that make the group real: the bot
is added to a test group once, and the console user is made an administrator or a plain
member, so group behaviour (admin-only settings, the group menu) can be tried alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator import BotApiEmulator

CONSOLE_GROUP_ID = -100_100_001
CONSOLE_GROUP_TITLE = "Nhóm thử"
STAND_IN_OWNER = 100_999  # owns the test group while the console user is a plain member
MODE_WORDS = frozenset({":group", ":admin", ":member", ":private"})


@dataclass(frozen=True)
class Mode:
    in_group: bool = False
    admin: bool = True


def next_mode(current: Mode, word: str) -> Mode:
    """The mode after a mode word: :group keeps the role (admin first), :admin and :member
    also enter the group, :private leaves it."""
    if word == ":private":
        return Mode(False, current.admin)
    if word == ":admin":
        return Mode(True, True)
    if word == ":member":
        return Mode(True, False)
    return Mode(True, current.admin)


def enter(emulator: BotApiEmulator, mode: Mode, user_id: int) -> int:
    """Make the emulator match ``mode``; returns the chat id the console now talks in."""
    if not mode.in_group:
        return user_id
    chat = emulator.chat(CONSOLE_GROUP_ID)
    if chat is None or chat.bot_status in ("left", "kicked"):
        emulator.add_bot_to_group(CONSOLE_GROUP_ID, user_id, CONSOLE_GROUP_TITLE)
    admins = [user_id] if mode.admin else []
    owner = user_id if mode.admin else STAND_IN_OWNER
    emulator.set_admins(CONSOLE_GROUP_ID, admins, owner_id=owner)
    return CONSOLE_GROUP_ID
