#!/usr/bin/env bash
# The Debian packages the test suite needs, in one place for `npm test` (scripts/test.ts) and .ci/run:
# Chromium for Playwright, OpenSSH's sftp client and sshd (SFTP tests and bench), sshpass for password
# logins in batch mode, zip for the Lambda bundle. With --install it installs the missing ones when it
# can (root with apt-get); otherwise, or when that fails, it prints the exact command and exits 1.
set -uo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sftp >/dev/null 2>&1 || missing+=(openssh-client)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v sshpass >/dev/null 2>&1 || missing+=(sshpass)
command -v zip >/dev/null 2>&1 || missing+=(zip)
[ ${#missing[@]} -eq 0 ] && exit 0

command_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" = "--install" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq </dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null; then
    exit 0
  fi
  echo "Installing failed. Run as root: apt-get update && $command_line" >&2
  exit 1
fi
prefix=""
[ "$(id -u)" -eq 0 ] || prefix="sudo "
echo "The tests need Debian packages that are missing: ${missing[*]}" >&2
echo "Install them, then run npm test again:" >&2
echo "  ${prefix}apt-get update && ${prefix}$command_line" >&2
exit 1
