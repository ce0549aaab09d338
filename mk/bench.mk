# make bench - DESIGN §8 / issue 9: gridalertd against the reference
# receiver in one run, plus the limits the numbers are judged against.
BENCH_O := build/bench

.PHONY: bench
bench:
	$(Q)scripts/deps.sh build test bench
	$(Q)$(MAKE) --no-print-directory all $(O)/gridalertd-alloc
	$(Q)mkdir -p $(BENCH_O)
	$(Q)$(CC) -O2 -o $(BENCH_O)/bench_handshake bench/bench_handshake.c $(MBEDTLS_LIBS)
	$(Q)$(CC) $(GA_CFLAGS) -O2 -o $(BENCH_O)/bench_core bench/bench_core.c $(LIB) $(LIBS)
	$(Q)$(CC) $(GA_CFLAGS) -O2 -o $(BENCH_O)/rss_floor bench/rss_floor.c $(LIBS)
	$(Q)$(if $(BENCH_MUSL),$(MAKE) --no-print-directory LIBC=musl STATIC=1 O=$(BENCH_MUSL) all)
	$(Q)python3 bench/run.py --build $(O) --out $(BENCH_O) \
		$(if $(BENCH_MUSL),--musl $(BENCH_MUSL)) $(BENCH_ARGS)
