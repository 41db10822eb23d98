#!/usr/bin/env bash
# Neovim 0.10 and Helix 25.01 from Debian trixie, Emacs 30 (eglot built in) from
# bookworm-backports, unpacked privately into ${INV_EDITORS_DIR:-~/.cache/inv-editors}
# (nothing is installed system-wide; about 200 MB unpacked, half a minute). trixie's binaries need trixie's glibc,
# so they run through trixie's own loader, unpacked beside them; Emacs is built for bookworm.
# Needs apt-get and the Debian mirror the first time; reused after. Writes small launchers
# nvim, hx and emacs into that folder and prints the folder on its last line.
set -euo pipefail
D=${INV_EDITORS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/inv-editors}
STAMP="$D/ready-1"
if [[ ! -f "$STAMP" ]]; then
  rm -rf "$D"; mkdir -p "$D/lists/partial" "$D/archives/partial" "$D/debs"
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uri=${uri:-http://deb.debian.org/debian}
  key=/usr/share/keyrings/debian-archive-keyring.gpg
  printf 'deb [signed-by=%s] %s trixie main\ndeb [signed-by=%s] %s bookworm-backports main\ndeb [signed-by=%s] %s bookworm main\n' \
    "$key" "$uri" "$key" "$uri" "$key" "$uri" > "$D/sources.list"
  o=(-o "Dir::Etc::SourceList=$D/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$D/lists" -o "Dir::Cache::Archives=$D/archives")
  apt-get "${o[@]}" update >/dev/null 2>&1
  trixie="neovim neovim-runtime hx libc6 libgcc-s1 libluajit-5.1-2 libluajit-5.1-common libmsgpack-c2 libtree-sitter0.22 libunibilium4 libuv1t64 libvterm0 lua-lpeg lua-luv"
  (cd "$D/debs" && apt-get "${o[@]}" download $(for p in $trixie; do echo "$p/trixie"; done) \
    emacs-nox/bookworm-backports emacs-common/bookworm-backports emacs-bin-common/bookworm-backports \
    libgccjit0/bookworm libtree-sitter0/bookworm >/dev/null 2>&1)
  for root in nvim hx emacs; do mkdir -p "$D/$root-root"; done
  for deb in "$D"/debs/*.deb; do
    case "$(basename "$deb")" in
      emacs*|libgccjit0*|libtree-sitter0_*) dpkg-deb -x "$deb" "$D/emacs-root" ;;
      hx_*) dpkg-deb -x "$deb" "$D/hx-root" ;;
      libc6_*|libgcc-s1_*) dpkg-deb -x "$deb" "$D/nvim-root"; dpkg-deb -x "$deb" "$D/hx-root" ;;
      *) dpkg-deb -x "$deb" "$D/nvim-root" ;;
    esac
  done
  for e in nvim hx; do
    R="$D/$e-root"
    cat > "$D/$e" <<SH
#!/bin/sh
# $e from Debian trixie, run with trixie's glibc through its own loader.
export VIMRUNTIME=$R/usr/share/nvim/runtime HELIX_RUNTIME=$R/usr/lib/helix/runtime
exec $R/usr/lib64/ld-linux-x86-64.so.2 --library-path $R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu $R/usr/bin/$e "\$@"
SH
  done
  R="$D/emacs-root"
  cat > "$D/emacs" <<SH
#!/bin/sh
# Emacs 30 from Debian bookworm-backports, from its private folder.
export EMACSDATA=$R/usr/share/emacs/30.1/etc EMACSDOC=$R/usr/share/emacs/30.1/etc EMACSPATH=$R/usr/libexec/emacs/30.1/x86_64-linux-gnu
export EMACSLOADPATH=\$(find $R/usr/share/emacs/30.1/lisp -type d | tr '\n' ':')
export LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
exec $R/usr/bin/emacs-nox --dump-file=\$(ls $R/usr/libexec/emacs/30.1/x86_64-linux-gnu/*.pdmp) "\$@"
SH
  chmod +x "$D/nvim" "$D/hx" "$D/emacs"
  "$D/nvim" --version | head -1 >/dev/null && "$D/hx" --version >/dev/null && "$D/emacs" --batch --eval '(require (quote eglot))' 2>/dev/null
  rm -rf "$D/lists" "$D/archives" "$D/debs"
  touch "$STAMP"
fi
echo "$D"
