#!/usr/bin/env bash
# inv's language server in Helix, driven through tmux as a user would (README, "Helix"):
# opens quick.inv, runs `Quick` from the code action menu (space a: Helix shows no code
# lenses), waits for the message that says how it ended and for the inlay hints, then runs
# `Long` and cancels it from the same menu. Prints one line per check; exit 0 when all held.
#
#   HX=hx INV_CLI=out/cli.cjs bash test/editors/helix.sh WORKSPACE
set -uo pipefail
ws=${1:?usage: helix.sh WORKSPACE}
hx=${HX:-hx}
cli=${INV_CLI:?INV_CLI: the path of out/cli.cjs}
home=$(mktemp -d /tmp/inv-hx-XXXXXX)
session=inv-hx-$$
mkdir -p "$home/config/helix"
# The set-up the README gives.
cat > "$home/config/helix/languages.toml" <<TOML
[[language]]
name = "inv"
scope = "source.inv"
file-types = ["inv"]
roots = []
comment-token = "//"
indent = { tab-width = 2, unit = "  " }
language-servers = ["inv"]

[language-server.inv]
command = "node"
args = ["$cli", "lsp", "--stdio"]
TOML
cat > "$home/config/helix/config.toml" <<TOML
[editor.lsp]
display-inlay-hints = true
display-messages = true
display-progress-messages = true
TOML
export XDG_CONFIG_HOME=$home/config XDG_CACHE_HOME=$home/cache XDG_DATA_HOME=$home/data XDG_STATE_HOME=$home/state
failures=0
check() { if [[ $2 == 0 ]]; then echo "ok $1${3:+: $3}"; else echo "FAILED $1${3:+: $3}"; failures=$((failures + 1)); fi; }
screen() { tmux capture-pane -t "$session" -p; }
# wait_for SECONDS REGEX: until the screen matches
wait_for() {
  local end=$((SECONDS + $1))
  while ((SECONDS < end)); do screen | grep -Eq -- "$2" && return 0; sleep 0.3; done
  return 1
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.4; }
cleanup() { tmux kill-session -t "$session" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT

cd "$ws" || exit 2
tmux new-session -d -s "$session" -x 150 -y 40 "XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME XDG_DATA_HOME=$XDG_DATA_HOME $hx quick.inv"
# The server has answered once it published the (empty) diagnostics.
for _ in $(seq 60); do grep -q publishDiagnostics "$home/cache/helix/helix.log" 2>/dev/null && break; sleep 0.5; done
wait_for 5 'quick.inv'
line=$(grep -n 'inversion Quick' quick.inv | cut -d: -f1)

keys "$((line + 1))gg"
keys Space a
wait_for 10 '▶ Run Quick'; check 'space a offers ▶ Run Quick' $? "$(screen | grep -o '▶ Run Quick' | head -1)"
keys Enter
wait_for 120 'inv: Quick: [✓⚠]'; check 'the run ends with a message saying how it went' $? "$(screen | grep -o 'inv: Quick: .*' | head -1)"
# Helix does not take inlay hint refreshes: it asks for hints again after an edit (here one, undone).
keys i ' ' Escape
keys u
wait_for 20 '→ y = [0-9.]+'; check 'inlay hints show the achieved y' $? "$(screen | grep -o 'target y = 1900 tolerance 5.*' | head -1 | tr -s ' ')"
screen | grep -Eq 'bound x1 = [0-9.e+-]+, x2 = [0-9.e+-]+ in \[0, 500\]'
check 'a hint after each bounded feature' $? "$(screen | grep -o 'bound x1.*' | head -1 | tr -s ' ')"

long=$(grep -n 'inversion Long' quick.inv | cut -d: -f1)
keys Escape
keys "$((long + 2))gg"
keys Space a
wait_for 10 '▶ Run Long'; check 'space a offers ▶ Run Long' $?
keys Enter
wait_for 60 'step [0-9]+/200000'; check 'work-done progress shows the step' $? "$(screen | grep -oE '\[Long .*' | head -1 | tr -s ' ')"
keys Space a
wait_for 10 '■ Cancel Long'; check 'space a offers ■ Cancel Long while it runs' $? "$(screen | grep -o '■ Cancel Long[^│]*' | head -1 | tr -s ' ')"
keys Enter
wait_for 20 'inv: Long: ■ .*cancelled'; check 'cancelling keeps what was found' $? "$(screen | grep -o 'inv: Long: .*' | head -1)"
if grep -E 'ERROR|WARN' "$home/cache/helix/helix.log" | grep -qv 'helix_vcs'; then
  check "Helix's log has no error or warning" 1 "$(grep -E 'ERROR|WARN' "$home/cache/helix/helix.log" | grep -v helix_vcs | head -1 | cut -c1-200)"
else
  check "Helix's log has no error or warning" 0
fi
keys Escape
keys ':q!' Enter
((failures == 0)) && echo 'helix: all checks held' || echo "helix: $failures failed"
exit $((failures > 0))
