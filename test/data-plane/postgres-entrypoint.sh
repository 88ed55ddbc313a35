#!/usr/bin/env bash
# A stand-in for the official postgres image's docker-entrypoint.sh (docker-library/postgres,
# 15/bookworm), for the data-plane tests that run PostgreSQL as local processes: it does the steps of
# the real one that kubeship's scripts rely on, in the same order and with the same commands (initdb
# with POSTGRES_USER and a password file, a host line of the server's password_encryption appended
# to pg_hba.conf, a socket-only temporary server on PGPORT, POSTGRES_DB created, the *.sh files of the
# init directory run (executable) or sourced, the temporary server stopped, then `exec "$@"`), and
# leaves out what only a container needs (gosu, nss_wrapper, *_FILE variables). The init directory
# is /docker-entrypoint-initdb.d in the image; here KUBESHIP_INITDB_DIR.
set -Eeo pipefail
initdb_dir="${KUBESHIP_INITDB_DIR:-/docker-entrypoint-initdb.d}"
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = 'postgres' ]; then
  : "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
  export POSTGRES_USER POSTGRES_DB
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD")
    shift
    auth="$(postgres -C password_encryption "$@")"
    printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
    export PGPASSWORD="$POSTGRES_PASSWORD"
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@" -c listen_addresses='' -p "${PGPORT:-5432}")" -w start
    set -- postgres "$@"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname postgres \
      --set db="$POSTGRES_DB" -c 'SELECT 1' > /dev/null
    if [ -z "$(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<< "SELECT 1 FROM pg_database WHERE datname = :'db' ;")" ]; then
      psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db" ;'
    fi
    for f in "$initdb_dir"/*; do
      case "$f" in
        *.sh) if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
        *) echo "$0: ignoring $f" ;;
      esac
    done
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGPASSWORD
  fi
fi
exec "$@"
