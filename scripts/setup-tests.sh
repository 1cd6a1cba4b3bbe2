#!/usr/bin/env bash
# What only the test suite needs, on top of scripts/setup.sh (run by `make test`):
#   slurm-wlm munge        a one-node Slurm cluster on localhost (tests/cluster_slurm.rs)
#   kubernetes-validate    the Kubernetes schema validator from PyPI, pinned
#                          (tests/cluster_k8s.rs validates deploy/k8s/ with it)
# Idempotent and quick when done: dpkg and pip's metadata are asked first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KV_VERSION=1.37.0

bash "$here/scripts/setup.sh" slurm-wlm munge

if python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('kubernetes-validate') != '$KV_VERSION')" 2>/dev/null; then
  echo "setup-tests: kubernetes-validate $KV_VERSION present"
else
  echo "setup-tests: pip install kubernetes-validate==$KV_VERSION"
  pip=(python3 -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KV_VERSION")
  # Debian's own python3 marks itself externally managed (PEP 668); pip older than 23.0.1
  # knows no --break-system-packages. Try plain first, then with it.
  "${pip[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages
fi
