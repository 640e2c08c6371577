#include "client/cluster/node.h"

namespace aero::cluster {

Node::Node(std::string name, io::Endpoint address, const std::vector<int>& max_conns_per_loop,
           const std::vector<int>& min_conns_per_loop)
    : name_(std::move(name)),
      address_(address),
      label_("node " + name_ + " at " + address_.to_string()) {
  pools_.reserve(max_conns_per_loop.size());
  for (std::size_t i = 0; i < max_conns_per_loop.size(); ++i) {
    int min = i < min_conns_per_loop.size() ? min_conns_per_loop[i] : 0;
    pools_.push_back(std::make_unique<command::ConnectionPool>(address_, max_conns_per_loop[i], min));
    recorders_.push_back(std::make_unique<metrics::NodeLoopRecorder>());
  }
}

}  // namespace aero::cluster
