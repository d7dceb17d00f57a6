# tapedeck — plain GNU make.  `make run` and `make check` are the two commands
# a new user needs; both first run `make deps`, which installs missing Debian
# packages.  V=1 shows the full compiler lines.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
DATADIR   ?= $(PREFIX)/share/tapedeck
DESTDIR   ?=

CC        ?= cc
PKGS      := ncursesw inih zlib libcjson libcurl libnotify
TEST_PKGS := cmocka

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wwrite-strings -Wpointer-arith -Wundef -Wvla
CPPFLAGS += -D_GNU_SOURCE -DTD_VERSION='"$(VERSION)"' -DTD_DATADIR='"$(DATADIR)"' -Isrc -Iui
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 $(WARN) -MMD -MP $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

# The sanitizer builds keep only the baseline code of the option models'
# CPU clones (src/options/black.h), so the tests run both; ThreadSanitizer
# also cannot run the clones' resolvers, which the loader calls before it starts.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DTD_NO_CLONES
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer -DTD_NO_CLONES
# unit tests with threads, run again under ThreadSanitizer
TSAN_UNITS := test_ring test_feed test_engine test_alert_sink_http

LIB_SRC   := $(sort $(wildcard src/*/*.c) $(wildcard ui/*.c))
MAIN_SRC  := src/tapedeck.c
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))

B := build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
OBJ      := $(LIB_SRC:%.c=$(B)/obj/%.o)
SAN_OBJ  := $(LIB_SRC:%.c=$(B)/san/%.o)
TSAN_OBJ := $(LIB_SRC:%.c=$(B)/tsan/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests-san/%)
TSAN_BIN := $(TSAN_UNITS:%=$(B)/tests-tsan/%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps run check bench fuzz man install uninstall clean test-bins
all: $(B)/tapedeck

deps:
	@sh tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./$(B)/tapedeck

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all test-bins
	@sh tests/run.sh

test-bins: $(UNIT_BIN) $(SAN_BIN) $(TSAN_BIN)

bench: deps
	@$(MAKE) --no-print-directory $(B)/bench $(B)/tapedeck
	./$(B)/bench

# The option models' hot files fuse a*b + c into one instruction where the CPU
# has FMA (src/options/black.h says which products must stay rounded).
FMA_SRC := src/options/black.c src/options/bsm.c src/options/iv.c
$(foreach d,obj san tsan,$(FMA_SRC:%.c=$(B)/$(d)/%.o)): CFLAGS += -ffp-contract=fast

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libtapedeck.a: $(OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/libtapedeck-san.a: $(SAN_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/tapedeck: $(B)/obj/$(MAIN_SRC:.c=.o) $(B)/libtapedeck.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libtapedeck.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -o $@ $< $(B)/libtapedeck.a $(LDFLAGS) $(TEST_LIBS) $(LDLIBS)

$(B)/tests-san/%: tests/unit/%.c $(B)/libtapedeck-san.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST-SAN $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $(TEST_CFLAGS) -o $@ $< $(B)/libtapedeck-san.a $(LDFLAGS) $(TEST_LIBS) $(LDLIBS)

$(B)/tsan/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC-TSAN $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

$(B)/libtapedeck-tsan.a: $(TSAN_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/tests-tsan/%: tests/unit/%.c $(B)/libtapedeck-tsan.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST-TSAN $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(TSAN_FLAGS) $(TEST_CFLAGS) -o $@ $< $(B)/libtapedeck-tsan.a $(LDFLAGS) $(TEST_LIBS) $(LDLIBS)

$(B)/bench: $(BENCH_SRC) $(B)/libtapedeck.a tests/bench/bench.h tests/unit/harness.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/bench -Itests/unit -o $@ $(BENCH_SRC) $(B)/libtapedeck.a $(LDFLAGS) $(LDLIBS)

# Fuzzers (clang + libFuzzer); not part of check.  See tests/fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_CC := clang -std=c17 -D_GNU_SOURCE -DTD_DATADIR='"$(DATADIR)"' -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -Iui
fuzz:
	@mkdir -p $(B)/fuzz/corpus_replay $(B)/fuzz/corpus_config
	$(FUZZ_CC) tests/fuzz/fuzz_replay.c src/feed/replay.c src/core/price.c src/core/time.c \
		src/core/instrument.c src/core/event.c src/core/text.c -lz -lm -o $(B)/fuzz/fuzz_replay
	$(FUZZ_CC) tests/fuzz/fuzz_config.c src/core/config.c src/core/time.c src/core/log.c src/core/text.c \
		ui/theme.c $(shell pkg-config --cflags --libs inih) -lm -o $(B)/fuzz/fuzz_config
	cp config/tapedeck.conf themes/*.theme $(B)/fuzz/corpus_config/
	$(B)/fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(B)/fuzz/corpus_config
	$(B)/fuzz/fuzz_replay -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(B)/fuzz/corpus_replay

# Regenerate the KEYS section of the man page from the key table.
man: $(B)/tapedeck
	sh tools/update-man.sh $(B)/tapedeck doc/tapedeck.1

install: $(B)/tapedeck
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/config
	install -m 0755 $(B)/tapedeck $(DESTDIR)$(BINDIR)/tapedeck
	install -m 0644 doc/tapedeck.1 $(DESTDIR)$(MANDIR)/tapedeck.1
	install -m 0644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	install -m 0644 config/tapedeck.conf $(DESTDIR)$(DATADIR)/config/tapedeck.conf
	install -m 0644 config/holidays.conf $(DESTDIR)$(DATADIR)/config/holidays.conf
	install -m 0644 config/alerts.conf $(DESTDIR)$(DATADIR)/config/alerts.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tapedeck $(DESTDIR)$(MANDIR)/tapedeck.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(TSAN_OBJ:.o=.d) $(B)/obj/$(MAIN_SRC:.c=.d) $(UNIT_BIN:=.d) $(SAN_BIN:=.d) $(TSAN_BIN:=.d)
