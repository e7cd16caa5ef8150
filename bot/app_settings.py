"""Settings of the web app's desk view, separate from the engine's Settings (bot/settings.py).

SMENAVI_DESK_USER and SMENAVI_DESK_PASSWORD, both set, put a password gate on the
consultation-sheet tab; unset, the tab is open (e.g. a desk PC on a closed network).
"""

from __future__ import annotations

import hmac

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMENAVI_DESK_", extra="ignore")

    user: str | None = Field(default=None, description="desk sign-in user; with password, gates the desk tab")
    password: SecretStr | None = Field(default=None, description="desk sign-in password")

    @property
    def gated(self) -> bool:
        return bool(self.user and self.password and self.password.get_secret_value())

    def check(self, user: str, password: str) -> bool:
        """Constant-time comparison of both fields, so a wrong guess leaks no timing."""
        if not self.gated:
            return True
        assert self.user is not None and self.password is not None
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        ok_pass = hmac.compare_digest(password.encode(), self.password.get_secret_value().encode())
        return ok_user and ok_pass
