// Helpers for the black-box tests of search (api_search_test.cc, api_search_errors_test.cc):
// GET /contacts with q, sort, order, cursor and filter[...] parameters, and
// POST /contacts/search. A result is compared as the list of external ids, in order.
//
// SearchSuite::Seed() defines four custom attributes (plan text, ltv number, vip boolean, signup
// date) and creates six contacts u1..u6 in one batch (so ids ascend from u1 to u6, and the
// default order, newest first, is u6 u5 u4 u3 u2 u1):
//
//   ext  name            email                   phonenumber       plan        ltv     vip   signup
//   u1   José Álvarez    jose.alvarez@acme.com   +1 415-555-0100   pro         540     true
//   2026-01-15 u2   Anna Müller     anna@beispiel.de        +49 30 1234567    free        12.5
//   false 2025-11-02T10:00:00Z u3   Zoë Smith       ZOE@acme.com            -                 Pro
//   0       -     - u4   -               nobody@other.org        (415) 555-0199    -           - -
//   - u5   bob             -                       -                 team        -3      true
//   2026-03-01 u6   MÜLLER GmbH     info@mueller.example    +44 20 7946 0958  enterprise  100000
//   false -
//
// u3 also has a Stripe account {"label":"main","stripe_id":"cus_123",
// "stripe_email":"billing@acme.com"}.
//
// Thread-safety: as it_helpers.h.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {

using Ids = std::vector<std::string>;

// A query string ("?k=v&k=v") with keys and values percent-encoded; repeated keys are kept.
inline std::string Qs(std::initializer_list<std::pair<std::string, std::string>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    out += out.empty() ? "?" : "&";
    out += PathEncode(k) + "=" + PathEncode(v);
  }
  return out;
}

// The external ids of a `data` array, in order.
inline Ids Exts(const Json& data) {
  Ids out;
  for (size_t i = 0; i < data.size(); ++i) out.push_back(data[i]["external_id"].str());
  return out;
}

inline constexpr const char* kInvalid = "Invalid request data";

template <typename Suite>
class SearchSuite : public ChatbotSuite<Suite> {
 protected:
  using Base = ChatbotSuite<Suite>;

  std::string SearchPath() const { return ContactsPath(this->bot_) + "/search"; }
  HttpResult Search(std::string_view body) { return this->api_->Post(SearchPath(), body); }

  // The four attributes and six contacts of the header comment; returns the contacts by
  // external id.
  std::map<std::string, Json> Seed() {
    DefineAttribute(*this->api_, this->bot_, "plan", "text");
    DefineAttribute(*this->api_, this->bot_, "ltv", "number");
    DefineAttribute(*this->api_, this->bot_, "vip", "boolean");
    DefineAttribute(*this->api_, this->bot_, "signup", "date");
    Json data = this->UpsertOk(R"(
      {"external_id":"u1","name":"José Álvarez","email":"jose.alvarez@acme.com",
       "phonenumber":"+1 415-555-0100",
       "custom_attributes":{"plan":"pro","ltv":540,"vip":true,"signup":"2026-01-15"}},
      {"external_id":"u2","name":"Anna Müller","email":"anna@beispiel.de",
       "phonenumber":"+49 30 1234567",
       "custom_attributes":{"plan":"free","ltv":12.5,"vip":false,
                            "signup":"2025-11-02T10:00:00Z"}},
      {"external_id":"u3","name":"Zoë Smith","email":"ZOE@acme.com",
       "stripe_accounts":[{"label":"main","stripe_id":"cus_123",
                           "stripe_email":"billing@acme.com"}],
       "custom_attributes":{"plan":"Pro","ltv":0}},
      {"external_id":"u4","email":"nobody@other.org","phonenumber":"(415) 555-0199"},
      {"external_id":"u5","name":"bob",
       "custom_attributes":{"plan":"team","ltv":-3,"vip":true,"signup":"2026-03-01"}},
      {"external_id":"u6","name":"MÜLLER GmbH","email":"info@mueller.example",
       "phonenumber":"+44 20 7946 0958",
       "custom_attributes":{"plan":"enterprise","ltv":100000,"vip":false}})");
    std::map<std::string, Json> out;
    for (size_t i = 0; i < data.size(); ++i) out.emplace(data[i]["external_id"].str(), data[i]);
    EXPECT_EQ(out.size(), 6u);
    return out;
  }

