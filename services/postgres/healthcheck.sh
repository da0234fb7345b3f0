#!/bin/sh
# Healthy = first initialisation finished AND a real query answers on the socket (peer auth).
[ -e "$PGDATA/apex-init.done" ] || exit 1
exec psql -X -q -h /var/run/postgresql -U postgres -d apex -tAc 'select 1' >/dev/null
