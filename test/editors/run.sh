#!/usr/bin/env bash
# The language server in Neovim, Helix and Emacs, each driven as a user would (README,
# "Other editors"): runs a block from a code lens or a code action, sees the progress, the
# message that says how it ended, the inlay hints and the summary lens; cancels a long run.
# Uses nvim, hx and emacs from test/editors/setup.sh (or NVIM, HX, EMACS). Needs out/ built.
#
#   bash test/editors/run.sh [neovim] [helix] [emacs]      (all three by default)
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
[[ -f out/cli.cjs ]] || { echo 'out/cli.cjs is missing: npm run build first' >&2; exit 2; }
D=$(bash test/editors/setup.sh | tail -1)
export INV_CLI=$REPO/out/cli.cjs
work=$(mktemp -d /tmp/inv-editors-XXXXXX)
trap 'rm -rf "$work"' EXIT
# Private homes: no editor reads or writes the user's configuration.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache XDG_DATA_HOME=$work/home/.local/share XDG_STATE_HOME=$work/home/.local/state
mkdir -p "$HOME"
workspace() {
  local ws=$work/$1
  mkdir -p "$ws" && cp -r "$REPO/examples/paper/models" "$ws/" && cp "$REPO/test/editors/quick.inv" "$ws/"
  echo "$ws"
}
editors=("$@"); ((${#editors[@]})) || editors=(neovim helix emacs)
failed=0
for editor in "${editors[@]}"; do
  echo "== $editor"
  ws=$(workspace "$editor")
  case $editor in
    neovim) timeout 300 "${NVIM:-$D/nvim}" --headless -u NONE -i NONE --cmd 'set noswapfile' -l test/editors/neovim.lua "$ws" 2>&1 | grep -E '^(ok|FAILED|neovim|timed out)' ;;
    helix) HX=${HX:-$D/hx} timeout 300 bash test/editors/helix.sh "$ws" ;;
    emacs) timeout 300 "${EMACS:-$D/emacs}" --batch -l test/editors/emacs.el "$ws" 2>&1 | grep -E '^(ok|FAILED|emacs|Error)' ;;
    *) echo "unknown editor $editor"; false ;;
  esac
  status=${PIPESTATUS[0]}
  ((status == 0)) || failed=$((failed + 1))
done
((failed == 0)) && echo "editors: all held" || echo "editors: $failed failed"
exit $((failed > 0))
