// Verification after a restart of the crash loop: reads the whole crash chatbot back and checks
// it against every client's model of acknowledged state.
//
// - Each client's in-flight write (sent, never answered) is resolved from what is stored: an
//   upsert is applied if its items carry its batch tag, and must be so for all of them or none;
//   an applied write must hold the values Apply() predicts, an unapplied one must have left the
//   previously acknowledged contacts exactly as they were. The model then adopts what was found.
// - Every acknowledged contact must be present with its acknowledged values, field by field
//   (including id, created_at and updated_at); every deleted or never-acknowledged external_id
//   must be absent; no other contact may exist; ids are unique and `total` matches.
// - A sample of single-contact GETs (present and absent) must agree with the model too.
// Each failure is reported to Shared as a violation.
//
// Thread-safety: call from the loop's thread while no client is running.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/crash/crash_client.h"

namespace contactd::crash {

// How the writes in flight at a kill turned out.
struct InFlightTally {
  int64_t applied = 0;
  int64_t not_applied = 0;
};

struct VerifyStats {
  int64_t contacts = 0;  // contacts compared with the model
  int64_t lookups = 0;   // GETs of single contacts (present or absent) compared with the model
  InFlightTally upsert;
  InFlightTally del;
  InFlightTally patch;
};

// Verifies the chatbot `chatbot` on 127.0.0.1:`port` with `key`. Returns false if it could not
// read the data (a violation is recorded then too).
bool Verify(uint16_t port, const std::string& key, const std::string& chatbot,
            const std::vector<std::unique_ptr<CrashClient>>& clients, Shared* shared,
            VerifyStats* stats);

}  // namespace contactd::crash
