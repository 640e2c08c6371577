// Target: the four commands the load generator sends, behind an interface so that the load
// models can be tested against a fake; ClientTarget sends them with an aero::Client.
//
// Contract (the client's): every call completes exactly once, never inside the call itself.
//
// Threads: any thread may call any method; callbacks run on the client's completion executor.
#pragma once

#include <cstdint>
#include <vector>

#include "client/client.h"

namespace aero::bench {

class Target {
 public:
  virtual ~Target() = default;
  // A read of the whole record. The load generator looks only at the result code and the
  // generation, so the record comes as a view (Client::get_view): no bin is copied.
  virtual void get(const Key& key, RecordViewCallback cb) = 0;
  virtual void put(const Key& key, Bins bins, WriteCallback cb) = 0;
  // Writes only if the record's generation is still `generation` (else result 3).
  virtual void put_if_generation(const Key& key, Bins bins, std::uint32_t generation,
                                 WriteCallback cb) = 0;
  virtual void batch_get(std::vector<Key> keys, BatchCallback cb) = 0;
};

class ClientTarget final : public Target {
 public:
  // Policies: the client's defaults with total_timeout = `timeout_ms`.
  ClientTarget(Client& client, int timeout_ms);

  void get(const Key& key, RecordViewCallback cb) override;
  void put(const Key& key, Bins bins, WriteCallback cb) override;
  void put_if_generation(const Key& key, Bins bins, std::uint32_t generation,
                         WriteCallback cb) override;
  void batch_get(std::vector<Key> keys, BatchCallback cb) override;

  const ReadPolicy& read_policy() const { return read_; }
  const WritePolicy& write_policy() const { return write_; }

 private:
  Client& client_;
  ReadPolicy read_;
  WritePolicy write_;
  BatchPolicy batch_;
};

}  // namespace aero::bench
