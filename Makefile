# RecDesk: the two commands are `make run` and `make test`; everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` needs only the desktop extra; the dev tools (a superset) satisfy it too.
DESKTOP_STAMP := $(VENV)/.installed-desktop
BUNDLE_VENV := build/bundle-venv
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed
APT_PACKAGES := nginx libnginx-mod-rtmp xvfb ffmpeg chromium curl openssl janus janus-tools iproute2 nftables pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber libasound2-plugins dbus libpulse0 desktop-file-utils fontconfig fonts-noto-cjk zsh fish postgresql
PYTEST_ARGS ?=
# A recipe's tail: installs the system packages listed in $$missing with apt-get when the user can
# (root), else prints the one command to run and fails.
APT_INSTALL = if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing system packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "missing system packages:$$missing"; \
		echo "install them with: sudo apt-get install -y$$missing"; \
		exit 1; \
	fi

.PHONY: run test check bench deps venv format clean screenshots translations qm bundle bundle-deps bundle-smoke

run: $(DESKTOP_STAMP) qm
	$(BIN)/python -m ui.doctor
	$(BIN)/recdesk

# PNGs of the main screens (offscreen Qt, against the built-in demo service) in build/screenshots/,
# light, and dark in build/screenshots/dark/; in Chinese under build/screenshots/zh_CN/.
screenshots: $(STAMP) qm
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots build/screenshots --appearance light
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots build/screenshots/dark --appearance dark
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots build/screenshots/zh_CN --appearance light --language zh_CN
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots build/screenshots/zh_CN/dark --appearance dark --language zh_CN

test: deps $(STAMP) qm
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

# Translations: resources/translations/*.ts are the sources, kept in git and edited with Qt
# Linguist (`$(BIN)/pyside6-linguist`); `make translations` refreshes them from the code (run it
# after changing a shown text) and `qm` compiles them into ui/i18n/ (git-ignored), which the app
# loads. recdesk_en.ts holds only English plural forms ("%n file(s)" → "1 file", "2 files").
TS_DIR := resources/translations
UI_SOURCES = $(shell find ui -name '*.py' | LC_ALL=C sort)
QM := ui/i18n/recdesk_zh_CN.qm ui/i18n/recdesk_en.qm

translations: $(STAMP)
	@$(BIN)/pyside6-lupdate -silent -locations relative -no-obsolete -target-language zh_CN $(UI_SOURCES) -ts $(TS_DIR)/recdesk_zh_CN.ts
	@$(BIN)/pyside6-lupdate -silent -locations none -no-obsolete -pluralonly -target-language en $(UI_SOURCES) -ts $(TS_DIR)/recdesk_en.ts

qm: $(QM)

ui/i18n/recdesk_%.qm: $(TS_DIR)/recdesk_%.ts | $(DESKTOP_STAMP)
	@mkdir -p ui/i18n
	$(BIN)/pyside6-lrelease -silent $< -qm $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(DESKTOP_STAMP)

$(DESKTOP_STAMP): pyproject.toml
	@if [ $(STAMP) -nt pyproject.toml ]; then touch $@; exit 0; fi; \
	set -e; test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	$(BIN)/python -m pip install --quiet --upgrade pip; \
	$(BIN)/python -m pip install --quiet -e '.[desktop]'; \
	touch $@

# The standalone app (PyInstaller onedir, packaging/recdesk.spec) in dist/RecDesk/, and on Linux
# dist/recdesk_VERSION_ARCH.deb. Built in a venv of its own holding only the desktop extra and
# PyInstaller, so no test or dev tool ends up inside. packaging/README.md has the details.
bundle: bundle-deps $(BUNDLE_STAMP) qm
	rm -rf dist/RecDesk
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/recdesk.spec
	$(BUNDLE_VENV)/bin/python packaging/deb.py
	@du -sh dist/RecDesk dist/recdesk_*.deb

# Start the built bundle offscreen, record 3 s of a demo room with it and check the file.
bundle-smoke: $(DESKTOP_STAMP)
	$(BIN)/python packaging/smoke.py dist/RecDesk/recdesk

$(BUNDLE_STAMP): pyproject.toml
	test -x $(BUNDLE_VENV)/bin/python || $(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUNDLE_VENV)/bin/python -m pip install --quiet -e '.[bundle]'
	touch $@

# PyInstaller reads binaries' dependencies with objdump (binutils); dpkg-deb builds the .deb.
bundle-deps:
	@missing=""; \
	command -v objdump >/dev/null || missing="$$missing binutils"; \
	command -v dpkg-deb >/dev/null || missing="$$missing dpkg"; \
	$(APT_INSTALL)

# System packages for tests and benchmarks: nginx with the RTMP module, Xvfb, ffmpeg, Chromium
# (it renders the API documentation pages in tests/app/service/test_docs.py), curl and openssl (the
# README's request-signing recipe is run in tests/app/service/test_auth_bound.py), Janus with
# iproute2 and nftables (the Janus tests run it in a network namespace and drop RTP on its way),
# janus-tools (janus-pp-rec: the benchmark post-processes Janus's own recording to compare).
# PulseAudio (with pactl), PipeWire with pipewire-pulse, WirePlumber and dbus: the sound tests run
# a private server of each kind; libpulse0 is what soundcard loads; libasound2-plugins is on every
# desktop, and the ALSA tests must pass with it installed. desktop-file-utils: the .desktop entry
# is validated in tests/packaging/test_identity.py. fontconfig and fonts-noto-cjk: the desktop
# tests run in Chinese, and the start-up check's font test finds the installed CJK font. zsh and
# fish: `recdesk-ctl completion`'s scripts are loaded and tried in each shell (bash is always there).
# The libraries Qt's X11 platform loads (ui/doctor.py's list; `make run` checks them with
# `ui.doctor`): the tests also run the app on Xvfb's X11 (xcb), not only offscreen.
# postgresql: the store's tests and a restarted service run on a private server of their own
# (tests/helpers/postgres.py; its programs are in /usr/lib/postgresql/VERSION/bin, not on PATH).
deps:
	@missing=""; \
	for package in $$($(PYTHON) -c 'from ui.doctor import QT_LIBRARY_PACKAGES as p; print(*sorted(set(p.values())))'); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
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
	command -v desktop-file-validate >/dev/null || missing="$$missing desktop-file-utils"; \
	command -v fc-list >/dev/null || missing="$$missing fontconfig"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v zsh >/dev/null || missing="$$missing zsh"; \
	command -v fish >/dev/null || missing="$$missing fish"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	$(APT_INSTALL)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache dist build/bundle-venv build/pyinstaller build/deb
