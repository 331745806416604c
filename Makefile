# lmi — labour-market information toolkit.  `make`, `make check`, `make asan`,
# `make bench`, `make demo`, `make install PREFIX=...`.  A new tool is one file,
# cmd/lmi-X.c; a new library module is lib/X.c + lib/X.h; nothing here changes.

all::

PREFIX ?= /usr/local
B ?= build
BIN ?= bin
CC ?= cc
WERROR ?= -Werror
CFLAGS ?= -O2 -g
LMI_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wformat=2 $(WERROR) \
	-Ilib $(shell pkg-config --cflags libsodium libpcre2-8 sqlite3 gsl 2>/dev/null)
LIBS = -lcsv $(shell pkg-config --libs sqlite3 gsl libsodium libpcre2-8 2>/dev/null || \
	echo -lsqlite3 -lgsl -lgslcblas -lsodium -lpcre2-8) -lxlsxwriter -lm -pthread
VERSION = $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

ifeq ($(V),1)
Q =
QCC =
else
Q = @
QCC = @echo '   CC $@';
endif

LIB_SRCS = $(sort $(wildcard lib/*.c))
LIB_OBJS = $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
TOOL_SRCS = $(sort $(wildcard cmd/lmi-*.c))
TOOLS = $(BIN)/lmi $(TOOL_SRCS:cmd/%.c=$(BIN)/%)
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNITS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
BENCH_SRCS = $(sort $(wildcard tests/bench/*.c))
BENCHES = $(BENCH_SRCS:tests/bench/%.c=$(B)/bench/%)
HDRS = $(wildcard lib/*.h)

all:: $(TOOLS) $(UNITS) $(BENCHES)

$(B)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) -DLMI_VERSION='"$(VERSION)"' -c -o $@ $<

$(B)/liblmi.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/%: cmd/%.c $(B)/liblmi.a $(HDRS)
	@mkdir -p $(BIN)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/liblmi.a $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(B)/liblmi.a $(HDRS)
	@mkdir -p $(dir $@)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(B)/liblmi.a $(LIBS)

$(B)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(QCC)$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $< -lcsv

# The reader's portable path: its tests again, built as if the CPU had no SSE2.
NOSSE = $(B)/nosse/test_csvio $(B)/nosse/test_csvio_random $(B)/nosse/test_csvio_utf8

$(B)/nosse/csvio.o: lib/csvio.c $(HDRS)
	@mkdir -p $(dir $@)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) -U__SSE2__ -c -o $@ $<

$(B)/nosse/test_csvio_utf8: tests/unit/test_csvio_utf8.c tests/unit/unit.h $(B)/liblmi.a $(HDRS)
	@mkdir -p $(dir $@)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) -U__SSE2__ -Itests/unit -o $@ $< $(B)/liblmi.a $(LIBS)

$(B)/nosse/test_%: tests/unit/test_%.c tests/unit/unit.h $(B)/nosse/csvio.o $(B)/liblmi.a $(HDRS)
	@mkdir -p $(dir $@)
	$(QCC)$(CC) $(LMI_CFLAGS) $(CFLAGS) -U__SSE2__ -Itests/unit -o $@ $< $(B)/nosse/csvio.o \
		$(B)/liblmi.a $(LIBS)

check: all $(NOSSE)
	@LMI_BUILD=$(B) LMI_BIN=$(BIN) sh tests/run.sh

check-tools:
	@sh scripts/check-tools.sh

check-style:
	@sh scripts/check-style.sh

# AddressSanitizer + UBSan: a separate build tree so the normal one is untouched.
asan:
	$(MAKE) B=build-asan BIN=build-asan/bin CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS=-fsanitize=address,undefined all
	@ASAN_OPTIONS=detect_leaks=1 LMI_BUILD=build-asan LMI_BIN=build-asan/bin sh tests/run.sh

bench: all
	@sh scripts/bench.sh

demo: all
	@sh scripts/demo.sh

lint-man:
	@mandoc -Tlint -Wwarning man/man1/*.1 man/man5/*.5

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5
	install -d $(DESTDIR)$(PREFIX)/share/lmi/profiles $(DESTDIR)$(PREFIX)/share/lmi/rules
	install -m 644 data-samples/profiles/* $(DESTDIR)$(PREFIX)/share/lmi/profiles
	install -m 644 data-samples/rules/*.csv $(DESTDIR)$(PREFIX)/share/lmi/rules

clean:
	rm -rf bin build build-asan

.PHONY: all check check-tools check-style asan bench demo lint-man install clean
.SECONDARY:
