# make bench - docs/architecture.md / issue 9: gridalertd against the reference
# receiver in one run, plus the limits the numbers are judged against.
BENCH_O := build/bench
CALLGRIND_O := build/callgrind

.PHONY: bench
bench:
	$(Q)scripts/deps.sh build test bench
	$(Q)$(MAKE) --no-print-directory all $(O)/gridalertd-alloc
	$(Q)mkdir -p $(BENCH_O)
	$(Q)$(CC) -O2 -o $(BENCH_O)/bench_handshake bench/bench_handshake.c $(MBEDTLS_LIBS)
	$(Q)$(CC) $(GA_CFLAGS) -O2 -o $(BENCH_O)/bench_core bench/bench_core.c $(LIB) $(LIBS)
	$(Q)$(CC) $(GA_CFLAGS) -O2 -o $(BENCH_O)/rss_floor bench/rss_floor.c $(LIBS)
	$(Q)$(MAKE) --no-print-directory O=$(CALLGRIND_O) LTO=0 SAN= $(CALLGRIND_O)/gridalertd
	$(Q)$(if $(BENCH_MUSL),$(MAKE) --no-print-directory LIBC=musl STATIC=1 O=$(BENCH_MUSL) all)
	$(Q)python3 bench/run.py --build $(O) --out $(BENCH_O) \
		--callgrind-build $(CALLGRIND_O) $(if $(BENCH_MUSL),--musl $(BENCH_MUSL)) $(BENCH_ARGS)

# make bench-check - issue 21: instructions per event per phase under
# callgrind (bench/callgrind.py), failing when a phase grows more than 10 %
# over bench/callgrind-baseline.json. A build of its own without LTO, so
# the phase entry points stay functions callgrind can name. ~40 s.
# make bench-baseline rewrites the baseline (commit it with the change
# that moved the numbers, and say why).
CALLGRIND_O := build/callgrind

.PHONY: bench-check bench-baseline
bench-check bench-baseline:
	$(Q)$(MAKE) --no-print-directory O=$(CALLGRIND_O) LTO=0 SAN= $(CALLGRIND_O)/gridalertd
	$(Q)python3 bench/callgrind.py --build $(CALLGRIND_O) --out $(CALLGRIND_O) \
		$(if $(filter bench-check,$@),--check bench/callgrind-baseline.json,--json bench/callgrind-baseline.json)
