// Catch2's main, built once and linked into the unit test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
