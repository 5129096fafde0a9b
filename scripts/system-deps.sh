#!/usr/bin/env bash
# Installs the Debian libraries the service needs (Chromium and npm for the browser tests, wrk for the
# benchmarks) when they are missing. Installs only as root; otherwise says what to install and fails.
# Usage: system-deps.sh [runtime|test|bench]
set -euo pipefail
# Pango + HarfBuzz subsetting for WeasyPrint; DejaVu is the font core/pdf.py embeds.
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
case "${1:-runtime}" in
  test) want+=(chromium libreoffice-writer-nogui)  # LibreOffice: a downloaded DOCX format converted headless
        # npm installs axe-core for the accessibility checks; skip when npm is already there (e.g. with Node's own packages).
        command -v npm >/dev/null 2>&1 || want+=(npm) ;;
  bench) want+=(wrk) ;;  # HTTP load generator in C, so the client does not compete with the server for CPU
esac
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Faltan paquetes del sistema: ${missing[*]}. Instálelos con: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Instalando paquetes del sistema: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
