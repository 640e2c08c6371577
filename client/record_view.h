// RecordView and BinView: a record's bins as views into the answer's bytes, for a get that
// allocates nothing (Client::get_view). The owning Record (client/types.h) is the other way
// to receive a record; RecordView::to_record() makes one from a view.
//
// Lifetime: a RecordView, every BinView taken from it and every string_view or span they
// return point into the command's receive buffer. They are valid only until the callback
// that received them returns: the command object (and its buffer) is reused for another
// command right after. Copy out what must outlive the callback (to_record(), to_value(),
// std::string(as_string())).
//
// Values: the server's answer was fully validated before the callback runs (lengths of
// every bin, msgpack well-formedness of lists and maps), so the accessors cannot meet
// malformed bytes. Scalars (int, double, bool, string, GeoJSON text) are read in place;
// blobs, HLLs and unknown particle types give their raw bytes; lists and maps give their
// raw msgpack bytes (bytes()) or an owning decode (to_value(), which allocates).
//
// Threads: plain views; read them on the callback's thread during the callback.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "client/status.h"
#include "client/types.h"
#include "client/wire/message.h"
#include "client/wire/particle.h"
#include "executor/unique_function.h"

namespace aero {

// One bin of a RecordView: its name and a view of its value.
class BinView {
 public:
  BinView() = default;
  // From the codec's view of one operation of an answer.
  explicit BinView(const wire::OpView& op) : name_(op.name), value_(op.value) {}

  // The bin's name.
  std::string_view name() const { return name_; }
  // The particle type on the wire (wire/protocol.h: 1 integer, 2 double, 3 string, 4 blob,
  // 17 bool, 18 HLL, 19 map, 20 list, 23 GeoJSON, ...).
  std::uint8_t particle_type() const { return value_.particle_type(); }
  // The kind of Value to_value() would give (Bytes for blobs, HLLs and unknown types).
  Value::Type type() const;
  // True for a nil value (a bin the answer names without a value).
  bool is_nil() const { return value_.is_nil(); }
  // The value's raw bytes as sent: big-endian integer or double, string or blob bytes,
  // msgpack for lists and maps.
  std::span<const std::uint8_t> bytes() const { return value_.bytes(); }

  // Typed reads in place; nullopt when the bin holds another type. An integer bin.
  std::optional<std::int64_t> as_int() const;
  // A double bin.
  std::optional<double> as_double() const;
  // A boolean bin.
  std::optional<bool> as_bool() const;
  std::optional<std::string_view> as_string() const;   // STRING bins
  std::optional<std::string_view> as_geojson() const;  // GeoJSON bins: the JSON text

  // An owning copy of the value (allocates for strings, blobs, lists and maps).
  Result<Value> to_value() const;

 private:
  std::string_view name_;
  wire::ValueView value_;
};

// A record's metadata and bins, in the server's order, as views (see the header comment).
class RecordView {
 public:
  // Walks the bins, yielding BinView by value.
  class iterator {
   public:
    using value_type = BinView;              ///< what the iterator yields
    using difference_type = std::ptrdiff_t;  ///< for std::iterator_traits
    iterator() = default;
    // Used by RecordView::begin()/end().
    explicit iterator(wire::OpRange::iterator it) : it_(it) {}
    // The current bin.
    BinView operator*() const { return BinView(*it_); }
    // The next bin.
    iterator& operator++() {
      ++it_;
      return *this;
    }
    // The next bin (postfix).
    iterator operator++(int) {
      iterator old = *this;
      ++it_;
      return old;
    }
    // Same position.
    friend bool operator==(const iterator& a, const iterator& b) { return a.it_ == b.it_; }

   private:
    wire::OpRange::iterator it_;
  };

  RecordView() = default;
  // A view of a validated answer message (the client builds it; see wire/message.h).
  explicit RecordView(const wire::MessageView& message) : message_(message) {}

  // The record's generation (bumped by every write).
  std::uint32_t generation() const { return message_.generation(); }
  // Seconds since 2010-01-01 UTC when the record expires; 0 = never (see
  // wire::void_time_to_ttl).
  std::uint32_t void_time() const { return message_.void_time(); }
  // Number of bins.
  std::size_t size() const { return message_.n_ops; }
  // True when the answer has no bins (e.g. get_header).
  bool empty() const { return message_.n_ops == 0; }
  // The bins, in the server's order: the first.
  iterator begin() const { return iterator(message_.ops().begin()); }
  // Past the last bin.
  iterator end() const { return iterator(message_.ops().end()); }
  // The first bin with this name, if any (a linear scan; records have few bins).
  std::optional<BinView> find(std::string_view name) const;
  // An owning copy, equal to what the owning get delivers.
  Result<Record> to_record() const;

 private:
  wire::MessageView message_;
};

// The callback of Client::get_view: runs once, with the view or why there is none. The view
// is valid only during the call (see the header comment).
using RecordViewCallback = UniqueFunction<void(Result<RecordView>)>;

}  // namespace aero
