# embed_file.cmake - turn a file into a C header holding its bytes:
#   cmake -DINPUT=file -DOUTPUT=header.h -DNAME=symbol -P embed_file.cmake
# gives `static const char symbol[]` (NUL-terminated) and `symbol_len`.
# Pure CMake, since xxd is not part of a minimal Debian.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])"
       "\\1\n" hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
get_filename_component(source "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
"/* Generated from ${source} by cmake/embed_file.cmake: do not edit. */
static const char ${NAME}[] = {
${bytes}0x00
};
static const unsigned long ${NAME}_len = ${len}UL;
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
