#!/bin/sh
# Test exec credential plugin: prints far more than any credential (3 MB).
head -c 3000000 /dev/zero | tr '\0' 'x'
