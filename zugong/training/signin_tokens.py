"""The rotating sign-in tokens of a session: a QR token and a typed 6-digit code, both an HMAC over (session id,
time window) with a key kept outside the database (`core.keys`, name "training-signin").

Time is cut into windows of `seconds` (configuration, `SignInRules.window_seconds`): window = unix time // seconds.
A token or code is accepted in its own window and the next one (the display may have been read at the last second),
never later: a screenshot sent to someone who is not in the room stops working within two windows.

- `qr_token(session_id, window)` → "<session>.<window>.<mac>" (20 hex digits of the MAC: forging one is guessing
  80 bits). `read_qr(token, seconds)` → `Checked(session_id, window, state)` with state "ok", "expired" (authentic,
  but from an older window) or "forged" (bad form, bad MAC, or a window not yet come).
- `code(session_id, window)` → 6 digits. A code names no session: `match_code(typed, sessions, seconds)` looks
  for it among the sessions open now (their current and previous windows), and then among the last
  `EXPIRED_LOOKBACK` windows to say the code has expired rather than that it is wrong.

Every key of the ring verifies (a `keys.rotate("training-signin")` takes effect without refusing the QR on the
screen); new tokens use the current key.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from zugong.core import keys

KEY = "training-signin"
MAC_HEX = 20
CODE_DIGITS = 6
EXPIRED_LOOKBACK = 20  # windows in which an old code is recognised as expired (10 minutes at 30 s)


def window_of(seconds: int, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // seconds)


def seconds_left(seconds: int, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(seconds - (now % seconds)) or seconds


def _mac(key: bytes, purpose: str, session_id: int, window: int) -> str:
    return hmac.new(key, f"{purpose}|{session_id}|{window}".encode(), hashlib.sha256).hexdigest()


def qr_token(session_id: int, window: int) -> str:
    _kid, key = keys.current(KEY)
    return f"{session_id}.{window}.{_mac(key, 'qr', session_id, window)[:MAC_HEX]}"


def code(session_id: int, window: int, key: bytes | None = None) -> str:
    key = key if key is not None else keys.current(KEY)[1]
    value = int(_mac(key, "code", session_id, window)[:12], 16) % 10 ** CODE_DIGITS
    return f"{value:0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class Checked:
    session_id: int | None
    window: int | None
    state: str  # "ok", "expired", "forged"

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _parse(token: str) -> tuple[int, int, str] | None:
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[2]) != MAC_HEX:
        return None
    session_id, window, mac = int(parts[0]), int(parts[1]), parts[2].lower()
    if not any(hmac.compare_digest(_mac(key, "qr", session_id, window)[:MAC_HEX], mac)
               for key in keys.ring(KEY).values()):
        return None
    return session_id, window, mac


def authentic_session(token: str) -> int | None:
    """The session a token was made for, when its MAC is right (whatever its window)."""
    parsed = _parse(token)
    return parsed[0] if parsed else None


def read_qr(token: str, seconds: int, now: float | None = None) -> Checked:
    parsed = _parse(token)
    if parsed is None:
        return Checked(None, None, "forged")
    session_id, window, _mac_hex = parsed
    current = window_of(seconds, now)
    if window > current:
        return Checked(session_id, window, "forged")
    if window < current - 1:
        return Checked(session_id, window, "expired")
    return Checked(session_id, window, "ok")


def normalize_code(typed: str) -> str:
    return "".join(ch for ch in (typed or "") if ch.isdigit())


def match_code(typed: str, sessions: list[tuple[int, int]], now: float | None = None) -> tuple[list[int], bool]:
    """(the ids of the sessions whose current or previous code is `typed`, whether it matched an expired code
    of one of them instead). `sessions`: (session id, window seconds)."""
    value = normalize_code(typed)
    if len(value) != CODE_DIGITS:
        return [], False
    ring = list(keys.ring(KEY).values())
    found: list[int] = []
    for session_id, seconds in sessions:
        current = window_of(seconds, now)
        if any(hmac.compare_digest(code(session_id, w, key), value) for w in (current, current - 1) for key in ring):
            found.append(session_id)
    if found:
        return found, False
    for session_id, seconds in sessions:
        current = window_of(seconds, now)
        if any(hmac.compare_digest(code(session_id, w, key), value)
               for w in range(current - EXPIRED_LOOKBACK, current - 1) for key in ring):
            return [session_id], True
    return [], False
