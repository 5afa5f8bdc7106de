# hwnas - build, test, run.  `make help` lists the targets.
# Every .c under src/ (except src/main.c) goes into build/libhwnas.a; bin/hwnas,
# the unit tests (tests/unit/test_*.c, one binary each) and the fuzzers link it.

CC       := mpicc
BLAS_INC := $(shell pkg-config --cflags openblas 2>/dev/null || echo -I/usr/include/x86_64-linux-gnu/openblas-pthread)
CPPFLAGS := -Iinclude $(BLAS_INC) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
CFLAGS   ?= -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
LDLIBS   := -lconfig -llapacke -lopenblas -lm
BUILD    ?= build
BIN      ?= bin

LIB_SRC  := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libhwnas.a
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CONFIG   ?= configs/default.cfg
NP       ?= 2

.PHONY: all deps run check check-slurm check-unit check-mpi check-cli asan bench clean help

all: $(BIN)/hwnas

help:
	@echo "make            build bin/hwnas"
	@echo "make run        install missing Debian packages, build, run $(CONFIG) on NP=$(NP) ranks"
	@echo "make check      install missing packages, build, run every test (unit, CLI, MPI)"
	@echo "make check-slurm  (root) run jobs/*.sbatch for real on a throw-away local Slurm cluster"
	@echo "make asan       the unit and CLI tests under AddressSanitizer + UBSan"
	@echo "make fuzz       libFuzzer on the config, CSV, arch-string and journal readers (FUZZ_SECONDS=$(FUZZ_SECONDS) each)"
	@echo "make valgrind   the unit tests under valgrind (memory errors, definite leaks)"
	@echo "make bench      timed full campaign (15,625 archs x every nb201.csv device)"
	@echo "make bench-fewshot  few-shot latency benchmark (HELP protocol, leave-one-device-out), Markdown"
	@echo "make clean      remove build/ and bin/"

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c $(wildcard include/hwnas/*.h) $(shell find src -name '*.h')
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/hwnas: $(BUILD)/src/main.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/testutil.h $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $< $(LIB) -o $@ $(LDLIBS) -lcmocka

run: deps all
	scripts/mpirun.sh $(NP) $(BIN)/hwnas run $(CONFIG)

check: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	@BUILD=$(BUILD) BIN=$(BIN) tests/run-all.sh

check-slurm: deps
	@$(MAKE) --no-print-directory all
	@scripts/check-slurm.sh

check-unit: all $(TEST_BIN)
	@BUILD=$(BUILD) BIN=$(BIN) tests/run-all.sh unit

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin \
	  CFLAGS="-std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror" \
	  build-asan/bin/hwnas $(TEST_SRC:tests/unit/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  BUILD=build-asan BIN=build-asan/bin tests/run-all.sh unit cli

FUZZ_SECONDS ?= 60
# test_golden runs 6 full-size networks: over 30 minutes under valgrind; its code paths are the other tests'
VALGRIND_SKIP ?= test_golden
.PHONY: fuzz valgrind

fuzz:
	@scripts/install-deps.sh fuzz
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

valgrind:
	@scripts/install-deps.sh valgrind
	@$(MAKE) --no-print-directory $(TEST_BIN)
	@BUILD=$(BUILD) VALGRIND_SKIP="$(VALGRIND_SKIP)" tests/valgrind.sh

bench: deps all
	@scripts/bench.sh

# Few-shot latency benchmark (README "Few-shot latency prediction"): HELP protocol + leave-one-device-out.
.PHONY: bench-fewshot
bench-fewshot: deps all
	OPENBLAS_NUM_THREADS=1 $(BIN)/hwnas bench-fewshot --seeds 20

clean:
	rm -rf build build-asan build-fuzz bin
