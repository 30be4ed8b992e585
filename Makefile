# mamori: make run | make test | make bench | make fuzz | make deps
# Every target installs what is missing first (Debian 12, apt-get; npm ci for validators).

BUILD      ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 120
TEST_FUZZ_SECONDS ?= 15
EXAMPLE    ?= examples/hokuto/assessment-r3.json

.PHONY: all deps bench-deps build run test unit format-check fuzz fuzz-smoke bench clean install

all: build

deps: node_modules/.package-lock.json
	@./scripts/deps.sh

node_modules/.package-lock.json: package.json package-lock.json
	@./scripts/deps.sh
	npm ci --no-audit --no-fund --loglevel=error

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMM_TESTS=OFF

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the embedded defaults: this machine's scan, and the example organization's
# Rev 3 assessment (against the embedded DoD ODP profile) and Rev 2 assessment with that scan
# merged in. Every report goes to out/; the terminal gets a summary of at most 40 lines
# (scripts/run-summary.sh, which tests/docs/test_run_summary.py runs too).
run: build
	@./scripts/run-summary.sh ./$(BUILD)/mamori out $(EXAMPLE) examples/hokuto/assessment-r2.json

$(TEST_BUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMM_SANITIZE=ON -DMM_TESTS=ON

unit: deps $(TEST_BUILD)/CMakeCache.txt
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

format-check:
	@./scripts/check-format.sh

$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMM_FUZZ=ON -DMM_TESTS=OFF

fuzz-smoke: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./scripts/fuzz.sh $(FUZZ_BUILD) $(TEST_FUZZ_SECONDS)

test: deps build format-check unit fuzz-smoke
	@echo "make test: all passed"

fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# wrk and nginx for bench/server/run.sh only (make test does not need them)
bench-deps:
	@./scripts/deps.sh bench

bench: build bench-deps
	cmake -S . -B $(BUILD) -DMM_BENCH=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	./bench/run.sh $(BUILD)
	./bench/scan-vs-oscap ./$(BUILD)/mamori
	BUILD=$(BUILD) BENCH_NO_BUILD=1 ./bench/server/run.sh
	BUILD=$(BUILD) BENCH_NO_BUILD=1 ./bench/server/run-pg.sh

# make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]: the binary, man pages, completions,
# the systemd unit, the example configuration and the docs (docs/operations.md).
PREFIX ?= /usr/local
install: deps $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD) out
