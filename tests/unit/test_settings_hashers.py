"""Passwords a deployment stores are Argon2 hashes: the settings read without ZUGONG_TESTING put Argon2 first
(the test run alone hashes with MD5 for speed, zugong/settings.py)."""

import os
import subprocess
import sys


def test_a_deployment_hashes_passwords_with_argon2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ZUGONG_TESTING"}
    env.update(DJANGO_SETTINGS_MODULE="zugong.settings", ZUGONG_VAR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.PASSWORD_HASHERS[0])"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
