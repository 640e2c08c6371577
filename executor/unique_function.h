// UniqueFunction: a move-only std::function with inline storage for small captures.
//
// Completions and posted tasks are stored in a UniqueFunction. A callable whose size is at
// most InlineBytes (and whose move constructor cannot throw) lives inside the object, so
// storing it allocates nothing; larger callables go to the heap. Not thread-safe: one
// object is used by one thread at a time (moving it between threads through a queue with
// proper synchronisation is fine).
#pragma once

#include <cassert>
#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace aero {

template <class Signature, std::size_t InlineBytes = 48>
class UniqueFunction;

// The function wrapper for R(Args...): holds any callable invocable with Args... that returns
// something convertible to R, inline up to InlineBytes (see stored_inline()).
template <class R, class... Args, std::size_t InlineBytes>
class UniqueFunction<R(Args...), InlineBytes> {
 public:
  // Empty (operator bool is false).
  UniqueFunction() noexcept = default;
  // Empty, as with `nullptr` for a std::function.
  UniqueFunction(std::nullptr_t) noexcept {}

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, UniqueFunction> &&
                                     std::is_invocable_r_v<R, D&, Args...>>>
  UniqueFunction(F&& f) {  // NOLINT(google-explicit-constructor): a function wrapper
    if constexpr ((std::is_pointer_v<D> || std::is_member_pointer_v<D>) &&
                  std::is_same_v<std::remove_cvref_t<F>, D>) {
      if (f == nullptr) return;  // a null function pointer makes an empty function
    }
    if constexpr (stored_inline<D>()) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &inline_ops<D>;
    } else {
      ::new (static_cast<void*>(storage_)) D*(new D(std::forward<F>(f)));
      ops_ = &heap_ops<D>;
    }
  }

  // Takes `other`'s callable; `other` is left empty.
  UniqueFunction(UniqueFunction&& other) noexcept { take(other); }

  // Destroys the held callable, then takes `other`'s; `other` is left empty.
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }

  // Destroys the held callable; the function is empty.
  UniqueFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }

  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;

  ~UniqueFunction() { reset(); }

  // True when it holds a callable.
  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Calls the stored callable. Calling an empty UniqueFunction is a bug (checked by assert in
  // debug builds; in release builds it dereferences a null table).
  R operator()(Args... args) {
    assert(ops_ != nullptr && "call of an empty UniqueFunction");
    return ops_->invoke(storage_, std::forward<Args>(args)...);
  }

  // True when a callable of type F is kept inside the object (no heap allocation).
  template <class F>
  static constexpr bool stored_inline() {
    return sizeof(F) <= InlineBytes && alignof(F) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<F>;
  }

  // Destroys the held callable (frees its heap copy, if any); the function is empty.
  void reset() noexcept {
    if (ops_ != nullptr) {
      ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    R (*invoke)(void* storage, Args&&... args);
    void (*move)(void* from, void* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(void* storage) noexcept;
  };

  // Calls `f`; when R is void, a result of another type is discarded (as std::function does).
  template <class D>
  static R call(D& f, Args&&... args) {
    if constexpr (std::is_void_v<R>) {
      static_cast<void>(std::invoke(f, std::forward<Args>(args)...));
    } else {
      return std::invoke(f, std::forward<Args>(args)...);
    }
  }

  template <class D>
  static constexpr Ops inline_ops = {
      [](void* s, Args&&... args) -> R {
        return call(*std::launder(static_cast<D*>(s)), std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept {
        D* src = std::launder(static_cast<D*>(from));
        ::new (to) D(std::move(*src));
        src->~D();
      },
      [](void* s) noexcept { std::launder(static_cast<D*>(s))->~D(); },
  };

  template <class D>
  static constexpr Ops heap_ops = {
      [](void* s, Args&&... args) -> R {
        return call(**std::launder(static_cast<D**>(s)), std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept {
        ::new (to) D*(*std::launder(static_cast<D**>(from)));
      },
      [](void* s) noexcept { delete *std::launder(static_cast<D**>(s)); },
  };

  void take(UniqueFunction& other) noexcept {
    if (other.ops_ != nullptr) {
      other.ops_->move(other.storage_, storage_);
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }

  static_assert(InlineBytes >= sizeof(void*), "inline storage must hold a pointer");
  alignas(std::max_align_t) unsigned char storage_[InlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace aero
