// Deterministic, realistic contact data for benchmarks: names from many languages, emails at a
// mix of domains, E.164 phone numbers, Stripe accounts and four typed custom attributes. The same
// seed gives the same contacts, so every system compared gets the same work.
//
// Custom attributes (define them before upserting): plan (text: free|starter|pro|enterprise),
// ltv (number), vip (boolean), signup (date).
//
// Thread-safety: a ContactGenerator is used by one thread; Make() is deterministic in (seed, n).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/contact.h"
#include "engine/engine.h"

namespace contactd::bench {

struct GeneratedContact {
  std::string external_id;
  std::string name;
  std::string email;
  std::string phone;  // E.164
  std::string plan;
  double ltv = 0;
  bool vip = false;
  std::string signup;     // ISO 8601 date
  std::string stripe_id;  // empty: no stripe account
};

class ContactGenerator {
 public:
  explicit ContactGenerator(uint64_t seed) : seed_(seed) {}

  // The n-th contact of this seed (external_id "u<seed>-<n>").
  GeneratedContact Make(uint64_t n) const;
  // Contacts [first, first + count).
  std::vector<GeneratedContact> Batch(uint64_t first, size_t count) const;

 private:
  uint64_t seed_;
};

// The attribute definitions the generated contacts use.
std::vector<AttributeInput> GeneratedAttributes();

// As engine input.
ContactInput ToInput(const GeneratedContact& c);
// As a v1 JSON contact object.
std::string ToJson(const GeneratedContact& c);

}  // namespace contactd::bench
