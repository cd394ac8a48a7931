#include "engine/types.h"

namespace contactd {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kMember:
      return "member";
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
  }
  return "member";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "member") return Role::kMember;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace contactd
