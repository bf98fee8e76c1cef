#!/usr/bin/env bash
# Smoke test of a running crm HTTP API (DESIGN §6), e.g. one started with `crm serve --port 8000`.
#
#   scripts/smoke.sh http://127.0.0.1:8000
#
# Needs the seeded demo data (customers 1 Jane Doe and 2 John Smith); tokens default to the seed's
# (CRM_AGENT_TOKEN / CRM_ADMIN_TOKEN override them). Creates a few tickets, notes and a customer; deletes what it
# can. Exits 0 when everything answered as expected, else 1 at the first failure with a message on stderr.
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 BASE_URL   (e.g. http://127.0.0.1:8000)" >&2
    exit 2
fi
BASE=${1%/}
AGENT=${CRM_AGENT_TOKEN:-agent123}
ADMIN=${CRM_ADMIN_TOKEN:-admin123}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

STEP=""
fail() {
    echo "smoke: FAIL [$STEP]: $*" >&2
    exit 1
}
step() {
    STEP=$1
    echo "smoke: $1"
}

# request METHOD PATH [TOKEN] [JSON] [HEADER]: sets STATUS and BODY; the response headers are in $work/headers.
request() {
    local method=$1 path=$2 token=${3:-} data=${4:-} extra=${5:-}
    local args=(-sS -X "$method" -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 15)
    if [[ -n $token ]]; then args+=(-H "Authorization: Bearer $token"); fi
    if [[ -n $data ]]; then args+=(-H 'Content-Type: application/json' --data-binary "$data"); fi
    if [[ -n $extra ]]; then args+=(-H "$extra"); fi
    if ! STATUS=$(curl "${args[@]}" "$BASE$path" 2>"$work/curl-error"); then
        fail "$method $path: cannot reach $BASE: $(cat "$work/curl-error")"
    fi
    BODY=$(cat "$work/body")
}

# expect_status CODE: the last response had this status.
expect_status() {
    [[ $STATUS == "$1" ]] || fail "expected HTTP $1, got $STATUS: $BODY"
}

# header NAME: the value of a header of the last response (empty if absent).
header() {
    { grep -i "^$1:" "$work/headers" || true; } | head -n 1 | sed -e 's/^[^:]*:[[:space:]]*//' -e 's/[[:space:]]*$//'
}

expect_header() {
    [[ -n $(header "$1") ]] || fail "no $1 header in: $(tr -d '\r' <"$work/headers")"
}

# check PYTHON_EXPR [what]: the expression holds for `d`, the last body parsed as JSON.
check() {
    BODY_JSON=$BODY python3 -c '
import json, os, sys
d = json.loads(os.environ["BODY_JSON"])
sys.exit(0 if eval(sys.argv[1]) else 1)
' "$1" 2>"$work/py-error" || fail "${2:-$1} does not hold for: $BODY $(cat "$work/py-error")"
}

# value PYTHON_EXPR: prints the expression's value for the last body.
value() {
    BODY_JSON=$BODY python3 -c 'import json, os, sys; d = json.loads(os.environ["BODY_JSON"]); print(eval(sys.argv[1]))' "$1" \
        || fail "cannot read $1 from: $BODY"
}

# expect_error CODE: the last body is {"error": {"code": CODE, "message": "..."}}.
expect_error() {
    check "set(d) == {'detail', 'error'} and d['detail'] != '' and d['error']['code'] == '$1' and d['error']['message'] != ''" "error body with code $1"
}

step "health"
request GET /health
expect_status 200
[[ $BODY == '{"status":"ok"}' ]] || fail "unexpected body: $BODY"
expect_header X-Process-Time-ms

step "auth: a protected route without a token is 403"
request GET /api/customers/1
expect_status 403
expect_error forbidden
check "d['detail'] == \"Forbidden: role 'None' unauthorized\""
expect_header X-Process-Time-ms

step "auth: a bad token is 403"
request GET /api/customers/1 not-a-real-token
expect_status 403
expect_error unauthenticated
if grep -q not-a-real-token <<<"$BODY"; then fail "the token is echoed back: $BODY"; fi
request GET /api/me not-a-real-token
expect_status 403

step "auth: who am I"
request GET /api/me "$AGENT"
expect_status 200
check "d['user'] == 'agent' and d['role'] == 'agent'"
request GET /api/me "$ADMIN"
check "d['user'] == 'admin' and d['role'] == 'admin' and 'audit.read' in d['permissions']"

step "seeded customers"
request GET /api/customers/1 "$AGENT"
expect_status 200
check "d['id'] == 1 and d['name'] == 'Jane Doe' and d['email'] == 'jane@example.com'"
request GET /api/customers/2/ "$AGENT"
expect_status 200
check "d['id'] == 2 and d['name'] == 'John Smith' and d['email'] == 'john@example.com'"
request GET "/api/customers?limit=2" "$AGENT"
expect_status 200
expect_header X-Total-Count
check "[c['name'] for c in d] == ['Jane Doe', 'John Smith']"

step "ticket create"
request POST /api/tickets/ "$AGENT" '{"customer_id": 1, "subject": "Smoke test ticket", "description": "created by smoke.sh"}'
expect_status 200
check "d['customer_id'] == 1 and d['subject'] == 'Smoke test ticket' and d['status'] == 'open' and d['version'] == 1"
check "set(d) >= {'id', 'customer_id', 'subject', 'description', 'status', 'created_at', 'priority', 'assignee', 'tags', 'version'}"
TICKET=$(value "d['id']")
[[ $(header Location) == "/api/tickets/$TICKET" ]] || fail "Location is '$(header Location)'"
[[ $(header ETag) == "\"1\"" ]] || fail "ETag is '$(header ETag)'"

step "ticket create without a token is 403"
request POST /api/tickets/ "" '{"customer_id": 1, "subject": "nope"}'
expect_status 403

step "ticket update"
request PATCH "/api/tickets/$TICKET" "$AGENT" '{"status": "in_progress"}'
expect_status 200
check "d['status'] == 'in_progress' and d['version'] == 2"
request PATCH "/api/tickets/$TICKET" "$AGENT" '{"subject": "Smoke test ticket (edited)"}'
expect_status 200
check "d['subject'] == 'Smoke test ticket (edited)' and d['version'] == 3"
request PATCH "/api/tickets/$TICKET" "$AGENT" '{"subject": "lost update"}' 'If-Match: "2"'
expect_status 412
expect_error conflict
request GET "/api/tickets/$TICKET"
check "d['subject'] == 'Smoke test ticket (edited)' and d['version'] == 3" "a stale If-Match changed nothing"

request PATCH "/api/tickets/$TICKET" "$AGENT" '{"status": "resolved"}'
request PATCH "/api/tickets/$TICKET" "$AGENT" '{"status": "pending"}'
expect_status 409
check "d['error']['code'] == 'invalid_transition' and 'open' in d['error']['allowed']"

step "ticket list is public and contains the ticket"
request GET "/api/tickets/?customer_id=1&limit=1000"
expect_status 200
expect_header X-Total-Count
check "any(t['id'] == $TICKET and t['subject'] == 'Smoke test ticket (edited)' for t in d)" "ticket $TICKET in the public list"
request GET "/api/tickets?customer_id=1&limit=1000"
expect_status 200
request GET "/api/tickets/$TICKET"
expect_status 200
[[ -n $(header ETag) ]] || fail "no ETag on GET /api/tickets/$TICKET"

step "notes"
request POST "/api/notes/$TICKET" "$AGENT" '{"text": "smoke note"}'
expect_status 200
check "set(d) == {'data'} and d['data']['ticket_id'] == $TICKET and d['data']['text'] == 'smoke note' and d['data']['author'] == 'agent'"
request POST "/api/notes/$TICKET" "" '{"text": "anonymous note"}'
expect_status 403
request GET "/api/tickets/$TICKET/notes" "$AGENT"
expect_status 200
check "[n['text'] for n in d] == ['smoke note']"
request GET "/api/tickets/$TICKET/notes"
expect_status 403

step "bad input"
request POST /api/tickets/ "$AGENT" '{"customer_id": 1,'
expect_status 400
request POST /api/tickets/ "$AGENT" '{"customer_id": "one", "subject": "x"}'
expect_status 422
check "d['error']['message'].startswith('customer_id')"
request GET /api/tickets/999999999 "$AGENT"
expect_status 404
request GET /no/such/route
expect_status 404
expect_header X-Process-Time-ms

step "RBAC: the agent may not delete a ticket or read the audit log"
request DELETE "/api/tickets/$TICKET" "$AGENT"
expect_status 403
expect_error forbidden
request GET /api/audit "$AGENT"
expect_status 403
expect_error forbidden
request GET "/api/tickets/$TICKET"
expect_status 200

step "admin-only routes work for the admin"
request GET "/api/audit?entity=ticket/$TICKET" "$ADMIN"
expect_status 200
expect_header X-Total-Count
check "[e['action'] for e in d][:2] == ['ticket.create', 'ticket.update'] and all(e['via'] == 'http' for e in d)"
request GET "/api/tickets/$TICKET/history" "$AGENT"
expect_status 200
request POST /api/customers "$AGENT" '{"name": "Smoke Customer", "email": "smoke@example.com"}'
expect_status 201
CUSTOMER=$(value "d['id']")
request DELETE "/api/customers/$CUSTOMER" "$AGENT"
expect_status 403
request DELETE "/api/customers/$CUSTOMER" "$ADMIN"
expect_status 204
request DELETE "/api/tickets/$TICKET" "$ADMIN"
expect_status 204
request GET "/api/tickets/$TICKET"
expect_status 404
expect_error not_found

step "still healthy"
request GET /health
expect_status 200

echo "smoke: all checks passed against $BASE"
