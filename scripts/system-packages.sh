#!/usr/bin/env bash
# The Debian packages the service and its tests use beyond Node, installed once (as root):
#   fonts-wqy-zenhei  a CJK font for the browser tests (PDFs use the Noto Sans SC npm installs)
#   poppler-utils     the certificate tests read PDFs back (pdftotext, pdfimages)
#   chromium          the verification page is tested in it, driven by playwright-core
#   unzip             export archives are opened with Info-ZIP's unzip, as a regulator would
#   openssl           the RFC 3161 tests run OpenSSL's own time-stamping authority
# `npm test` names the ones missing before it starts. CI (.ci/run) runs this too.
set -euo pipefail
DEBS="fonts-wqy-zenhei poppler-utils chromium unzip openssl"
if ! dpkg -s $DEBS >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBS
fi
