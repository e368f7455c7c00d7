#!/bin/bash
# Installs what the optional test checks need beyond Rust: LibreOffice
# (headless Calc), which recalculates the exported Excel workbooks so the
# tests can compare its values with Lever's. Without it those checks skip
# with a message. Idempotent; needs root (or sudo) and Debian's packages.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
    echo "LibreOffice is installed: $(command -v soffice)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
command -v soffice
