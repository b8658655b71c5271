#!/usr/bin/env bash
# Property-based testing of the API from its own OpenAPI document (schemathesis, every check):
#
#   npm run fuzz                       # starts its own stack, fuzzes it, stops it
#   BASE_URL=http://127.0.0.1:3000 npm run fuzz   # fuzz a stack already running (see below)
#
# Without BASE_URL it runs `npm start` in the background with a temporary DATA_DIR, free ports and
# every RATE_LIMIT_* raised, waits for /healthz, and stops it with SIGINT at the end (the temporary
# data is deleted). With BASE_URL the stack must use the development JWT secret (or the same
# AUTH_JWT_SECRET in this shell) and have every RATE_LIMIT_* variable raised.
#
# It opens one case of each kind (one-stop, produce-first, claim) and runs schemathesis once per
# case, with `path.caseId` set to that case; the first run also covers every other operation.
# Options (environment): MAX_EXAMPLES (default 50), PHASES (default examples,coverage,fuzzing,stateful),
# ST_ARGS (extra `st run` arguments), FUZZ_REPORT_DIR (default .tools/fuzz-report).
# The configuration is schemathesis.toml at the repository root (expected statuses per check are
# explained there and in docs/testing.md, section Fuzzing). schemathesis is installed from PyPI into the
# git-ignored .tools/schemathesis on first use (pinned: ST_VERSION).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ST_VERSION="${ST_VERSION:-4.32.5}"
TOOLS=.tools/schemathesis
MAX_EXAMPLES="${MAX_EXAMPLES:-50}"
PHASES="${PHASES:-examples,coverage,fuzzing,stateful}"
REPORT_DIR="${FUZZ_REPORT_DIR:-$ROOT/.tools/fuzz-report}"

if ! PYTHONPATH="$TOOLS" python3 "$TOOLS/bin/st" --version 2>/dev/null | grep -qF "$ST_VERSION"; then
  echo "fuzz: installing schemathesis $ST_VERSION into $TOOLS" >&2
  python3 -m pip install --disable-pip-version-check -q --upgrade --target "$TOOLS" "schemathesis==$ST_VERSION"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

STACK_PID=""
STACK_DIR=""
stop_stack() {
  if [[ -n "$STACK_PID" ]] && kill -0 "$STACK_PID" 2>/dev/null; then
    echo "fuzz: stopping the stack (SIGINT)" >&2
    kill -INT -- "-$STACK_PID" 2>/dev/null || kill -INT "$STACK_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$STACK_PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$STACK_PID" 2>/dev/null && kill -KILL -- "-$STACK_PID" 2>/dev/null || true
  fi
  [[ -n "$STACK_DIR" ]] && rm -rf "$STACK_DIR"
  return 0
}
trap stop_stack EXIT

if [[ -n "${BASE_URL:-}" ]]; then
  BASE="$BASE_URL"
else
  STACK_DIR=$(mktemp -d -t onestop-fuzz.XXXXXX)
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  HIGH=100000000
  echo "fuzz: starting the stack on $BASE (data in $STACK_DIR; log $STACK_DIR/stack.log)" >&2
  # setsid: the stack is its own process group, so SIGINT reaches npm, tsx and node alike.
  env -u DATABASE_URL -u TEMPORAL_ADDRESS -u AUTH_JWKS_URL \
    DATA_DIR="$STACK_DIR/data" PORT="$PORT" EMBEDDED_PG_PORT="$(free_port)" \
    TEMPORAL_DEV_PORT="$(free_port)" TEMPORAL_UI_PORT="$(free_port)" LOG_LEVEL="${FUZZ_LOG_LEVEL:-warn}" \
    RATE_LIMIT_PER_MINUTE=$HIGH RATE_LIMIT_ANONYMOUS_PER_MINUTE=$HIGH RATE_LIMIT_OPEN_PER_MINUTE=$HIGH \
    RATE_LIMIT_IMPORT_PER_MINUTE=$HIGH RATE_LIMIT_RAW_HISTORY_PER_MINUTE=$HIGH \
    setsid npm start >"$STACK_DIR/stack.log" 2>&1 &
  STACK_PID=$!
  for i in $(seq 1 180); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
    if ! kill -0 "$STACK_PID" 2>/dev/null || [[ $i == 180 ]]; then
      echo "fuzz: the stack did not come up; its log:" >&2; tail -50 "$STACK_DIR/stack.log" >&2; exit 1
    fi
    sleep 1
  done
fi

