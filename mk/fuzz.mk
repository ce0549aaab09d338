# make fuzz        - every tests/fuzz/fuzz_<target>.c with clang's libFuzzer,
#                    FUZZ_SECONDS (default 60) each, seeds from
#                    tests/corpus/<target>/ (copied: the committed corpus only
#                    grows by crash cases added on purpose)
# make fuzz-smoke  - the same, FUZZ_SMOKE_SECONDS (default 5) each; run by
#                    make test through tests/integration/test_fuzz_smoke.sh
FUZZ_O := build/fuzz
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -Idrivers \
	-Idrivers/lcd -Idrivers/gpio \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRCS := $(LIB_SRCS)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz_%)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_SRCS) $(wildcard src/*.h drivers/*/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ-LD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB_SRCS) $(LIBS)

.PHONY: fuzz-build fuzz fuzz-smoke
fuzz-build:
	$(Q)scripts/deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)
