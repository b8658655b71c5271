#!/usr/bin/env bash
# Property-based fuzzing of the running API from its own OpenAPI document (schemathesis): every
# operation gets thousands of generated requests, and any 5xx is a failure ("no client input ever
# produces a 500"). Needs a running stack with a high rate limit, e.g.
#   RATE_LIMIT_PER_MINUTE=1000000 RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000 RATE_LIMIT_OPEN_PER_MINUTE=1000000 \
#     RATE_LIMIT_IMPORT_PER_MINUTE=1000000 RATE_LIMIT_RAW_HISTORY_PER_MINUTE=1000000 npm start   # in another terminal
#   npm run fuzz
# schemathesis is installed into the git-ignored .tools/schemathesis on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BASE="${BASE_URL:-http://localhost:3000}"
TOOLS=.tools/schemathesis
if [[ ! -x "$TOOLS/bin/st" ]]; then
  python3 -m pip install --disable-pip-version-check -q --target "$TOOLS" schemathesis
fi
token() { npx tsx scripts/token.ts "$@"; }
ALL=$(token --sub fuzz --name Fuzz --roles caseworker,supervisor,auditor,admin,applicant --dept health --org 91350100M000100Y43)
OPENER=$(token --sub fuzz-opener --name Opener --roles caseworker --dept service-centre)
# One real case, so the case routes reach their logic instead of answering 404.
CASE_ID=$(curl -sf -X POST "$BASE/v1/cases" -H "Authorization: Bearer $OPENER" -H 'Content-Type: application/json' \
  -d '{"templateId":"produce-first-epidemic-supplies","applicant":{"creditCode":"91350100M000100Y43","name":"Fuzz Co",
       "contact":{"name":"F","phone":"+86 591 1234567","email":"f@fuzz.example"}},
       "details":{"pledge":{"signedBy":"F","text":"pledge"},"products":[{"name":"masks"}]}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["caseId"])')
CFG=$(mktemp -d)
printf '[parameters]\n"path.caseId" = "%s"\n' "$CASE_ID" > "$CFG/schemathesis.toml"
cd "$CFG"
PYTHONPATH="$OLDPWD/$TOOLS" python3 "$OLDPWD/$TOOLS/bin/st" run "$BASE/openapi.json" \
  -H "Authorization: Bearer $ALL" --checks not_a_server_error --max-examples "${MAX_EXAMPLES:-100}"