  // GET /contacts`query`, expected to succeed with every match on one page: returns the external
  // ids and checks that total counts exactly them and that next_cursor is null.
  Ids Found(const std::string& query) {
    HttpResult r = this->List(query);
    EXPECT_TRUE(IsSuccess(r)) << query;
    return AllOnOnePage(r, query);
  }
  // The same for POST /contacts/search with `body`.
  Ids Searched(const std::string& body) {
    HttpResult r = Search(body);
    EXPECT_TRUE(IsSuccess(r)) << body;
    return AllOnOnePage(r, body);
  }

  static Ids AllOnOnePage(const HttpResult& r, const std::string& what) {
    Json j(r.body);
    Ids ids = Exts(j["data"]);
    EXPECT_EQ(j["total"].i64(), static_cast<int64_t>(ids.size())) << what << " -> " << r.body;
    EXPECT_TRUE(j["next_cursor"].is_null()) << what << " -> " << r.body;
    return ids;
  }

  // Follows next_cursor from the first page of GET /contacts?`params`&per_page=N until it is
  // null; checks every page's total, size and pages object; returns all external ids in order.
  Ids WalkGet(const std::string& params, size_t per_page, int64_t total) {
    Ids out;
    std::string cursor;
    for (int page = 1; page <= 1000; ++page) {
      std::string query = "?per_page=" + std::to_string(per_page);
      if (!params.empty()) query += "&" + params;
      if (!cursor.empty()) query += "&cursor=" + PathEncode(cursor);
      HttpResult r = this->List(query);
      if (!IsSuccess(r)) {
        ADD_FAILURE() << query << " -> " << Describe(r);
        return out;
      }
      if (!CheckPage(r, page, per_page, total, &out, &cursor)) return out;
      if (cursor.empty()) return out;
    }
    ADD_FAILURE() << "next_cursor never became null";
    return out;
  }

  // The same for POST /contacts/search; `members` are the body's members without braces
  // (possibly empty).
  Ids WalkPost(const std::string& members, size_t per_page, int64_t total) {
    Ids out;
    std::string cursor;
    for (int page = 1; page <= 1000; ++page) {
      std::string body =
          "{" + members + (members.empty() ? "" : ",") + "\"per_page\":" + std::to_string(per_page);
      if (!cursor.empty()) body += ",\"cursor\":" + Quote(cursor);
      body += "}";
      HttpResult r = Search(body);
      if (!IsSuccess(r)) {
        ADD_FAILURE() << body << " -> " << Describe(r);
        return out;
      }
      if (!CheckPage(r, page, per_page, total, &out, &cursor)) return out;
      if (cursor.empty()) return out;
    }
    ADD_FAILURE() << "next_cursor never became null";
    return out;
  }

  // Checks page number `page` (1-based) of a cursor walk; appends its ids and sets `cursor` to
  // next_cursor ("" when null). False after a failure that makes going on pointless.
  static bool CheckPage(const HttpResult& r, int page, size_t per_page, int64_t total, Ids* out,
                        std::string* cursor) {
    Json j(r.body);
    const size_t before = out->size();
    const size_t rows = j["data"].size();
    for (const std::string& id : Exts(j["data"])) out->push_back(id);
    EXPECT_EQ(j["total"].i64(), total) << "page " << page;
    const int64_t total_pages =
        (total + static_cast<int64_t>(per_page) - 1) / static_cast<int64_t>(per_page);
    const std::string page_field = page == 1 ? "1" : "null";
    EXPECT_EQ(j["pages"].dump(), "{\"page\":" + page_field +
                                     ",\"per_page\":" + std::to_string(per_page) +
                                     ",\"total_pages\":" + std::to_string(total_pages) + "}")
        << "page " << page;
    const bool last = before + rows >= static_cast<size_t>(total);
    EXPECT_EQ(rows, last ? static_cast<size_t>(total) - before : per_page) << "page " << page;
    if (last) {
      EXPECT_TRUE(j["next_cursor"].is_null()) << "page " << page << ": " << r.body;
      cursor->clear();
      return true;
    }
    if (!j["next_cursor"].is_string() || j["next_cursor"].str().empty()) {
      ADD_FAILURE() << "page " << page << " has no next_cursor: " << r.body;
      return false;
    }
    *cursor = j["next_cursor"].str();
    return true;
  }

  // 400 "Invalid request data" with exactly these issues.
  static void ExpectInvalid(const HttpResult& r, const IssueList& issues,
                            const std::string& what = "") {
    EXPECT_TRUE(IsError(r, 400, kInvalid)) << what;
    EXPECT_EQ(Issues(r), issues) << what;
  }
};

}  // namespace contactd::testing
