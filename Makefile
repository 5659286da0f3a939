# RecDesk: the two commands are `make run` and `make test`; everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := nginx libnginx-mod-rtmp xvfb ffmpeg chromium curl openssl janus janus-tools iproute2 nftables pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber libasound2-plugins dbus libpulse0
PYTEST_ARGS ?=

.PHONY: run test check bench deps venv format clean screenshots

run: $(STAMP)
	$(BIN)/python -m ui.doctor
	$(BIN)/recdesk

# PNGs of the main screens (offscreen Qt, against the built-in demo service) in build/screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots build/screenshots

test: deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: deps $(STAMP)
	$(BIN)/python -m tests.bench.run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# System packages for tests and benchmarks: nginx with the RTMP module, Xvfb, ffmpeg, Chromium
# (it renders the API documentation pages in tests/app/service/test_docs.py), curl and openssl (the
# README's request-signing recipe is run in tests/app/service/test_auth_bound.py), Janus with
# iproute2 and nftables (the Janus tests run it in a network namespace and drop RTP on its way),
# janus-tools (janus-pp-rec: the benchmark post-processes Janus's own recording to compare).
# PulseAudio (with pactl), PipeWire with pipewire-pulse, WirePlumber and dbus: the sound tests run
# a private server of each kind; libpulse0 is what soundcard loads; libasound2-plugins is on every
# desktop, and the ALSA tests must pass with it installed.
deps:
	@missing=""; \
	command -v nginx >/dev/null && test -e /usr/lib/nginx/modules/ngx_rtmp_module.so || missing="$$missing nginx libnginx-mod-rtmp"; \
	command -v Xvfb >/dev/null || missing="$$missing xvfb"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v janus >/dev/null || missing="$$missing janus"; \
	command -v janus-pp-rec >/dev/null || missing="$$missing janus-tools"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	command -v nft >/dev/null || missing="$$missing nftables"; \
	command -v pulseaudio >/dev/null || missing="$$missing pulseaudio"; \
	command -v pactl >/dev/null && command -v parec >/dev/null || missing="$$missing pulseaudio-utils"; \
	command -v pipewire >/dev/null || missing="$$missing pipewire"; \
	command -v pipewire-pulse >/dev/null || missing="$$missing pipewire-pulse"; \
	command -v wireplumber >/dev/null || missing="$$missing wireplumber"; \
	command -v dbus-daemon >/dev/null || missing="$$missing dbus"; \
	dpkg -s libasound2-plugins >/dev/null 2>&1 || missing="$$missing libasound2-plugins"; \
	dpkg -s libpulse0 >/dev/null 2>&1 || missing="$$missing libpulse0"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing system packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "missing system packages:$$missing"; \
		echo "install them with: sudo apt-get install -y$$missing"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
