#!/usr/bin/env bash
# A software Vulkan adapter (Mesa's lavapipe) for checking the webgpu backend's arithmetic on
# a machine without a GPU (CI). Debian 12's own lavapipe (Mesa 22.3) is too old for Dawn, so
# Mesa 25 from bookworm-backports is unpacked privately: the system is not changed beyond
# the Vulkan loader and lavapipe's ordinary dependencies. Needs root (apt) the first time;
# cached in ${INV_LAVAPIPE_DIR:-~/.cache/inv-lavapipe} after that.
# Prints the ICD file's path on its last line.
set -euo pipefail
D=${INV_LAVAPIPE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/inv-lavapipe}
ICD="$D/lvp.json"
LIB="$D/root/usr/lib/x86_64-linux-gnu"
if [[ ! -f "$ICD" || ! -f "$LIB/libvulkan_lvp.so" ]]; then
  rm -rf "$D"; mkdir -p "$D/lists/partial" "$D/archives/partial" "$D/root"
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uri=${uri:-http://deb.debian.org/debian}
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-backports main" > "$D/sources.list"
  o=(-o "Dir::Etc::SourceList=$D/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$D/lists" -o "Dir::Cache::Archives=$D/archives")
  apt-get "${o[@]}" update >/dev/null
  (cd "$D" && apt-get "${o[@]}" download mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 >/dev/null 2>&1)
  deps="libvulkan1 libllvm15 libelf1 libwayland-client0 libx11-xcb1 libxcb-dri3-0 libxcb-present0 libxcb-randr0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxshmfence1"
  if ! dpkg -s $deps >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $deps >/dev/null 2>&1 \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $deps >/dev/null; }
  fi
  for deb in "$D"/*.deb; do dpkg-deb -x "$deb" "$D/root"; done
  printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s/libvulkan_lvp.so","api_version":"1.3.0"}}\n' "$LIB" > "$ICD"
fi
echo "$ICD"