token() { npx tsx scripts/token.ts "$@"; }
CODE=91350100M000100Y43
# Opens the cases as a caseworker of the service centre: its department is the opening one.
OPENER=$(token --sub fuzz-opener --name 'Fuzz Opener' --roles caseworker --dept service-centre)
# Every role, org = the applicant's credit code (supplements, certificates and withdrawals reach their
# logic as the applicant's) and dept = the department of one task of the case (its decisions do).
everyone() { token --sub fuzz --name Fuzz --roles caseworker,supervisor,auditor,admin,applicant --dept "$1" --org $CODE; }

# A document the opener uploads and every case is opened with: the routes that take a digest
# (downloads, through the case too, and the auditor's check) reach a real one.
DOC_FILE=$(mktemp)
printf '%%PDF-1.7\n%% fuzz evidence\n%%%%EOF\n' >"$DOC_FILE"
DIGEST=$(curl -sf -X POST "$BASE/v1/documents" -H "Authorization: Bearer $OPENER" -F "file=@$DOC_FILE;filename=evidence.pdf;type=application/pdf" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
rm -f "$DOC_FILE"

open_case() {
  local body="{\"templateId\":\"$1\",\"applicant\":{\"creditCode\":\"$CODE\",\"name\":\"Fuzz Protective Equipment\",\"contact\":{\"name\":\"F. Zhang\",\"phone\":\"+86 591 1234567\",\"email\":\"f@fuzz.example\"}},\"details\":$2,\"documents\":[{\"digest\":\"$DIGEST\"}]}"
  curl -sf -X POST "$BASE/v1/cases" -H "Authorization: Bearer $OPENER" -H 'Content-Type: application/json' -d "$body" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["caseId"])'
}

mkdir -p "$REPORT_DIR"
status=0
# run <label> <caseId> <taskId> <dept> <extra toml> [st run arguments…]
run() {
  local label=$1 case_id=$2 task_id=$3 dept=$4 extra=$5; shift 5
  local dir token
  dir=$(mktemp -d)
  token=$(everyone "$dept")
  # schemathesis reads schemathesis.toml from the working directory: the project's, plus this case.
  { cat "$ROOT/schemathesis.toml"; printf '%s\n' "$extra";
    printf '\n[parameters]\n"path.caseId" = "%s"\n"path.taskId" = "%s"\n"path.digest" = "%s"\n' "$case_id" "$task_id" "$DIGEST"; } >"$dir/schemathesis.toml"
  echo "fuzz: === $label ($case_id, task $task_id) ===" >&2
  (cd "$dir" && PYTHONPATH="$ROOT/$TOOLS:$ROOT/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks \
    python3 "$ROOT/$TOOLS/bin/st" run "$BASE/openapi.json" -H "Authorization: Bearer $token" \
      --checks all --phases "$PHASES" --max-examples "$MAX_EXAMPLES" \
      --report junit,ndjson --report-dir "$REPORT_DIR/$label" ${ST_ARGS:-} "$@") || status=$?
  rm -rf "$dir"
}
CASE_ROUTES='^/v1/cases/\{caseId\}'
# Withdrawing closes the case, after which every update is 409: each case is withdrawn in a last run.
NOT_WITHDRAW='^/v1/cases/\{caseId\}/withdraw$'
# A claim's decisions carry an amount on some tasks only, in the claim's currency, within its cap.
CLAIM_DECISIONS='
[[operations]]
include-path = "/v1/cases/{caseId}/tasks/{taskId}/decision"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]'

ONE_STOP=$(open_case epidemic-supplies-project '{"product":"medical masks","capacityPerDay":200000}')
run one-stop "$ONE_STOP" health health '' --exclude-path-regex "$NOT_WITHDRAW"
run one-stop-withdraw "$ONE_STOP" health health '' --include-path-regex "$NOT_WITHDRAW"

PRODUCE_FIRST=$(open_case produce-first-epidemic-supplies '{"pledge":{"signedBy":"F. Zhang","text":"We produce to the national standard and file the certificates within 60 days."},"products":[{"name":"medical masks"}]}')
run produce-first "$PRODUCE_FIRST" eligibility industry-it '' --include-path-regex "$CASE_ROUTES" --exclude-path-regex "$NOT_WITHDRAW"
run produce-first-withdraw "$PRODUCE_FIRST" eligibility industry-it '' --include-path-regex "$NOT_WITHDRAW"

CLAIM=$(open_case liability-claim-fast-channel '{"policyNumber":"PL-2020-000123","claimedAmount":{"amount":50000000,"currency":"CNY"},"loss":{"description":"production halted by the quarantine order","occurredAt":"2020-02-01T00:00:00Z"}}')
run claim "$CLAIM" acknowledge claims-desk "$CLAIM_DECISIONS" --include-path-regex "$CASE_ROUTES" --exclude-path-regex "$NOT_WITHDRAW"
run claim-withdraw "$CLAIM" acknowledge claims-desk '' --include-path-regex "$NOT_WITHDRAW"
exit $status
