// A reference-counted box: what std::shared_ptr does for grit's two shared objects (the list of retry hooks and a
// virtual clock's time line), without <memory>. Measured (docs/performance.md §4): <memory> and <functional> were
// a third of what grit's headers cost to compile on top of the standard headers a hand-written loop includes.
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace grit::detail {

template <class T>
class Shared {
  struct Node {
    template <class... A>
    explicit Node(A&&... a) : value(static_cast<A&&>(a)...) {}
    std::atomic<std::size_t> refs{1};
    T value;
  };

 public:
  Shared() noexcept = default;
  template <class... A>
  static Shared make(A&&... a) {
    return Shared(new Node(static_cast<A&&>(a)...));
  }

  Shared(const Shared& other) noexcept : node_(other.node_) {
    if (node_) node_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Shared(Shared&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  Shared& operator=(Shared other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~Shared() {
    if (node_ && node_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete node_;
  }

  T& operator*() const noexcept { return node_->value; }
  T* operator->() const noexcept { return &node_->value; }
  explicit operator bool() const noexcept { return node_ != nullptr; }

 private:
  explicit Shared(Node* node) noexcept : node_(node) {}
  Node* node_ = nullptr;
};

}  // namespace grit::detail
