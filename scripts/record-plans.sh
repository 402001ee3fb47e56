#!/usr/bin/env bash
# Records `terraform show -json` of a saved plan for every fixture under testdata/plans/<case>/
# and stores it as plan.json beside the configuration. The arguments `terraform plan` gets for
# a case (`-var=...`, `-var-file=...`) are read from <case>/plan-args, one a line.
#
# It needs Terraform and the AWS provider, but no network and no AWS account: the provider is
# taken from a filesystem mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins), the credentials
# are fake, and the fixtures use no data sources. Only plan.json is kept: the binary plan,
# .terraform/ and the lock file are removed.
#
# A case with a <case>.record/ directory beside it is planned from a copy of the case overlaid
# with that directory:
# this is how a fixture stands for a module that is not installed where it is scanned.
#
# Usage: scripts/record-plans.sh [CASE...]   (default: every case)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
plans="$here/testdata/plans"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
terraform="${TERRAFORM:-terraform}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
TFRC
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
unset AWS_PROFILE AWS_SESSION_TOKEN

if [ "$#" -gt 0 ]; then
  cases=("$@")
else
  cases=()
  for d in "$plans"/*/; do
    [ -f "$d/plan-args" ] && cases+=("$(basename "$d")")
  done
fi

for case in "${cases[@]}"; do
  dir="$plans/$case"
  echo "== $case" >&2
  args=()
  if [ -f "$dir/plan-args" ]; then
    mapfile -t args < <(grep -v '^[[:space:]]*$' "$dir/plan-args")
  fi
  run_dir="$dir"
  if [ -d "$plans/$case.record" ]; then
    run_dir="$work/$case.config"
    mkdir -p "$run_dir"
    (cd "$dir" && find . -name '*.tf' -exec cp --parents {} "$run_dir" \;)
    cp -r "$plans/$case.record/." "$run_dir"
  fi
  (
    cd "$run_dir"
    export TF_DATA_DIR="$work/$case.terraform"
    "$terraform" init -input=false -no-color >/dev/null
    "$terraform" plan -input=false -no-color -lock=false -out="$work/$case.tfplan" "${args[@]}" >/dev/null
    "$terraform" show -json "$work/$case.tfplan" | python3 -m json.tool --indent 1 >"$dir/plan.json"
    rm -f .terraform.lock.hcl
  )
done
