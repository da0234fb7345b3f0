#!/bin/bash
# Healthy = memcached answers the text protocol's "version" command.
exec 3<>/dev/tcp/127.0.0.1/11211 || exit 1
printf 'version\r\n' >&3
IFS= read -r -t 2 reply <&3 || exit 1
[[ $reply == VERSION* ]]
