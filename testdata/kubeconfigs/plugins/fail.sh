#!/bin/sh
# Test exec credential plugin: fails the way a plugin whose login expired does.
echo "fail.sh: error: the session expired" >&2
echo "fail.sh: run 'test-login' to log in again" >&2
exit 3
