#!/usr/bin/env bash
# Counts the findings for the GitHub Action (action.yml) and, unless INPUT_SUMMARY is `false`,
# writes a job summary to $GITHUB_STEP_SUMMARY.
#
# Environment: TF_ELBCHECK_BIN, INPUT_PATH, INPUT_ARGS (as for action-run.sh), INPUT_SUMMARY.
# Writes to $GITHUB_OUTPUT (standard error outside Actions): errors, warnings, notes.
#
# The tool runs once more with `--format compact --fail-on never` for the counts, and once
# with `--format markdown` for the summary (each takes milliseconds on a repository's worth of
# Terraform), so neither depends on the format the user chose for the log.
set -uo pipefail

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$1" "$2" >&2
  fi
}

bin=${TF_ELBCHECK_BIN:?TF_ELBCHECK_BIN is not set}
paths=()
extra=()
read -r -d '' -a paths <<<"${INPUT_PATH:-.}" || true
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
[ ${#paths[@]} -gt 0 ] || paths=(.)

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tf-elbcheck-summary.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin" --format compact --color never --fail-on never ${extra[@]+"${extra[@]}"} -- "${paths[@]}" \
  >"$tmp/out" 2>"$tmp/err"
status=$?

count() { grep -cE ": $1\\[[A-Z]+[0-9]+\\]: " "$tmp/out"; }
errors=$(count error)
warnings=$(count warning)
notes=$(count note)
output errors "$errors"
output warnings "$warnings"
output notes "$notes"

plural() { if [ "$1" = 1 ]; then echo "$1 $2"; else echo "$1 $2s"; fi; }

# A fence longer than any run of backticks in TEXT, so no finding can close it.
fence_for() {
  awk 'BEGIN { n = 2 } { s = $0; while (match(s, /`+/)) { if (RLENGTH > n) n = RLENGTH; s = substr(s, RSTART + RLENGTH) } }
       END { f = ""; for (i = 0; i <= n; i++) f = f "`"; print f }' "$1"
}

# The tool's markdown format: the counts, a table of the findings and a Mermaid diagram of each
# blocked path. In Actions its location links point at this commit's files, since relative
# links do not resolve on a run's summary page (unless the arguments choose a --link-base).
markdown() {
  local base=()
  if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
    base=(--link-base "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA/")
  fi
  case " ${extra[*]-} " in *" --link-base"*) base=() ;; esac
  "$bin" --format markdown --color never --fail-on never ${base[@]+"${base[@]}"} \
    ${extra[@]+"${extra[@]}"} -- "${paths[@]}" >"$tmp/md" 2>/dev/null || true
}

# Writes the summary as markdown to standard output: the markdown format, or, when the run
# printed none (bad arguments) or too much for a job summary (GitHub takes 1 MiB), the counts
# and at most 500 findings in the compact format.
render_summary() {
  local max=500 max_bytes=900000 size=0 total
  markdown
  [ -s "$tmp/md" ] && size=$(wc -c <"$tmp/md" | tr -d ' ')
  if [ "$size" -gt 0 ] && [ "$size" -le "$max_bytes" ]; then
    cat "$tmp/md"
  else
    echo "### tf-elbcheck"
    echo
    if [ "$status" -ge 2 ]; then
      echo "**The run failed** (exit status $status): the Terraform could not be read or the arguments are wrong."
      echo
    fi
    echo "$(plural "$errors" error), $(plural "$warnings" warning), $(plural "$notes" note) in \`${paths[*]}\`."
    total=$(wc -l <"$tmp/out" | tr -d ' ')
    if [ "$total" -gt 0 ]; then
      local fence
      fence=$(fence_for "$tmp/out")
      echo
      if [ "$size" -gt "$max_bytes" ]; then
        echo "The markdown report ($size bytes) is too large for a job summary; the findings in the compact format:"
        echo
      fi
      echo "${fence}text"
      head -n "$max" "$tmp/out"
      echo "$fence"
      if [ "$total" -gt "$max" ]; then
        echo
        echo "… and $((total - max)) more lines: run \`tf-elbcheck --format compact\` to see them all."
      fi
    fi
  fi
  if [ -s "$tmp/err" ]; then
    local fence
    fence=$(fence_for "$tmp/err")
    echo
    echo "${fence}text"
    head -n 50 "$tmp/err"
    echo "$fence"
  fi
}

if [ "${INPUT_SUMMARY:-true}" != false ]; then
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    render_summary >>"$GITHUB_STEP_SUMMARY"
  else
    render_summary
  fi
fi
