#include "client/cluster/user_agent.h"

#include <charconv>

#include "client/version.h"
#include "client/wire/udf.h"  // base64_encode

namespace aero {

std::string user_agent_client_id() { return "cpp-async-" + std::string(kVersion); }

std::string user_agent_request(std::string_view user) {
  std::string payload = "1," + user_agent_client_id() + ",";
  payload += user.empty() ? std::string_view("not-set") : user;
  return "user-agent-set:value=" + wire::base64_encode(payload) + "\n";
}

bool server_takes_user_agent(std::string_view build) {
  int part[2] = {0, 0};
  const char* p = build.data();
  const char* end = build.data() + build.size();
  for (int i = 0; i < 2; ++i) {
    auto [next, ec] = std::from_chars(p, end, part[i]);
    if (ec != std::errc()) return false;
    p = next;
    if (i == 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  return part[0] > 8 || (part[0] == 8 && part[1] >= 1);
}

}  // namespace aero
