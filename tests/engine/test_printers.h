// gtest printers for engine value types, so failed expectations show fields instead of bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <variant>

#include "engine/attr_value.h"
#include "engine/contact.h"
#include "engine/status.h"

namespace contactd {

inline void PrintTo(const Issue& issue, std::ostream* os) {
  *os << "{\"" << issue.field << "\", \"" << issue.message << "\"}";
}

inline void PrintTo(const DateTime& t, std::ostream* os) {
  *os << "DateTime{" << t.seconds << ", " << t.nanos << ", " << t.offset_minutes << ", "
      << (t.date_only ? "date_only" : "date-time") << "}";
}

inline void PrintTo(const AttrEntry& e, std::ostream* os) {
  *os << e.attr << "=";
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          *os << '"' << v << '"';
        } else if constexpr (std::is_same_v<T, DateTime>) {
          PrintTo(v, os);
        } else if constexpr (std::is_same_v<T, bool>) {
          *os << (v ? "true" : "false");
        } else {
          *os << v;
        }
      },
      e.value);
}

inline void PrintTo(const Contact& c, std::ostream* os) {
  auto opt = [&](const char* name, const std::optional<std::string>& v) {
    *os << ", " << name << "=" << (v ? "\"" + *v + "\"" : "null");
  };
  *os << "Contact{id=" << c.id << ", created_at=" << c.created_at << ", updated_at=" << c.updated_at
      << ", external_id=\"" << c.external_id << "\"";
  opt("name", c.name);
  opt("email", c.email);
  opt("phonenumber", c.phonenumber);
  *os << ", stripe_accounts=" << c.stripe_accounts.size() << ", attrs={";
  for (const AttrEntry& e : c.attrs) {
    PrintTo(e, os);
    *os << ";";
  }
  *os << "}}";
}

}  // namespace contactd
