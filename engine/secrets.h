// Secrets: API key generation, SHA-256 digests and constant-time comparison (OpenSSL), and random
// identifiers.
//
// Keys look like "oc_live_" followed by 32 base62 characters (190 random bits). Only the digest is
// ever stored.
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "engine/types.h"

namespace contactd::secrets {

std::string NewApiKey();                                    // "oc_live_…"
KeyDigest Digest(std::string_view key);                     // SHA-256
bool DigestsEqual(const KeyDigest& a, const KeyDigest& b);  // constant time
std::string RandomToken(size_t length);                     // base62 characters from a CSPRNG
std::string NewUuid();  // random (version 4) UUID, lower-case hex

// True when `key` is acceptable as an operator key given on the command line: 20-256 printable
// ASCII characters without spaces.
bool IsAcceptableKey(std::string_view key);

}  // namespace contactd::secrets
