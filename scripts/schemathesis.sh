#!/usr/bin/env bash
# Schema testing of the HTTP API (issue 10, defence 3): runs schemathesis against a real `crm serve` and its
# /openapi.json, as admin, as agent and anonymous, with every check. Exits 1 on any failure.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]     (default 20 test cases per operation and run, ~3 minutes)
#
# Installs schemathesis from PyPI into .build-venv/ when it is missing, builds .build/debug/crm, starts it on a
# free port with the seeded in-memory data, and stops it afterwards.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
examples=${1:-20}
venv="$root/.build-venv"
schemathesis="$venv/bin/schemathesis"

if [[ ! -x $schemathesis ]]; then
    echo "schemathesis: installing into $venv" >&2
    if ! python3 -m venv "$venv" 2>/dev/null; then
        rm -rf "$venv"
        apt-get install -y python3-venv >&2
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet schemathesis
fi

(cd "$root" && swift build --product crm >&2)

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# In an empty directory (no .env) with no CRM_* settings: the seeded demo data and tokens.
exec 3< <(cd "$work" && exec env $(env | grep -o '^CRM_[A-Za-z0-9_]*' | sed 's/^/-u /') \
    "$root/.build/debug/crm" serve --port 0 2>"$work/server.log")
server_pid=$!
address=""
while IFS= read -r -t 60 -u 3 line; do
    if [[ $line =~ listening\ on\ (http://[0-9.]+:[0-9]+) ]]; then
        address=${BASH_REMATCH[1]}
        break
    fi
done
if [[ -z $address ]]; then
    echo "schemathesis: crm serve did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
fi
echo "schemathesis: crm serve at $address" >&2

# Three deliberate differences from schemathesis' defaults:
# - a missing token is 403, as the original service answered it (schemathesis insists on 401), so the
#   missing_required_header check, which only looks at Authorization here, is left out;
# - a syntactically valid If-Match naming a stale version is 412 (§6.2): a valid request refused by its
#   precondition, not by its data;
# - on the two routes that take an assignee, 422 is a valid refusal too: an assignee must name an existing user,
#   which no schema can say (the users live in the store);
# - on POST /api/tokens, 422 is a valid refusal of `expires`: a time must lie in the future and a duration within
#   ten years, which depends on the clock; on GET /api/tokens, `user` and `all` exclude each other.
cat > "$work/schemathesis.toml" <<'TOML'
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]

[[operations]]
include-name = ["POST /api/tickets", "PATCH /api/tickets/{id}", "POST /api/tokens", "GET /api/tokens"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]
TOML

status=0
run() {
    local who=$1
    shift
    echo "schemathesis: run as $who" >&2
    # From the scratch directory, so schemathesis' caches stay out of the repository.
    if ! (cd "$work" && "$schemathesis" --config-file "$work/schemathesis.toml" run "$address/openapi.json" --checks all \
        --exclude-checks missing_required_header --max-examples "$examples" --seed 10 \
        --generation-database none --no-color --report-dir "$work/report-$who" "$@"); then
        echo "schemathesis: FAILED as $who" >&2
        status=1
    fi
}
run admin -H "Authorization: Bearer admin123"
run agent -H "Authorization: Bearer agent123"
run anonymous

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "schemathesis: crm serve died:" >&2
    cat "$work/server.log" >&2
    status=1
fi
exit $status
