#!/bin/sh
# Test exec credential plugin: prints its first argument, so a kubeconfig can make it return
# anything (junk, a wrong kind, no status...).
printf '%s\n' "$1"
