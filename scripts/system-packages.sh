#!/usr/bin/env bash
# What the tests use beyond Node, installed and started once (as root, on Debian):
#   fonts-wqy-zenhei  a CJK font for the browser tests (PDFs use the Noto Sans SC npm installs)
#   poppler-utils     the certificate tests read PDFs back (pdftotext, pdfimages)
#   chromium          the verification page is tested in it, driven by playwright-core
#   unzip             export archives are opened with Info-ZIP's unzip, as a regulator would
#   openssl           the RFC 3161 tests run OpenSSL's own time-stamping authority
#   ffmpeg            web captures encode their screen recording (the service needs it too)
#   postgresql        the store, replica and cluster tests: a running server with a database
#                     `test` that postgres@127.0.0.1 reaches without a password
# `npm test` names what is missing before it starts. CI (.ci/run) runs this too.
set -euo pipefail
DEBS="fonts-wqy-zenhei poppler-utils chromium unzip openssl ffmpeg postgresql"
fresh_postgres=false
dpkg -s postgresql >/dev/null 2>&1 || fresh_postgres=true
if ! dpkg -s $DEBS >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBS
fi

# The newest cluster Debian made, started if it is not running (no systemd in containers).
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
as_postgres() { runuser -u postgres -- "$@"; }
if [ "$(as_postgres psql -tAc "select 1 from pg_database where datname = 'test'")" != "1" ]; then
  as_postgres createdb test
fi
# A server installed just now is the tests' own: let postgres reach `test` over loopback
# without a password, for that database and address only. An existing server is left as it is.
url="postgres://postgres@127.0.0.1:5432/test"
if ! PGCONNECT_TIMEOUT=3 psql -w "$url" -c "select 1" >/dev/null 2>&1; then
  if $fresh_postgres; then
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i "1i host test postgres 127.0.0.1/32 trust" "$hba"
    as_postgres psql -qc "select pg_reload_conf()" >/dev/null
  else
    echo "PostgreSQL asks postgres@127.0.0.1 for a password: add 'host test postgres 127.0.0.1/32 trust' to pg_hba.conf, or point TEST_DATABASE_URL at a database the tests may use" >&2
  fi
fi
