# gridalertd-alloc: the daemon with our heap calls counted (tests/alloc).
GA_ALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

$(O)/gridalertd-alloc: $(O)/obj/src/gridalertd.o $(O)/obj/tests/alloc/alloccount.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(LINK) $(GA_ALLOC_WRAP) -o $@ $^ $(LIBS)

TEST_EXTRA_TARGETS += $(O)/gridalertd-alloc
