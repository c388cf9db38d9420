#!/usr/bin/env python3
"""A client-go exec credential plugin for the simulator's "exec" identity.

Prints an ExecCredential whose status.token is read from --token-file. The apiVersion follows
the one the caller announces in KUBERNETES_EXEC_INFO (client.authentication.k8s.io/v1 or
v1beta1). Each call appends a line to $SIM_EXEC_LOG when that is set, so tests can count how
often a client runs the plugin. With --ttl the credential carries an expirationTimestamp.
"""
import argparse
import datetime
import json
import os
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--token-file", required=True)
    p.add_argument("--ttl", type=int, default=0, help="seconds until the token expires (0: no expiry)")
    args = p.parse_args()
    info = {}
    if os.environ.get("KUBERNETES_EXEC_INFO"):
        try:
            info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
        except ValueError:
            print("exec_credential: KUBERNETES_EXEC_INFO is not JSON", file=sys.stderr)
            return 1
    try:
        with open(args.token_file) as f:
            token = f.read().strip()
    except OSError as e:
        print("exec_credential: %s" % e, file=sys.stderr)
        return 1
    status = {"token": token}
    if args.ttl > 0:
        exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=args.ttl)
        status["expirationTimestamp"] = exp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = {"apiVersion": info.get("apiVersion", "client.authentication.k8s.io/v1"),
           "kind": "ExecCredential", "status": status}
    log = os.environ.get("SIM_EXEC_LOG")
    if log:
        with open(log, "a") as f:
            f.write(datetime.datetime.now(datetime.timezone.utc).isoformat() + "\n")
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
