#!/bin/bash
# Healthy = pgbouncer accepts a TCP connection and answers an SSLRequest with one byte
# ('N' or 'S'): the protocol is alive, not just the socket. No client tools in the image.
exec 3<>/dev/tcp/127.0.0.1/6432 || exit 1
printf '\x00\x00\x00\x08\x04\xd2\x16\x2f' >&3
IFS= read -r -n 1 -t 2 reply <&3 || exit 1
[ "$reply" = N ] || [ "$reply" = S ]
