#!/bin/sh
# Healthy = an authenticated PING answers PONG. The password goes through the environment
# of this short-lived process (valkey-cli reads REDISCLI_AUTH), never through argv.
REDISCLI_AUTH=$(cat /run/secrets/valkey_password) || exit 1
export REDISCLI_AUTH
[ "$(valkey-cli -h 127.0.0.1 -p 6379 --no-auth-warning ping)" = PONG ]
