# The two entry points the README opens with:
#   make run    set up (apt packages, pinned models), build release, run jixiao on samples/ -> OUT/
#   make test   the same set-up, then fmt, clippy and the whole test suite (what .ci/run calls)
# Both are idempotent: a second call checks dpkg and the model sha256 pins (< 1 s) and lets
# cargo see that nothing changed. Everything is built in the release profile, so the OCR
# integration tests run at full speed and `make run` reuses the artefacts `make test` built.

SHELL := /bin/bash
CARGO ?= cargo
OUT ?= OUT
SAMPLES ?= samples
CARGO_FLAGS ?= --release --locked
# libtesseract spawns one OpenMP thread per core per call unless told not to, which makes the
# page-parallel pipeline 3-4x slower; jixiao re-execs itself with this set, exporting it here
# spares the re-exec.
export OMP_THREAD_LIMIT := 1

.PHONY: all setup setup-tests models build run test fmt-check clippy unit samples score-samples bench clean-out

all: run

setup:
	@bash scripts/setup.sh

models:
	@bash scripts/fetch-models.sh

# What only the tests need: slurm-wlm and munge (a one-node Slurm cluster) and a pinned
# kubernetes-validate (the deploy/k8s manifests).
setup-tests:
	@bash scripts/setup-tests.sh

build: setup
	$(CARGO) build $(CARGO_FLAGS) --bin jixiao

run: build
	./target/release/jixiao run $(SAMPLES) -o $(OUT)
	@echo "outputs in $(OUT)/: records.jsonl tables.jsonl pages.jsonl indicators.csv run.json jixiao.sqlite records.xlsx review/index.html"

fmt-check:
	$(CARGO) fmt --all -- --check

clippy: setup
	$(CARGO) clippy $(CARGO_FLAGS) --all-targets -- -D warnings

unit: setup
	$(CARGO) test $(CARGO_FLAGS)

test: setup setup-tests fmt-check clippy unit

# Regenerate samples/scan/ (committed; only needed after changing tools/make_samples.py).
samples:
	@bash scripts/setup.sh fonts-noto-cjk fonts-wqy-zenhei
	@python3 -c 'import PIL' 2>/dev/null || python3 -m pip install --quiet 'Pillow>=10'
	python3 tools/make_samples.py --out samples/scan

# Scores the last `make run` against the samples' expectations with the project's scorers
# (they live in the shared folder beside the checkout, not in the repository).
SHARED ?= ../shared
score-samples:
	@for e in samples/scan/*.expected.jsonl; do n=$${e%.expected.jsonl}; echo "== $$n"; \
	  python3 $(SHARED)/eval/score.py $$e $(OUT)/records.jsonl; \
	  python3 $(SHARED)/eval/score_cells.py $$n.cells.json $(OUT)/tables.jsonl; done

# Criterion micro-benchmarks of the stages (see README "Benchmarks").
bench: setup
	$(CARGO) bench --locked --bench stages

clean-out:
	rm -rf $(OUT)
