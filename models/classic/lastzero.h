// lastzero (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic Partial Order Reduction",
// POPL 2014, the source-DPOR benchmark): array[0..n] starts zero; T0 scans
// `for (i = n; array[i] != 0; i--);` while T1..Tn each do `array[j] = array[j-1] + 1`.
// No bug: it measures how many executions a reduction needs. Points: every read and write of array.
#pragma once

#include <memory>
#include <vector>

#include "sim/world.h"

namespace daxsim::models::classic {

struct LastzeroWorld : sim::World {
  std::vector<int> array;     // array[0..n]
  sim::ObjectId array_obj{};  // array[i] is object array_obj + i
  int found = -1;             // T0's result: the index of the last zero it saw
};

// REQUIRES: n >= 1.
std::unique_ptr<LastzeroWorld> BuildLastzero(sim::Sim& sim, int n);

}  // namespace daxsim::models::classic
