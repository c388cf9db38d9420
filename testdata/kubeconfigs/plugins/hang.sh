#!/bin/sh
# Test exec credential plugin: never answers. Its child `sleep` keeps stdout open, so only
# killing the whole process group ends it. RAMPART_TEST_PIDFILE receives the sleep's pid.
sleep 300 &
pid=$!
if [ -n "${RAMPART_TEST_PIDFILE:-}" ]; then echo "$pid" > "$RAMPART_TEST_PIDFILE"; fi
wait "$pid"
