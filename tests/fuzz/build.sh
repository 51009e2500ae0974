#!/bin/sh
# Build a libFuzzer target with clang, ASan and UBSan against the library
# sources: tests/fuzz/build.sh sql|csv|parquet|json|delta|checkpoint  ->  /tmp/wb-fuzz/fuzz_<name>
set -eu
name=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
out=/tmp/wb-fuzz
mkdir -p "$out"
srcs=$(find "$top"/src "$top"/ui -name module.am -exec grep -ho 'src/[a-z/]*[a-z_0-9]*\.c\|ui/[a-z_0-9]*\.c' {} + | grep -v 'src/cli/main.c' | sort -u)
cd "$top"
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -DWB_SRCDIR='"."' -I. -Isrc \
	$(pkg-config --cflags gsl libpcre2-8 zlib libzstd liblz4) \
	-o "$out/fuzz_$name" "tests/fuzz/fuzz_$name.c" $srcs \
	$(pkg-config --libs ncursesw readline gsl libpcre2-8 zlib libzstd liblz4) -lsnappy -lm -lpthread
echo "$out/fuzz_$name"
