// What the storm programs' command lines share (storm.cpp, budget.cpp).
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace storm {

// A comma-separated list of whole numbers, each in [lo, hi]; `bad` (which does not return) on one outside.
template <class Bad>
std::vector<int> int_list(const std::string& text, int lo, int hi, Bad bad) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const int v = std::atoi(item.c_str());
    if (v < lo || v > hi) bad();
    out.push_back(v);
  }
  return out;
}

}  // namespace storm
