# embed_templates.cmake - turn the example projects under templates/ into
# one C table for `init --template`:
#   cmake -DSOURCE_DIR=templates -DOUTPUT=header.h -P embed_templates.cmake
# Every file templates/<name>/<path> becomes a row
#   { "<name>", "<description>", "<path>", <executable>, bytes, length }
# in path order. The description is the "description" of
# templates/<name>/pipeline.json; a file is executable when it starts with
# "#!". Hidden files and folders (but for a template's .gitignore files),
# __pycache__ and files directly under templates/ are left out. Pure CMake,
# since xxd is not part of a minimal Debian.
file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
list(SORT files)

set(arrays "")
set(rows "")
set(count 0)
foreach(rel ${files})
  if((rel MATCHES "(^|/)(\\.|__pycache__/)" AND NOT rel MATCHES "^[^./][^/]*/([^./][^/]*/)*\\.gitignore$")
     OR NOT rel MATCHES "/")
    continue()
  endif()
  if(NOT rel MATCHES "^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+$")
    message(FATAL_ERROR "templates/${rel}: use only letters, digits, '_', '.', '-' and '/' in names")
  endif()
  string(FIND "${rel}" "/" slash)
  string(SUBSTRING "${rel}" 0 ${slash} name)
  math(EXPR after "${slash} + 1")
  string(SUBSTRING "${rel}" ${after} -1 path)

  if(NOT DEFINED description_${name})
    file(READ "${SOURCE_DIR}/${name}/pipeline.json" pipeline)
    if(NOT pipeline MATCHES "\"description\": *\"([^\"\\\\]*)\"")
      message(FATAL_ERROR "templates/${name}/pipeline.json needs a \"description\"")
    endif()
    set(description_${name} "${CMAKE_MATCH_1}")
  endif()

  file(READ "${SOURCE_DIR}/${rel}" head LIMIT 2 HEX)
  if(head STREQUAL "2321")
    set(executable 1)
  else()
    set(executable 0)
  endif()

  file(READ "${SOURCE_DIR}/${rel}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR len "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])"
         "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "/* ${rel} */\nstatic const char dfc_template_${count}[] = {\n${bytes}0x00\n};\n")
  string(APPEND rows "\t{ \"${name}\", \"${description_${name}}\", \"${path}\", ${executable}, dfc_template_${count}, ${len}UL },\n")
  math(EXPR count "${count} + 1")
endforeach()

if(count EQUAL 0)
  message(FATAL_ERROR "no templates under ${SOURCE_DIR}")
endif()

file(WRITE "${OUTPUT}.tmp"
"/* Generated from templates/ by cmake/embed_templates.cmake: do not edit. */
${arrays}
static const struct init_template_file init_template_files[] = {
${rows}};
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
