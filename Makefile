# mamori: make run | make test | make bench | make fuzz | make deps
# Every target installs what is missing first (Debian 12, apt-get; npm ci for validators).

BUILD      ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 120
TEST_FUZZ_SECONDS ?= 15
EXAMPLE    ?= examples/hokuto/assessment-r3.json

.PHONY: all deps bench-deps build run test unit format-check fuzz fuzz-smoke bench clean

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

# The main job on the embedded defaults: the example organization's Rev 3 assessment
# checked against the embedded DoD ODP profile, with every report written to out/.
run: build
	@mkdir -p out
	@echo "== mamori scan of this machine (read-only) =="
	./$(BUILD)/mamori scan --format json -o out/scan.json
	./$(BUILD)/mamori scan --format html -o out/scan.html
	./$(BUILD)/mamori scan
	@echo "== the example organization's assessment, with this machine's scan merged in =="
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format json       -o out/result.json
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format html       -o out/report.html
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format oscal-ssp  -o out/ssp.json
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format oscal-poam -o out/poam.json
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format oscal-ar   -o out/assessment-results.json
	./$(BUILD)/mamori assess $(EXAMPLE) --scan out/scan.json --format csv-poam   -o out/poam.csv
	./$(BUILD)/mamori assess examples/hokuto/assessment-r2.json --scan out/scan.json
	@echo "reports written to out/: $$(ls out | tr '\n' ' ')"

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

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD) out
