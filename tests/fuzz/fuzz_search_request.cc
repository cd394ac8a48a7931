// Fuzz target: search requests. Each input is used both as the query string of GET /contacts
// (net/url.h ParseQuery, then SearchInputFromQuery) and as the body of POST /contacts/search
// (DecodeSearchBody), and the path splitting and percent-decoding of net/url.h see it too. Every
// search that decodes runs on a small chatbot (Engine::Search is read-only), so filters, sorts and
// client-sent cursors reach the query checker, the evaluator and the pager.
//
// Invariants: a rejected search is kInvalidArgument with a message (never a crash or kInternal);
// a page holds at most per_page contacts and no more than the total; a next_cursor the engine
// hands out is accepted when sent back.
//
// Thread-safety: libFuzzer calls it from one thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/search_request.h"
#include "net/url.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

using contactd::Code;
using contactd::fuzz::FuzzWorld;
namespace search = contactd::search;

void CheckRejected(const contactd::Status& s, std::string_view input) {
  FUZZ_CHECK(s.code() == Code::kInvalidArgument, s.ToString());
  FUZZ_CHECK(!s.message().empty(), input);
}

void RunSearch(FuzzWorld& world, search::SearchInput in, std::string_view input) {
  auto page = world.engine().Search(world.op(), "bot", in);
  if (!page.ok()) return CheckRejected(page.status(), input);
  FUZZ_CHECK(page->contacts.size() <= std::max<size_t>(in.per_page, 1), input);
  FUZZ_CHECK(page->contacts.size() <= page->total, input);
  if (!page->next_cursor) return;
  in.cursor = *page->next_cursor;
  in.page.reset();
  auto next = world.engine().Search(world.op(), "bot", in);
  FUZZ_CHECK(next.ok(), next.status().ToString() + " for the engine's own cursor " + *in.cursor);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* world = FuzzWorld::Make().release();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  contactd::net::SplitPath(input);
  contactd::net::PercentDecode(input, false);
  if (auto params = contactd::net::ParseQuery(input)) {
    auto in = contactd::net::SearchInputFromQuery(*params);
    if (in.ok()) {
      RunSearch(*world, std::move(*in), input);
    } else {
      CheckRejected(in.status(), input);
    }
  }

  auto body = contactd::net::DecodeSearchBody(input);
  if (body.ok()) {
    RunSearch(*world, std::move(*body), input);
  } else {
    CheckRejected(body.status(), input);
  }
  return 0;
}
