// How many threads the pipeline's stages may use.
#pragma once

namespace stave::pipeline {

// STAVE_THREADS when set (1 does all on the calling thread, for profiles
// and comparisons), else the cores, at most four. Reading, parsing, sema
// and lowering each decide how many of them their input is worth.
unsigned Threads();

}  // namespace stave::pipeline
