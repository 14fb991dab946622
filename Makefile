# Thin driver around CMake. The two commands of the README:
#   make run     boot the default guest
#   make check   build and run the whole test suite
# Both install missing Debian packages first (cmake/setup-deps.sh).
#
#   make check CC=clang              build with clang (in build-clang/)
#   make check SANITIZE=address,undefined   ASan/UBSan build (in build-san/)
#   make check-aarch64               cross build, host-neutral tests under qemu-aarch64-static
#   make check-linux-aarch64         -icount Linux boot: AArch64 (qemu-aarch64-static) = x86-64
#   make format                      clang-format every C file
#
# In CI (CI=true in the environment) or with VARIANTS=1, `make check` also runs
# the clang, sanitizer and AArch64 variants, so none of them can rot unseen.

CC ?= cc
SANITIZE ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ifneq ($(SANITIZE),)
BUILD ?= build-san$(if $(filter-out cc,$(CC)),-$(notdir $(CC)))
else ifneq ($(filter-out cc,$(CC)),)
BUILD ?= build-$(notdir $(CC))
else
BUILD ?= build
endif
CROSS_BUILD ?= build-aarch64
VARIANTS ?= $(if $(filter true,$(CI)),1,0)

.PHONY: all deps build run check check-aarch64 check-linux-aarch64 format clean

all: build

deps:
	@cmake/setup-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(CC) -DJIT86_SANITIZE=$(SANITIZE) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The default guest: Debian's i386 installer kernel with a busybox shell on the
# serial console, in this terminal (tests/linux/run-shell.sh builds its
# initramfs). Ctrl-A x quits; `exit` in the shell reboots, which ends the run.
# RUN_ARGS adds jit86 options (e.g. RUN_ARGS="-icount 0").
RUN_ARGS ?=
run: build
	@sh tests/linux/run-shell.sh $(BUILD)/jit86 $(RUN_ARGS)

# Long suites (labels below: the Linux guest on the interpreter backend and
# -icount across backends, the Debian installer's prompt, live migration) run
# with `make check SLOW=1`, and in CI (about 3 more minutes); the variants skip
# every Linux and media boot (their gcc run covers the guest side).
SLOW ?= $(if $(filter true,$(CI)),1,0)
SLOW_LABELS := linux-interp|linux-installer|linux-live
VARIANT_SKIP := linux|boot
CTEST_ARGS ?= $(if $(filter 1,$(SLOW)),,-LE "$(SLOW_LABELS)")

check: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS); rc=$$?; \
	  echo "Check summaries:"; \
	  grep -h '^[0-9]*%: Checks:' Testing/Temporary/LastTest.log | sed 's/^/  /'; \
	  exit $$rc
ifeq ($(VARIANTS),1)
	$(MAKE) check VARIANTS=0 CC=clang CTEST_ARGS='-LE "$(VARIANT_SKIP)"'
	$(MAKE) check VARIANTS=0 SANITIZE=address,undefined CTEST_ARGS='-LE "$(VARIANT_SKIP)"'
	$(MAKE) check-aarch64 VARIANTS=0
endif

check-aarch64: deps
	@cmake/setup-deps.sh --cross
	@# the guest tests run the native build's x86 guest images on the AArch64 jit86
	cmake -S . -B build >/dev/null && cmake --build build --target guest_tests -j $(JOBS)
	cmake -S . -B $(CROSS_BUILD) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake >/dev/null
	cmake --build $(CROSS_BUILD) -j $(JOBS)
	@cd $(CROSS_BUILD) && ctest --output-on-failure -j $(JOBS) -L host-neutral; rc=$$?; \
	  echo "Check summaries (aarch64):"; \
	  grep -h '^[0-9]*%: Checks:' Testing/Temporary/LastTest.log | sed 's/^/  /'; \
	  exit $$rc

# Slow (3 min on a loaded 2-CPU host): the -icount Linux boot on the AArch64 backend under
# qemu-aarch64-static prints what the native x86-64 build prints.
check-linux-aarch64: build
	@cmake/setup-deps.sh --cross
	cmake -S . -B $(CROSS_BUILD) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
	  -DJIT86_NATIVE_JIT86=$(abspath $(BUILD))/jit86 >/dev/null
	cmake --build $(CROSS_BUILD) -j $(JOBS) --target jit86
	cd $(CROSS_BUILD) && ctest --output-on-failure -L linux-aarch64

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-*
