# Every source file compiles without a warning (-Wall -Wextra -Werror,
# C11, -O2 and the hardening flags of Debian's package build) with each C compiler on this
# machine: gcc (cc) and clang, whatever their versions. Warnings that only
# appear with optimisation (GCC's -Wstringop-overflow) or only with one
# compiler (clang's -Wmissing-field-initializers) are caught here on each
# release the suite runs on.
. "$SRCDIR/tests/lib.sh"

FLAGS="-std=c11 -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wformat -Werror=format-security -Wall -Wextra -Werror"
INC="-I$BUILDDIR -I$SRCDIR/src -I$SRCDIR/tests/unit -I$SRCDIR/tests/tools -I$SRCDIR/tests/fuzz $(pkg-config --cflags libcrypto libssl libcdb)"
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    INC="$INC $(pkg-config --cflags libsystemd)"
fi
files=$(cd "$SRCDIR" && find src tests/unit tests/fuzz bench -name '*.c' | sort)
for compiler in cc clang; do
    if ! command -v "$compiler" >/dev/null 2>&1; then
        skip "$compiler" "not installed"
        continue
    fi
    version=$("$compiler" --version | head -1)
    out=$T/$compiler
    mkdir -p "$out"
    : >"$out/log"
    bad=
    for f in $files; do
        # shellcheck disable=SC2086
        "$compiler" $FLAGS $INC -c "$SRCDIR/$f" -o "$out/$(echo "$f" | tr / _).o" >>"$out/log" 2>&1 || bad="$bad $f"
    done
    if [ -z "$bad" ]; then
        ok "$version: $(echo "$files" | wc -w) files, no warning"
    else
        fail "$version: warnings or errors in$bad" "$(grep -m 10 -e 'error' -e 'warning' "$out/log")"
    fi
done
